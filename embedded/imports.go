package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// CreateImport records a running import.
func (s *Store) CreateImport(ctx context.Context, imp *guccho.Import) error {
	doc, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO imports (id, status, started_at, doc) VALUES (?, ?, ?, ?)`,
		imp.ID, imp.Status, imp.StartedAt.Format(timeFormat), string(doc))
	return sqlErr(err, "recording import %s", imp.ID)
}

func saveImport(ctx context.Context, db execer, imp *guccho.Import) error {
	doc, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `UPDATE imports SET status = ?, doc = ? WHERE id = ?`, imp.Status, string(doc), imp.ID)
	return sqlErr(err, "recording import %s", imp.ID)
}

// FinishImport records the outcome of an import that did not commit.
func (s *Store) FinishImport(ctx context.Context, imp *guccho.Import) error {
	return saveImport(ctx, s.db, imp)
}

// FindImportByID returns an import's record, or ENOTFOUND.
func (s *Store) FindImportByID(ctx context.Context, id string) (*guccho.Import, error) {
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT doc FROM imports WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no import %q", id)
	}
	if err != nil {
		return nil, sqlErr(err, "reading import %q", id)
	}
	var imp guccho.Import
	if err := json.Unmarshal([]byte(doc), &imp); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "import %s: stored record is not JSON", id)
	}
	return &imp, nil
}

// FindImports returns every import, newest first.
func (s *Store) FindImports(ctx context.Context) ([]*guccho.Import, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM imports ORDER BY started_at DESC, id`)
	if err != nil {
		return nil, sqlErr(err, "reading imports")
	}
	defer rows.Close()
	var out []*guccho.Import
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, sqlErr(err, "reading imports")
		}
		var imp guccho.Import
		if err := json.Unmarshal([]byte(doc), &imp); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "stored import is not JSON")
		}
		out = append(out, &imp)
	}
	return out, sqlErr(rows.Err(), "reading imports")
}

