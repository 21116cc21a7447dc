package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// CreateImport records a running import.
func (s *Store) CreateImport(ctx context.Context, imp *guccho.Import) error {
	doc, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO guccho.imports (id, status, started_at, doc) VALUES ($1, $2, $3, $4::jsonb)`,
		imp.ID, imp.Status, imp.StartedAt, string(doc))
	return dbErr(err, "record import")
}

// FinishImport records the outcome of an import that did not commit.
func (s *Store) FinishImport(ctx context.Context, imp *guccho.Import) error {
	doc, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE guccho.imports SET status = $2, doc = $3::jsonb WHERE id = $1`, imp.ID, imp.Status, string(doc))
	return dbErr(err, "record import")
}

// FindImportByID returns an import's record, or ENOTFOUND.
func (s *Store) FindImportByID(ctx context.Context, id string) (*guccho.Import, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM guccho.imports WHERE id = $1`, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no import %q", id)
	}
	if err != nil {
		return nil, dbErr(err, "read import")
	}
	var imp guccho.Import
	if err := json.Unmarshal(doc, &imp); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "import %s: stored record is not JSON", id)
	}
	return &imp, nil
}

// FindImports returns every import, newest first.
func (s *Store) FindImports(ctx context.Context) ([]*guccho.Import, error) {
	rows, err := s.pool.Query(ctx, `SELECT doc FROM guccho.imports ORDER BY started_at DESC, id`)
	if err != nil {
		return nil, dbErr(err, "read imports")
	}
	defer rows.Close()
	var out []*guccho.Import
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, dbErr(err, "read imports")
		}
		var imp guccho.Import
		if err := json.Unmarshal(doc, &imp); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "stored import is not JSON")
		}
		out = append(out, &imp)
	}
	return out, dbErr(rows.Err(), "read imports")
}

// FindImportFailures streams an import's failed rows in row order.
func (s *Store) FindImportFailures(ctx context.Context, importID string, fn func(guccho.RowError) error) error {
	rows, err := s.pool.Query(ctx, `SELECT row, field, reason, cells FROM guccho.import_failures WHERE import_id = $1 ORDER BY row, seq`, importID)
	if err != nil {
		return dbErr(err, "read import failures")
	}
	defer rows.Close()
	for rows.Next() {
		var re guccho.RowError
		var cells []byte
		if err := rows.Scan(&re.Row, &re.Field, &re.Reason, &cells); err != nil {
			return dbErr(err, "read import failures")
		}
		json.Unmarshal(cells, &re.Values)
		if err := fn(re); err != nil {
			return err
		}
	}
	return dbErr(rows.Err(), "read import failures")
}

// BeginImport opens the writer of an import, which commits chunk by chunk
// (Checkpoint), so other writes wait at most a chunk. Opened on a running
// import that already committed chunks, it goes on numbering failed rows
// after theirs.
func (s *Store) BeginImport(ctx context.Context, imp *guccho.Import) (guccho.ImportWriter, error) {
	w := &importWriter{s: s, imp: imp, deltas: tiles.CellDeltas{}}
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM guccho.import_failures WHERE import_id = $1`, imp.ID).Scan(&w.seq); err != nil {
		return nil, dbErr(err, "begin import")
	}
	return w, nil
}

// begin opens the next chunk's transaction, with its staging table, if
// none is open.
func (w *importWriter) begin(ctx context.Context) error {
	if w.done {
		return guccho.Errorf(guccho.EINTERNAL, "import %s: the writer is closed", w.imp.ID)
	}
	if w.tx != nil {
		return nil
	}
	tx, err := w.s.pool.Begin(ctx)
	if err != nil {
		return dbErr(err, "begin an import chunk")
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE stage_enterprises (
		id text, import_row int, name text, sector text, method text, lon float8, lat float8,
		display_point bool, synthetic bool, division text, district text, upazila text, union_code text,
		content_hash text, doc text) ON COMMIT DROP`); err != nil {
		tx.Rollback(ctx)
		return dbErr(err, "create the staging table")
	}
	// Each batch joins a few thousand staged rows to the enterprises:
	// probing the id index row by row stays cheap, while a hash join on
	// stale statistics would scan the whole table once per batch.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`); err != nil {
		tx.Rollback(ctx)
		return dbErr(err, "tune the import")
	}
	w.tx = tx
	return nil
}

type importWriter struct {
	changes []any // one guccho.EnterpriseChange per batch, logged at the chunk's commit
	deltas  tiles.CellDeltas
	s       *Store
	tx      pgx.Tx // the open chunk; nil between chunks
	imp     *guccho.Import
	seq     int
	done    bool
}

var stageColumns = []string{"id", "import_row", "name", "sector", "method", "lon", "lat", "display_point", "synthetic",
	"division", "district", "upazila", "union_code", "content_hash", "doc"}

