package embedded

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/tiles"
)

// undoChunk is how many enterprises one transaction of an undo handles:
// small enough that other writers wait well under a second.
const undoChunk = 2000

// UndoImport undoes a succeeded import as a whole (see
// guccho.EnterpriseStore).
func (s *Store) UndoImport(ctx context.Context, id string) (*guccho.Import, error) {
	imp, err := s.FindImportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := imp.CheckUndoable(); err != nil {
		return nil, err
	}
	if imp.Status == guccho.ImportSucceeded {
		if err := s.undoConflicts(ctx, imp); err != nil {
			return nil, err
		}
		imp.Status = guccho.ImportUndoing
		if err := saveImport(ctx, s.db, imp); err != nil {
			return nil, err
		}
	}
	return s.finishUndo(ctx, imp, guccho.ImportUndone, "")
}

// RollbackImport undoes an interrupted import (see guccho.EnterpriseStore).
func (s *Store) RollbackImport(ctx context.Context, id, reason string) (*guccho.Import, error) {
	imp, err := s.FindImportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	status, err := imp.RollbackStatus()
	if err != nil {
		return nil, err
	}
	if status == guccho.ImportUndone {
		reason = ""
	}
	return s.finishUndo(ctx, imp, status, reason)
}

// finishUndo undoes what is left of the import and records its new status.
func (s *Store) finishUndo(ctx context.Context, imp *guccho.Import, status, reason string) (*guccho.Import, error) {
	if err := s.undoChunks(ctx, imp.ID); err != nil {
		return nil, err
	}
	imp.MarkUndone(status, reason, time.Now().UTC())
	if err := saveImport(ctx, s.db, imp); err != nil {
		return nil, err
	}
	return imp, nil
}

// undoConflicts refuses, with ECONFLICT, to undo an import whose rows were
// written since by a later import that stands, edited, or deleted.
func (s *Store) undoConflicts(ctx context.Context, imp *guccho.Import) error {
	later, err := s.strings(ctx, `SELECT DISTINCT u.import_id FROM import_undo u JOIN imports i ON i.id = u.import_id
		WHERE u.prior_import_id = ? AND u.import_id <> ? AND i.status NOT IN ('undone', 'rolled_back') LIMIT 6`, imp.ID, imp.ID)
	if err != nil {
		return err
	}
	if len(later) > 0 {
		return guccho.Errorf(guccho.ECONFLICT, "import %s: later imports wrote its rows since (%s): undo them first", imp.ID, listIDs(later))
	}
	if imp.EndedAt != nil {
		edited, err := s.editedSince(ctx, imp.ID, *imp.EndedAt)
		if err != nil {
			return err
		}
		if len(edited) > 0 {
			return guccho.Errorf(guccho.ECONFLICT, "import %s: enterprises edited since the import: %s", imp.ID, listIDs(edited))
		}
	}
	deleted, err := s.strings(ctx, `SELECT u.id FROM import_undo u WHERE u.import_id = ?
		AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.fid = u.fid) ORDER BY u.id LIMIT 6`, imp.ID)
	if err != nil {
		return err
	}
	if len(deleted) > 0 {
		return guccho.Errorf(guccho.ECONFLICT, "import %s: enterprises it updated were deleted since: %s", imp.ID, listIDs(deleted))
	}
	return nil
}

