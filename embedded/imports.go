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

// BeginImport opens the write transaction of an import. SQLite has one
// writer at a time: other writes wait (busy timeout) until it ends.
func (s *Store) BeginImport(ctx context.Context, imp *guccho.Import) (guccho.ImportWriter, error) {
	// A big import is one transaction: a 256 MiB page cache on its own
	// connection keeps it off the disk (twice as fast at a million rows),
	// and goes back to the normal size when the import ends.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		conn.Close()
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.ExecContext(context.Background(), `PRAGMA cache_size = -16384`)
		conn.Close()
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	return &importWriter{conn: conn, tx: tx, st: newStmtTx(tx), imp: imp, committed: s.enterprisesChanged}, nil
}

type importWriter struct {
	committed func()
	conn      *sql.Conn // the import's own connection, with a big page cache
	tx        *sql.Tx
	st        *stmtTx
	imp       *guccho.Import
	seq       int
	done      bool
}

// Put upserts a batch by id inside the import's transaction.
func (w *importWriter) Put(ctx context.Context, batch []*guccho.Enterprise) (guccho.ImportCounts, error) {
	var c guccho.ImportCounts
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
		case err != nil:
			return c, sqlErr(err, "reading enterprise %q", e.ID)
		case oldImport.String == w.imp.ID:
			c.Duplicates = append(c.Duplicates, guccho.RowError{Row: e.ImportRow, Field: "id",
				Reason: "duplicate id " + quote(e.ID) + ": row " + itoa(int(oldRow.Int64)) + " has it already"})
		case hash == e.ContentHash():
			if _, err := w.st.ExecContext(ctx, `UPDATE enterprises SET import_id = ?, import_row = ? WHERE fid = ?`, w.imp.ID, e.ImportRow, fid); err != nil {
				return c, sqlErr(err, "updating enterprise %q", e.ID)
			}
			c.Unchanged++
		default:
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
	}
	if err := applyDeltas(ctx, w.st, deltas); err != nil {
		return c, err
	}
	if ch.Empty() {
		return c, nil
	}
	return c, appendEvent(ctx, w.st, guccho.EventEnterprisesChanged, ch.Change())
}

// Fail records rows that could not be imported.
func (w *importWriter) Fail(ctx context.Context, rows []guccho.RowError) error {
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

// Commit stores the report and commits everything.
func (w *importWriter) Commit(ctx context.Context, report *guccho.Import) error {
	if err := saveImport(ctx, w.tx, report); err != nil {
		w.Rollback()
		return err
	}
	w.st.close()
	w.done = true
	err := w.tx.Commit()
	w.release()
	if err != nil {
		return sqlErr(err, "committing import %s", report.ID)
	}
	w.committed()
	return nil
}

// Rollback abandons the import.
func (w *importWriter) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	w.st.close()
	err := w.tx.Rollback()
	w.release()
	return err
}

// release shrinks the connection's page cache back and returns it to the
// pool, which frees the cache's memory.
func (w *importWriter) release() {
	w.conn.ExecContext(context.Background(), `PRAGMA cache_size = -16384; PRAGMA shrink_memory`)
	w.conn.Close()
}