// Put stages a batch with COPY, sets duplicates and unchanged rows aside,
// and upserts the rest by id, keeping the count pyramid in step.
func (w *importWriter) Put(ctx context.Context, batch []*guccho.Enterprise) (guccho.ImportCounts, error) {
	var c guccho.ImportCounts
	if err := w.begin(ctx); err != nil {
		return c, err
	}
	tx := w.tx
	rows := make([][]any, 0, len(batch))
	for _, e := range batch {
		if err := e.Validate(); err != nil {
			return c, err
		}
		e.ImportID = w.imp.ID
		doc, err := json.Marshal(e)
		if err != nil {
			return c, err
		}
		var lon, lat *float64
		if e.Placed() {
			lon, lat = &e.Point[0], &e.Point[1]
		}
		rows = append(rows, []any{e.ID, int32(e.ImportRow), e.Name, e.Sector, e.Geocode.Method, lon, lat, e.DisplayPoint,
			e.Synthetic, e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union, e.ContentHash(), string(doc)})
	}
	if _, err := tx.Exec(ctx, `TRUNCATE stage_enterprises`); err != nil {
		return c, dbErr(err, "clear the staging table")
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_enterprises"}, stageColumns, pgx.CopyFromRows(rows)); err != nil {
		return c, dbErr(err, "copy enterprises")
	}
	if _, err := tx.Exec(ctx, `ANALYZE stage_enterprises`); err != nil {
		return c, dbErr(err, "analyze the staging table")
	}
	dup := func(sql string) error {
		rs, err := tx.Query(ctx, sql, w.imp.ID)
		if err != nil {
			return dbErr(err, "find duplicate ids")
		}
		defer rs.Close()
		for rs.Next() {
			var row, first int
			var id string
			if err := rs.Scan(&row, &id, &first); err != nil {
				return dbErr(err, "find duplicate ids")
			}
			c.Duplicates = append(c.Duplicates, guccho.RowError{Row: row, Field: "id",
				Reason: "duplicate id " + strconv.Quote(id) + ": row " + strconv.Itoa(first) + " has it already"})
		}
		return dbErr(rs.Err(), "find duplicate ids")
	}
	// Duplicates within this batch, then with rows an earlier batch wrote.
	if err := dup(`DELETE FROM stage_enterprises s USING (
			SELECT ctid, row_number() OVER w AS rn, first_value(import_row) OVER w AS first
			FROM stage_enterprises WINDOW w AS (PARTITION BY id ORDER BY import_row)) d
		WHERE s.ctid = d.ctid AND d.rn > 1 AND $1::text IS NOT NULL
		RETURNING s.import_row, s.id, d.first`); err != nil {
		return c, err
	}
	if err := dup(`DELETE FROM stage_enterprises s USING guccho.enterprises e
		WHERE e.id = s.id AND e.import_id = $1 RETURNING s.import_row, s.id, e.import_row`); err != nil {
		return c, err
	}
	// Save what is stored of every row about to be written, for undo.
	if _, err := tx.Exec(ctx, `INSERT INTO guccho.import_undo (import_id, fid, id, name, sector, method, geom, display_point,
			synthetic, division, district, upazila, union_code, prior_import_id, import_row, content_hash, doc, created_at, updated_at)
		SELECT $1, e.fid, e.id, e.name, e.sector, e.method, e.geom, e.display_point, e.synthetic, e.division, e.district,
			e.upazila, e.union_code, e.import_id, e.import_row, e.content_hash, e.doc, e.created_at, e.updated_at
		FROM guccho.enterprises e JOIN stage_enterprises s ON s.id = e.id`, w.imp.ID); err != nil {
		return c, dbErr(err, "save enterprises for undo")
	}
	// Unchanged rows: only note that this import saw them.
	tag, err := tx.Exec(ctx, `UPDATE guccho.enterprises e SET import_id = $1, import_row = s.import_row
		FROM stage_enterprises s WHERE e.id = s.id AND e.content_hash = s.content_hash`, w.imp.ID)
	if err != nil {
		return c, dbErr(err, "mark unchanged enterprises")
	}
	c.Unchanged = int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `DELETE FROM stage_enterprises s USING guccho.enterprises e
		WHERE e.id = s.id AND e.content_hash = s.content_hash`); err != nil {
		return c, dbErr(err, "mark unchanged enterprises")
	}
	// The count pyramid: the old places of rows about to change go out...
	deltas := tiles.CellDeltas{}
	ch := guccho.ChangeBuilder{Action: "imported", ImportID: w.imp.ID}
	addPoints := func(sql string, sign int) error {
		rs, err := tx.Query(ctx, sql)
		if err != nil {
			return dbErr(err, "read enterprise points")
		}
		defer rs.Close()
		for rs.Next() {
			var p orb.Point
			var sector, id string
			if err := rs.Scan(&p[0], &p[1], &sector, &id); err != nil {
				return dbErr(err, "read enterprise points")
			}
			deltas.Add(p, sector, sign)
			if sign < 0 {
				id = "" // counted with its new place
			}
			ch.Add(id, sector, &[2]float64{p[0], p[1]})
		}
		return dbErr(rs.Err(), "read enterprise points")
	}
	if err := addPoints(`SELECT ST_X(e.geom), ST_Y(e.geom), e.sector, e.id FROM guccho.enterprises e
		JOIN stage_enterprises s ON s.id = e.id WHERE e.geom IS NOT NULL`, -1); err != nil {
		return c, err
	}
	// ... and the new places come in.
	if err := addPoints(`SELECT lon, lat, sector, id FROM stage_enterprises WHERE lon IS NOT NULL AND lat IS NOT NULL`, +1); err != nil {
		return c, err
	}
	rs, err := tx.Query(ctx, `INSERT INTO guccho.enterprises (id, name, sector, method, geom, display_point, synthetic,
			division, district, upazila, union_code, import_id, import_row, content_hash, doc, created_at, updated_at)
		SELECT id, name, sector, method, CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
			display_point, synthetic, division, district, upazila, union_code, $1, import_row, content_hash, doc::jsonb, now(), now()
		FROM stage_enterprises ORDER BY import_row
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, sector = excluded.sector, method = excluded.method,
			geom = excluded.geom, display_point = excluded.display_point, synthetic = excluded.synthetic,
			division = excluded.division, district = excluded.district, upazila = excluded.upazila,
			union_code = excluded.union_code, import_id = excluded.import_id, import_row = excluded.import_row,
			content_hash = excluded.content_hash, doc = excluded.doc, updated_at = now()
		RETURNING xmax = 0`, w.imp.ID)
	if err != nil {
		return c, dbErr(err, "store enterprises")
	}
	for rs.Next() {
		var inserted bool
		if err := rs.Scan(&inserted); err != nil {
			rs.Close()
			return c, dbErr(err, "store enterprises")
		}
		if inserted {
			c.Created++
		} else {
			c.Updated++
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return c, dbErr(err, "store enterprises")
	}
	if c.Created+c.Updated > 0 {
		w.changes = append(w.changes, ch.Change())
	}
	for k, d := range deltas {
		if v := w.deltas[k] + d; v == 0 {
			delete(w.deltas, k)
		} else {
			w.deltas[k] = v
		}
	}
	return c, nil
}

