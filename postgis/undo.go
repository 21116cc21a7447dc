package postgis

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/tiles"
)

// undoChunk is how many enterprises one transaction of an undo handles:
// small enough that other writers wait well under a second.
const undoChunk = 5000

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
		if err := s.FinishImport(ctx, imp); err != nil {
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
	if err := s.FinishImport(ctx, imp); err != nil {
		return nil, err
	}
	return imp, nil
}

// undoConflicts refuses, with ECONFLICT, to undo an import whose rows were
// written since by a later import that stands, edited, or deleted.
func (s *Store) undoConflicts(ctx context.Context, imp *guccho.Import) error {
	later, err := s.texts(ctx, `SELECT DISTINCT u.import_id FROM guccho.import_undo u JOIN guccho.imports i ON i.id = u.import_id
		WHERE u.prior_import_id = $1 AND u.import_id <> $1 AND i.status NOT IN ('undone', 'rolled_back') LIMIT 6`, imp.ID)
	if err != nil {
		return err
	}
	if len(later) > 0 {
		return guccho.Errorf(guccho.ECONFLICT, "import %s: later imports wrote its rows since (%s): undo them first", imp.ID, listIDs(later))
	}
	if imp.EndedAt != nil {
		edited, err := s.texts(ctx, `SELECT id FROM guccho.enterprises WHERE import_id = $1 AND updated_at > $2 ORDER BY id LIMIT 6`, imp.ID, *imp.EndedAt)
		if err != nil {
			return err
		}
		if len(edited) > 0 {
			return guccho.Errorf(guccho.ECONFLICT, "import %s: enterprises edited since the import: %s", imp.ID, listIDs(edited))
		}
	}
	deleted, err := s.texts(ctx, `SELECT u.id FROM guccho.import_undo u WHERE u.import_id = $1
		AND NOT EXISTS (SELECT 1 FROM guccho.enterprises e WHERE e.fid = u.fid) ORDER BY u.id LIMIT 6`, imp.ID)
	if err != nil {
		return err
	}
	if len(deleted) > 0 {
		return guccho.Errorf(guccho.ECONFLICT, "import %s: enterprises it updated were deleted since: %s", imp.ID, listIDs(deleted))
	}
	return nil
}

// listIDs lists up to five ids, and says when there are more.
func listIDs(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + " and more"
	}
	return strings.Join(ids, ", ")
}

// texts runs a query whose rows are one text column.
func (s *Store) texts(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, dbErr(err, "check what an undo would overwrite")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, dbErr(err, "check what an undo would overwrite")
}

// undoChunks undoes an import's committed chunks, a chunk of enterprises
// per transaction: first the rows it created go, then the rows it updated
// get their saved version back (and leave the undo table, which is how an
// interrupted undo knows where it stopped). Last, its review items go.
//
// How much of the import the count pyramid holds decides what the undo
// does to it: an import interrupted while loading added none of its cells
// (and took none of the places of the rows it updated out), so its undo
// leaves the pyramid alone; one interrupted
// while indexing is indexed to the end first, and then undone like an
// indexed one, whose cells go chunk by chunk.
//
// A bulk import gets the enterprises' indexes it dropped back first
// (buildIndexes; a no-op once its indexing built them): its undo finds its
// rows by import id, and the store is left with every index.
func (s *Store) undoChunks(ctx context.Context, importID string) error {
	state, err := pyramidState(ctx, s.pool, importID)
	if err != nil {
		return err
	}
	bulk, err := s.isBulk(ctx, importID)
	if err != nil {
		return err
	}
	if bulk {
		if err := s.buildIndexes(ctx, false, nil); err != nil {
			return err
		}
	}
	switch state {
	case pyramidIndexing:
		if err := s.indexImport(ctx, importID, nil); err != nil {
			return err
		}
		if _, err := s.pool.Exec(ctx, `UPDATE guccho.imports SET pyramid = $2 WHERE id = $1`, importID, pyramidIndexed); err != nil {
			return dbErr(err, "index an import before undoing it")
		}
	}
	pyramid := state != pyramidLoading
	for _, step := range []func(context.Context, pgx.Tx, string, *guccho.ChangeBuilder, tiles.CellDeltas, profile.JobDeltas) (int, error){undoCreated, undoUpdated} {
		for {
			n := 0
			version := ""
			err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				ch := guccho.ChangeBuilder{Action: "undone", ImportID: importID}
				deltas, jobs := tiles.CellDeltas{}, profile.JobDeltas{}
				var err error
				if n, err = step(ctx, tx, importID, &ch, deltas, jobs); err != nil || n == 0 {
					return err
				}
				if !pyramid {
					clear(deltas)
				}
				if err := applyDeltas(ctx, tx, deltas, jobs); err != nil {
					return err
				}
				if !ch.Empty() { // a chunk of rows found unchanged changes nothing a map shows
					if err := appendEvents(ctx, tx, guccho.EventEnterprisesChanged, ch.Change()); err != nil {
						return err
					}
				}
				version, err = bumpEnterpriseVersion(ctx, tx)
				return err
			})
			if err != nil {
				return dbErr(err, "undo an import")
			}
			if version != "" {
				s.entVersion.Store(version)
			}
			if n == 0 {
				break
			}
		}
	}
	_, err = s.pool.Exec(ctx, `DELETE FROM guccho.import_review WHERE import_id = $1`, importID)
	return dbErr(err, "remove the review items of an import")
}