// editedSince returns up to six ids of the import's enterprises updated
// after end. SQLite's julianday keeps milliseconds only, so an edit in the
// same millisecond as the import's end would pass a comparison in SQL: the
// query keeps every row of that millisecond or later, and the stored
// nanosecond times decide.
func (s *Store) editedSince(ctx context.Context, importID string, end time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, updated_at FROM enterprises
		WHERE import_id = ? AND julianday(updated_at) >= julianday(?) ORDER BY id`, importID, end.UTC().Format(timeFormat))
	if err != nil {
		return nil, sqlErr(err, "checking what an undo would overwrite")
	}
	defer rows.Close()
	var out []string
	for rows.Next() && len(out) < 6 {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, sqlErr(err, "checking what an undo would overwrite")
		}
		t, err := time.Parse(timeFormat, at)
		if err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "enterprise %q: stored time %q", id, at)
		}
		if t.After(end) {
			out = append(out, id)
		}
	}
	return out, sqlErr(rows.Err(), "checking what an undo would overwrite")
}

// listIDs lists up to five ids, and says when there are more.
func listIDs(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + " and more"
	}
	return strings.Join(ids, ", ")
}

// strings runs a query whose rows are one text column.
func (s *Store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, sqlErr(err, "checking what an undo would overwrite")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, sqlErr(err, "checking what an undo would overwrite")
		}
		out = append(out, v)
	}
	return out, sqlErr(rows.Err(), "checking what an undo would overwrite")
}

// undoChunks undoes an import's committed chunks, a chunk of enterprises
// per transaction: first the rows it created go, then the rows it updated
// get their saved version back (and leave the undo table, which is how an
// interrupted undo knows where it stopped). Last, its review items go.
//
// A bulk import still loading first gets the indexes of enterprises
// back (bulk.go). The count pyramid and the points table follow only when the import's indexing
// ran: an import still loading never touched them (they hold the prior
// versions it restores), and one interrupted while indexing is first
// indexed to the end, then undone as a whole.
func (s *Store) undoChunks(ctx context.Context, importID string) error {
	st, err := readIndexState(ctx, s.db, importID)
	if err != nil {
		return err
	}
	if st.phase == phaseIndexing || (st.phase == phaseLoading && st.bulk) {
		// A bulk import still loading gets its indexes back first: the
		// undo reads its rows by import id, and leaves every index in place.
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return sqlErr(err, "import %s: finishing its indexing", importID)
		}
		if st.phase == phaseIndexing {
			err = s.indexImport(ctx, conn, importID, nil)
		} else {
			ix := &indexer{s: s, conn: conn, importID: importID, st: st}
			err = ix.buildIndexes(ctx)
		}
		conn.Close()
		if err != nil {
			return err
		}
	}
	indexed := st.phase != phaseLoading
	for _, step := range []func(context.Context, *sql.Tx, string, bool) (int, error){undoCreated, undoUpdated} {
		for {
			n := 0
			err := s.inTx(ctx, func(tx *sql.Tx) error {
				var err error
				n, err = step(ctx, tx, importID, indexed)
				return err
			})
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
			s.enterprisesChanged()
		}
	}
	_, err = s.db.ExecContext(ctx, `DELETE FROM import_review WHERE import_id = ?`, importID)
	return sqlErr(err, "removing the review items of import %s", importID)
}

// undoCreated deletes up to undoChunk of the rows the import created, and
// their entries in enterprise_points and pyramid counts when indexed.
func undoCreated(ctx context.Context, tx *sql.Tx, importID string, indexed bool) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT fid, id, sector, lon, lat, division, district, upazila, union_code, `+jobsColumns("")+`
		FROM enterprises WHERE import_id = ? AND fid NOT IN (SELECT fid FROM import_undo WHERE import_id = ?) LIMIT ?`,
		importID, importID, undoChunk)
	if err != nil {
		return 0, sqlErr(err, "reading the enterprises import %s created", importID)
	}
	type row struct {
		fid        int64
		id, sector string
		lon, lat   sql.NullFloat64
		admin      guccho.AdminCodes
		method     string
		synthetic  bool
		self, wage int
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.fid, &r.id, &r.sector, &r.lon, &r.lat,
			&r.admin.Division, &r.admin.District, &r.admin.Upazila, &r.admin.Union, &r.method, &r.synthetic, &r.self, &r.wage); err != nil {
			rows.Close()
			return 0, sqlErr(err, "reading the enterprises import %s created", importID)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, sqlErr(err, "reading the enterprises import %s created", importID)
	}
	deltas, jobs := tiles.CellDeltas{}, profile.JobDeltas{}
	ch := guccho.ChangeBuilder{Action: "undone", ImportID: importID}
	for _, r := range list {
		jobs.Add(r.admin, r.sector, r.method, r.synthetic, r.self, r.wage, -1)
		if _, err := tx.ExecContext(ctx, `DELETE FROM enterprises WHERE fid = ?`, r.fid); err != nil {
			return 0, sqlErr(err, "deleting enterprise %q", r.id)
		}
		var pt *[2]float64
		if p, ok := pointOf(r.lon, r.lat); ok {
			if indexed {
				if _, err := tx.ExecContext(ctx, `DELETE FROM enterprise_points WHERE key = ? AND fid = ?`, tiles.PointKey(p), r.fid); err != nil {
					return 0, sqlErr(err, "deleting enterprise %q", r.id)
				}
				deltas.Add(p, r.sector, -1)
			}
			pt = &[2]float64{p[0], p[1]}
		}
		ch.Add(r.id, r.sector, pt)
	}
	if len(list) == 0 {
		return 0, nil
	}
	if err := applyDeltas(ctx, tx, deltas, jobs); err != nil {
		return 0, err
	}
	return len(list), appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
}