// Fail records rows that could not be imported.
func (w *importWriter) Fail(ctx context.Context, rows []guccho.RowError) error {
	if len(rows) == 0 {
		return nil
	}
	if err := w.begin(ctx); err != nil {
		return err
	}
	data := make([][]any, len(rows))
	for i, r := range rows {
		cells, _ := json.Marshal(r.Values)
		if r.Values == nil {
			cells = []byte("{}")
		}
		w.seq++
		data[i] = []any{w.imp.ID, int32(w.seq), int32(r.Row), r.Field, r.Reason, string(cells)}
	}
	_, err := w.tx.CopyFrom(ctx, pgx.Identifier{"guccho", "import_failures"},
		[]string{"import_id", "seq", "row", "field", "reason", "cells"}, pgx.CopyFromRows(data))
	return dbErr(err, "record failed rows")
}

// Checkpoint stores the report, the chunk's count-pyramid deltas and
// events, bumps the enterprise version and commits the chunk.
func (w *importWriter) Checkpoint(ctx context.Context, report *guccho.Import) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	tx := w.tx
	err := func() error {
		doc, err := json.Marshal(report)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE guccho.imports SET status = $2, doc = $3::jsonb WHERE id = $1`, report.ID, report.Status, string(doc)); err != nil {
			return dbErr(err, "record import")
		}
		if err := applyDeltas(ctx, tx, w.deltas); err != nil {
			return err
		}
		return appendEvents(ctx, tx, guccho.EventEnterprisesChanged, w.changes...)
	}()
	if err != nil {
		return err
	}
	version, err := bumpEnterpriseVersion(ctx, tx)
	if err != nil {
		return err
	}
	w.tx = nil
	clear(w.deltas)
	w.changes = w.changes[:0]
	if err := tx.Commit(ctx); err != nil {
		return dbErr(err, "commit an import chunk")
	}
	w.s.entVersion.Store(version)
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
	w.s.pool.Exec(ctx, `ANALYZE guccho.enterprises`)
	return nil
}

// Rollback abandons the open chunk and undoes the committed ones.
func (w *importWriter) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	// Undo with a context of its own: the import's may be what ended it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if w.tx != nil {
		w.tx.Rollback(ctx)
		w.tx = nil
	}
	return w.s.undoChunks(ctx, w.imp.ID)
}