// undoCreated deletes up to undoChunk of the rows the import created.
func undoCreated(ctx context.Context, tx pgx.Tx, importID string, ch *guccho.ChangeBuilder, deltas tiles.CellDeltas, jobs profile.JobDeltas) (int, error) {
	rows, err := tx.Query(ctx, `DELETE FROM guccho.enterprises WHERE fid IN (
			SELECT e.fid FROM guccho.enterprises e WHERE e.import_id = $1
			AND NOT EXISTS (SELECT 1 FROM guccho.import_undo u WHERE u.import_id = $1 AND u.fid = e.fid) LIMIT $2)
		RETURNING `+goneColumns, importID, undoChunk)
	if err != nil {
		return 0, dbErr(err, "delete the enterprises an import created")
	}
	return collectGone(rows, ch, deltas, jobs, -1, true)
}

// undoUpdated restores up to undoChunk of the rows the import updated (or
// marked unchanged) to their saved versions; a row it updated that was
// deleted since is put back. A row it found unchanged gets back the import
// and row it had (the import changed nothing else); deleted since, it stays
// deleted, as there is no saved copy to put back.
func undoUpdated(ctx context.Context, tx pgx.Tx, importID string, ch *guccho.ChangeBuilder, deltas tiles.CellDeltas, jobs profile.JobDeltas) (int, error) {
	tag, err := tx.Exec(ctx, `CREATE TEMP TABLE undo_chunk ON COMMIT DROP AS
		SELECT * FROM guccho.import_undo WHERE import_id = $1 ORDER BY fid LIMIT $2`, importID, undoChunk)
	if err != nil {
		return 0, dbErr(err, "restore the enterprises an import updated")
	}
	n := int(tag.RowsAffected())
	if n == 0 {
		return 0, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE guccho.enterprises e SET import_id = u.prior_import_id, import_row = u.import_row
		FROM undo_chunk u WHERE e.fid = u.fid AND u.unchanged`); err != nil {
		return 0, dbErr(err, "restore the enterprises an import found unchanged")
	}
	// The current places and jobs of updated rows go out of the pyramid
	// and the unit sums...
	rows, err := tx.Query(ctx, `SELECT `+goneColumns+` FROM guccho.enterprises
		WHERE fid IN (SELECT fid FROM undo_chunk WHERE NOT unchanged)`)
	if err != nil {
		return 0, dbErr(err, "restore the enterprises an import updated")
	}
	if _, err := collectGone(rows, ch, deltas, jobs, -1, false); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE guccho.enterprises e SET id = u.id, name = u.name, sector = u.sector, method = u.method,
			geom = u.geom, display_point = u.display_point, synthetic = u.synthetic, division = u.division,
			district = u.district, upazila = u.upazila, union_code = u.union_code, import_id = u.prior_import_id,
			import_row = u.import_row, content_hash = u.content_hash, doc = u.doc, created_at = u.created_at,
			updated_at = u.updated_at
		FROM undo_chunk u WHERE e.fid = u.fid AND NOT u.unchanged`); err != nil {
		return 0, dbErr(err, "restore the enterprises an import updated")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO guccho.enterprises (fid, id, name, sector, method, geom, display_point, synthetic,
			division, district, upazila, union_code, import_id, import_row, content_hash, doc, created_at, updated_at)
		OVERRIDING SYSTEM VALUE
		SELECT fid, id, name, sector, method, geom, display_point, synthetic, division, district, upazila, union_code,
			prior_import_id, import_row, content_hash, doc, created_at, updated_at
		FROM undo_chunk u WHERE NOT u.unchanged AND NOT EXISTS (SELECT 1 FROM guccho.enterprises e WHERE e.fid = u.fid)`); err != nil {
		return 0, dbErr(err, "restore the enterprises an import updated")
	}
	// ... and the restored ones come in.
	rows, err = tx.Query(ctx, `SELECT `+goneColumns+` FROM undo_chunk WHERE NOT unchanged`)
	if err != nil {
		return 0, dbErr(err, "restore the enterprises an import updated")
	}
	if _, err := collectGone(rows, ch, deltas, jobs, +1, true); err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `DELETE FROM guccho.import_undo u USING undo_chunk c WHERE u.import_id = c.import_id AND u.fid = c.fid`)
	return n, dbErr(err, "restore the enterprises an import updated")
}