// undoUpdated restores up to undoChunk of the rows the import updated (or
// marked unchanged) to their saved versions; a row deleted since is put
// back. The points table and the pyramid follow when the import was indexed;
// otherwise they still hold the saved versions.
func undoUpdated(ctx context.Context, tx *sql.Tx, importID string, indexed bool) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.fid, u.id, u.sector, u.lon, u.lat, u.division, u.district, u.upazila, u.union_code,
			`+jobsColumns("u.")+`, e.fid IS NOT NULL, e.sector, e.lon, e.lat,
			coalesce(e.division, ''), coalesce(e.district, ''), coalesce(e.upazila, ''), coalesce(e.union_code, ''), `+jobsColumns("e.")+`
		FROM import_undo u LEFT JOIN enterprises e ON e.fid = u.fid WHERE u.import_id = ? ORDER BY u.fid LIMIT ?`, importID, undoChunk)
	if err != nil {
		return 0, sqlErr(err, "reading what import %s updated", importID)
	}
	type row struct {
		fid              int64
		id, sector       string
		lon, lat         sql.NullFloat64
		admin            guccho.AdminCodes
		method           string
		synthetic        bool
		self, wage       int
		exists           bool
		curSector        sql.NullString
		curLon, curLat   sql.NullFloat64
		curAdmin         guccho.AdminCodes
		curMethod        string
		curSynthetic     bool
		curSelf, curWage int
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.fid, &r.id, &r.sector, &r.lon, &r.lat,
			&r.admin.Division, &r.admin.District, &r.admin.Upazila, &r.admin.Union, &r.method, &r.synthetic, &r.self, &r.wage,
			&r.exists, &r.curSector, &r.curLon, &r.curLat,
			&r.curAdmin.Division, &r.curAdmin.District, &r.curAdmin.Upazila, &r.curAdmin.Union,
			&r.curMethod, &r.curSynthetic, &r.curSelf, &r.curWage); err != nil {
			rows.Close()
			return 0, sqlErr(err, "reading what import %s updated", importID)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, sqlErr(err, "reading what import %s updated", importID)
	}
	deltas, jobs := tiles.CellDeltas{}, profile.JobDeltas{}
	ch := guccho.ChangeBuilder{Action: "undone", ImportID: importID}
	const cols = `id, name, sector, method, lon, lat, display_point, synthetic, division, district, upazila, union_code,
		import_id, import_row, content_hash, doc, created_at, updated_at`
	const saved = `id, name, sector, method, lon, lat, display_point, synthetic, division, district, upazila, union_code,
		prior_import_id, import_row, content_hash, doc, created_at, updated_at`
	for _, r := range list {
		var q string
		if r.exists {
			jobs.Add(r.curAdmin, r.curSector.String, r.curMethod, r.curSynthetic, r.curSelf, r.curWage, -1)
			if p, ok := pointOf(r.curLon, r.curLat); ok {
				if indexed {
					if _, err := tx.ExecContext(ctx, `DELETE FROM enterprise_points WHERE key = ? AND fid = ?`, tiles.PointKey(p), r.fid); err != nil {
						return 0, sqlErr(err, "indexing enterprise %q", r.id)
					}
					deltas.Add(p, r.curSector.String, -1)
				}
				ch.Add("", r.curSector.String, &[2]float64{p[0], p[1]})
			}
			q = `UPDATE enterprises SET (` + cols + `) = (SELECT ` + saved + ` FROM import_undo WHERE import_id = ? AND fid = ?) WHERE fid = ?`
		} else {
			q = `INSERT INTO enterprises (fid, ` + cols + `) SELECT fid, ` + saved + ` FROM import_undo WHERE import_id = ? AND fid = ? AND ? IS NOT NULL`
		}
		if _, err := tx.ExecContext(ctx, q, importID, r.fid, r.fid); err != nil {
			return 0, sqlErr(err, "restoring enterprise %q", r.id)
		}
		jobs.Add(r.admin, r.sector, r.method, r.synthetic, r.self, r.wage, +1)
		var pt *[2]float64
		if p, ok := pointOf(r.lon, r.lat); ok {
			if indexed {
				if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_points (key, fid) VALUES (?, ?)`, tiles.PointKey(p), r.fid); err != nil {
					return 0, sqlErr(err, "indexing enterprise %q", r.id)
				}
				deltas.Add(p, r.sector, +1)
			}
			pt = &[2]float64{p[0], p[1]}
		}
		ch.Add(r.id, r.sector, pt)
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_undo WHERE import_id = ? AND fid = ?`, importID, r.fid); err != nil {
			return 0, sqlErr(err, "restoring enterprise %q", r.id)
		}
	}
	if len(list) == 0 {
		return 0, nil
	}
	if err := applyDeltas(ctx, tx, deltas, jobs); err != nil {
		return 0, err
	}
	return len(list), appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
}