// FindImportFailures streams an import's failed rows in row order.
func (s *Store) FindImportFailures(ctx context.Context, importID string, fn func(guccho.RowError) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT row, field, reason, cells FROM import_failures WHERE import_id = ? ORDER BY row, seq`, importID)
	if err != nil {
		return sqlErr(err, "reading import failures")
	}
	defer rows.Close()
	for rows.Next() {
		var re guccho.RowError
		var cells string
		if err := rows.Scan(&re.Row, &re.Field, &re.Reason, &cells); err != nil {
			return sqlErr(err, "reading import failures")
		}
		json.Unmarshal([]byte(cells), &re.Values)
		if err := fn(re); err != nil {
			return err
		}
	}
	return sqlErr(rows.Err(), "reading import failures")
}

// BeginImport opens the writer of an import, which commits chunk by chunk
// (Checkpoint). SQLite has one writer at a time: another write waits (busy
// timeout) only until the current chunk commits. Opened on a running import
// that already committed chunks, it goes on numbering failed rows after
// theirs.
func (s *Store) BeginImport(ctx context.Context, imp *guccho.Import) (guccho.ImportWriter, error) {
	// A 256 MiB page cache on the import's own connection keeps the
	// enterprise index pages it probes in memory; it goes back to the
	// normal size when the import ends. Its chunks' commits do not
	// checkpoint the WAL into the database file (which would write and sync
	// the same hot index pages over and over); the import checkpoints once
	// when it ends, as a single transaction did.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	w := &importWriter{s: s, conn: conn, imp: imp}
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 0`); err != nil {
		w.release()
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM import_failures WHERE import_id = ?`, imp.ID).Scan(&w.seq); err != nil {
		w.release()
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	return w, nil
}

type importWriter struct {
	s    *Store
	conn *sql.Conn // the import's own connection, with a big page cache
	tx   *sql.Tx   // the open chunk; nil between chunks
	st   *stmtTx
	imp  *guccho.Import
	seq  int
	done bool
}

// begin opens the next chunk's transaction if none is open.
func (w *importWriter) begin(ctx context.Context) error {
	if w.done {
		return guccho.Errorf(guccho.EINTERNAL, "import %s: the writer is closed", w.imp.ID)
	}
	if w.tx != nil {
		return nil
	}
	w.s.writer.Lock() // until the chunk commits or rolls back
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		w.s.writer.Unlock()
		return sqlErr(err, "import %s: beginning a chunk", w.imp.ID)
	}
	w.tx, w.st = tx, newStmtTx(tx)
	return nil
}

// saveUndo copies the stored version of row fid into the import's undo
// table, before the import writes it.
const saveUndo = `INSERT INTO import_undo (import_id, fid, id, name, sector, method, lon, lat, display_point, synthetic,
	division, district, upazila, union_code, prior_import_id, import_row, content_hash, doc, created_at, updated_at)
	SELECT ?, fid, id, name, sector, method, lon, lat, display_point, synthetic, division, district, upazila,
	union_code, import_id, import_row, content_hash, doc, created_at, updated_at FROM enterprises WHERE fid = ?`

// Put upserts a batch by id inside the open chunk, saving the previous
// version of every row it updates or marks unchanged.
func (w *importWriter) Put(ctx context.Context, batch []*guccho.Enterprise) (guccho.ImportCounts, error) {
	var c guccho.ImportCounts
	if err := w.begin(ctx); err != nil {
		return c, err
	}
	deltas := tiles.CellDeltas{}
	ch := guccho.ChangeBuilder{Action: "imported", ImportID: w.imp.ID}
	now := time.Now().UTC()
	for _, e := range batch {
		if err := e.Validate(); err != nil {
			return c, err
		}
		e.ImportID = w.imp.ID
		var fid int64
		var oldImport sql.NullString
		var oldRow sql.NullInt64
		var hash, sector, created string
		var lon, lat sql.NullFloat64
		err := w.st.QueryRowContext(ctx, `SELECT fid, import_id, import_row, content_hash, lon, lat, sector, created_at
			FROM enterprises WHERE id = ?`, e.ID).Scan(&fid, &oldImport, &oldRow, &hash, &lon, &lat, &sector, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			e.CreatedAt, e.UpdatedAt = now, now
			if err := insertEnterprise(ctx, w.st, e, deltas); err != nil {
				return c, err
			}
			ch.Add(e.ID, e.Sector, placedPoint(e))
			c.Created++
			continue
		case err != nil:
			return c, sqlErr(err, "reading enterprise %q", e.ID)
		case oldImport.String == w.imp.ID:
			c.Duplicates = append(c.Duplicates, guccho.RowError{Row: e.ImportRow, Field: "id",
				Reason: "duplicate id " + quote(e.ID) + ": row " + itoa(int(oldRow.Int64)) + " has it already"})
			continue
		}
		if _, err := w.st.ExecContext(ctx, saveUndo, w.imp.ID, fid); err != nil {
			return c, sqlErr(err, "saving enterprise %q for undo", e.ID)
		}
		if hash == e.ContentHash() {
			if _, err := w.st.ExecContext(ctx, `UPDATE enterprises SET import_id = ?, import_row = ? WHERE fid = ?`, w.imp.ID, e.ImportRow, fid); err != nil {
				return c, sqlErr(err, "updating enterprise %q", e.ID)
			}
			c.Unchanged++
			continue
		}
		e.FeatureID = fid
		e.CreatedAt, _ = time.Parse(timeFormat, created)
		e.UpdatedAt = now
		if p, ok := pointOf(lon, lat); ok {
			deltas.Add(p, sector, -1)
			ch.Add("", sector, &[2]float64{p[0], p[1]})
		}
		ch.Add(e.ID, e.Sector, placedPoint(e))
		if err := updateEnterprise(ctx, w.st, e, deltas); err != nil {
			return c, err
		}
		c.Updated++
	}
	if err := applyDeltas(ctx, w.st, deltas); err != nil {
		return c, err
	}
	if ch.Empty() {
		return c, nil
	}
	return c, appendEvent(ctx, w.st, guccho.EventEnterprisesChanged, ch.Change())
}

// Fail records rows that could not be imported, in the open chunk.
func (w *importWriter) Fail(ctx context.Context, rows []guccho.RowError) error {
	if len(rows) == 0 {
		return nil
	}
	if err := w.begin(ctx); err != nil {
		return err
	}
	for _, r := range rows {
		cells, _ := json.Marshal(r.Values)
		if r.Values == nil {
			cells = []byte("{}")
		}
		w.seq++
		if _, err := w.st.ExecContext(ctx, `INSERT INTO import_failures (import_id, seq, row, field, reason, cells) VALUES (?, ?, ?, ?, ?, ?)`,
			w.imp.ID, w.seq, r.Row, r.Field, r.Reason, string(cells)); err != nil {
			return sqlErr(err, "recording failed row %d", r.Row)
		}
	}
	return nil
}

// Checkpoint stores the report and commits the open chunk.
func (w *importWriter) Checkpoint(ctx context.Context, report *guccho.Import) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	if err := saveImport(ctx, w.st, report); err != nil {
		return err
	}
	w.st.close()
	tx := w.tx
	w.tx, w.st = nil, nil
	err := tx.Commit()
	w.s.writer.Unlock()
	if err != nil {
		return sqlErr(err, "committing a chunk of import %s", report.ID)
	}
	w.s.enterprisesChanged()
	return nil
}

// Commit stores the final report and commits the last chunk.
func (w *importWriter) Commit(ctx context.Context, report *guccho.Import) error {
	if report.EndedAt == nil { // undo tells edits after the end from the import's own writes
		now := time.Now().UTC()
		report.EndedAt = &now
	}
	if err := w.Checkpoint(ctx, report); err != nil {
		return err
	}
	w.done = true
	w.release()
	return nil
}

// Rollback abandons the open chunk and undoes the committed ones.
func (w *importWriter) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	if w.tx != nil {
		w.st.close()
		w.tx.Rollback()
		w.tx, w.st = nil, nil
		w.s.writer.Unlock()
	}
	w.release()
	// Undo with a context of its own: the import's may be what ended it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	return w.s.undoChunks(ctx, w.imp.ID)
}

// release shrinks the connection's page cache back and returns it to the
// pool, which frees the cache's memory.
func (w *importWriter) release() {
	w.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE); PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -16384; PRAGMA shrink_memory`)
	w.conn.Close()
}
