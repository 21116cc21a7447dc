package postgis

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
)

// BeginImport opens the writer of an import, which commits chunk by chunk
// (Checkpoint), so other writes wait at most a chunk. Opened on a running
// import that already committed chunks, it goes on numbering failed rows
// after theirs. Opened first on an import that begins on an empty store
// with no other import running, it makes it a bulk import (beginBulk):
// the enterprises' secondary indexes go until its indexing phase.
func (s *Store) BeginImport(ctx context.Context, imp *guccho.Import) (guccho.ImportWriter, error) {
	bulk, err := s.beginBulk(ctx, imp.ID)
	if err != nil {
		return nil, err
	}
	w := &importWriter{s: s, imp: imp, jobs: profile.JobDeltas{}, bulk: bulk}
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
	// Rows the chunk copies take the transaction's time, as now() gives
	// the rows it upserts.
	if err := tx.QueryRow(ctx, `SELECT now()`).Scan(&w.now); err != nil {
		tx.Rollback(ctx)
		return dbErr(err, "begin an import chunk")
	}
	w.tx = tx
	return nil
}

// lap tells Options.ImportTimer, if set, the time since the last lap as
// step's ("" only starts the clock).
func (w *importWriter) lap(step string) {
	if w.s.opt.ImportTimer == nil {
		return
	}
	now := time.Now()
	if step != "" {
		w.s.opt.ImportTimer(step, now.Sub(w.lapped))
	}
	w.lapped = now
}

type importWriter struct {
	changes []any             // one guccho.EnterpriseChange per batch, logged at the chunk's commit
	jobs    profile.JobDeltas // the open chunk's deltas to the enterprises and jobs per unit
	s       *Store
	tx      pgx.Tx // the open chunk; nil between chunks
	imp     *guccho.Import
	seq     int
	done    bool
	lapped  time.Time // the last lap (Options.ImportTimer)
	now     time.Time // the open chunk's transaction time
	// indexing: the last chunk is committed and the import is indexing.
	indexing bool
	// bulk: the import loads without the enterprises' secondary indexes
	// (beginBulk); its indexing builds them and analyses the table.
	bulk bool
}

// stored is what findStoredSQL reads of one row of a batch.
type stored struct {
	row, fid, priorRow int
	priorImport        string
	same               bool
	sector             string
	lon, lat           *float64
}

// findStoredSQL reads what is stored under a batch's ids ($1, with their
// rows $2 and content hashes $3), probing the enterprises' id index once
// per id, so that a batch costs the same however large the import or the
// table has grown.
const findStoredSQL = `SELECT b.import_row, e.fid, coalesce(e.import_id, ''), coalesce(e.import_row, 0),
		e.content_hash = b.content_hash, e.sector, ST_X(e.geom), ST_Y(e.geom)
	FROM unnest($1::text[], $2::int[], $3::text[]) AS b(id, import_row, content_hash)
	JOIN guccho.enterprises e ON e.id = b.id`

var stageColumns = []string{"id", "import_row", "name", "sector", "method", "lon", "lat", "display_point", "synthetic",
	"division", "district", "upazila", "union_code", "content_hash", "doc"}

// Put upserts a batch by id, keeping the count pyramid in step. One
// statement, probing the id index once per row, first finds what is
// stored under the batch's ids: rows an earlier batch of this import wrote
// come back as duplicates (as do repeats within the batch, found in Go),
// unchanged rows are only marked as seen by this import, and the stored
// version of every row about to be updated is saved for undo. Only the
// rows to write are staged with COPY and upserted. The pyramid's deltas
// and the batch's change event are worked out here from the batch itself
// and the stored points, and written at the chunk's commit (Checkpoint).
func (w *importWriter) Put(ctx context.Context, batch []*guccho.Enterprise) (guccho.ImportCounts, error) {
	var c guccho.ImportCounts
	w.lap("")
	if err := w.begin(ctx); err != nil {
		return c, err
	}
	tx := w.tx
	// A record's doc and hash, for the rows that are not repeats within
	// the batch.
	recs := make([]record, 0, len(batch))
	byRow := make(map[int]*record, len(batch))
	first := make(map[string]int, len(batch)) // id → the row that has it
	ids, rowNums, hashes := make([]string, 0, len(batch)), make([]int32, 0, len(batch)), make([]string, 0, len(batch))
	for _, e := range batch {
		if err := e.Validate(); err != nil {
			return c, err
		}
		if row, ok := first[e.ID]; ok {
			c.Duplicates = append(c.Duplicates, duplicate(e.ImportRow, e.ID, row))
			continue
		}
		first[e.ID] = e.ImportRow
		e.ImportID = w.imp.ID
		doc, hash, err := contentDoc(e)
		if err != nil {
			return c, err
		}
		recs = append(recs, record{e, string(doc), hash})
		ids, rowNums, hashes = append(ids, e.ID), append(rowNums, int32(e.ImportRow)), append(hashes, hash)
	}
	for i := range recs {
		byRow[recs[i].e.ImportRow] = &recs[i]
	}
	w.lap("encode")
	// What is stored under the batch's ids.
	var found []stored
	rs, err := tx.Query(ctx, findStoredSQL, ids, rowNums, hashes)
	if err != nil {
		return c, dbErr(err, "find stored enterprises")
	}
	for rs.Next() {
		var f stored
		if err := rs.Scan(&f.row, &f.fid, &f.priorImport, &f.priorRow, &f.same, &f.sector, &f.lon, &f.lat); err != nil {
			rs.Close()
			return c, dbErr(err, "find stored enterprises")
		}
		found = append(found, f)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return c, dbErr(err, "find stored enterprises")
	}
	w.lap("find")
	// Rows in batch order, so that events and duplicates come out the same
	// on every run.
	sort.Slice(found, func(i, j int) bool { return found[i].row < found[j].row })
	running, err := w.otherRunning(ctx, found)
	if err != nil {
		return c, err
	}
	ch := guccho.ChangeBuilder{Action: "imported", ImportID: w.imp.ID}
	skip := map[int]bool{} // rows not to write: duplicates and unchanged
	saved := []int64{}     // feature ids of rows to update, whose stored version is saved for undo
	unchangedFids, unchangedRows := []int64{}, []int32{}
	for _, f := range found {
		e := byRow[f.row].e
		switch {
		case f.priorImport == w.imp.ID:
			c.Duplicates = append(c.Duplicates, duplicate(f.row, e.ID, f.priorRow))
			skip[f.row] = true
		case running[f.priorImport]:
			// Its stored version is not in the pyramid yet: saving it as
			// this import's prior version would undo cells never added.
			c.Duplicates = append(c.Duplicates, beingImported(f.row, e.ID, f.priorImport))
			skip[f.row] = true
		case f.same:
			unchangedFids, unchangedRows = append(unchangedFids, int64(f.fid)), append(unchangedRows, int32(f.row))
			skip[f.row] = true
		default:
			saved = append(saved, int64(f.fid))
			// The old place goes out of the pyramid when the import is
			// indexed (indexImport reads it from the saved copy); the new
			// one comes in then too.
			if f.lon != nil && f.lat != nil {
				ch.Add("", f.sector, &[2]float64{*f.lon, *f.lat})
			}
		}
	}
	sort.Slice(c.Duplicates, func(i, j int) bool { return c.Duplicates[i].Row < c.Duplicates[j].Row })
	// Save what is stored of every row about to be updated, for undo; what
	// is saved goes out of the enterprises and jobs per unit (its place
	// went out of the pyramid above).
	if len(saved) > 0 {
		rs, err := tx.Query(ctx, `INSERT INTO guccho.import_undo (import_id, fid, id, name, sector, method, geom, display_point,
				synthetic, division, district, upazila, union_code, prior_import_id, import_row, content_hash, doc, created_at, updated_at)
			SELECT $1, e.fid, e.id, e.name, e.sector, e.method, e.geom, e.display_point, e.synthetic, e.division, e.district,
				e.upazila, e.union_code, e.import_id, e.import_row, e.content_hash, e.doc, e.created_at, e.updated_at
			FROM guccho.enterprises e WHERE e.fid = ANY($2)
			RETURNING `+jobColumns, w.imp.ID, saved)
		if err != nil {
			return c, dbErr(err, "save enterprises for undo")
		}
		for rs.Next() {
			if _, err := scanJobs(rs, w.jobs, -1); err != nil {
				rs.Close()
				return c, err
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return c, dbErr(err, "save enterprises for undo")
		}
	}
	w.lap("undo")
	// Unchanged rows: only note that this import saw them, saving for undo
	// just the import and row they had (the inner statements see the rows
	// as they were before the UPDATE).
	if len(unchangedFids) > 0 {
		tag, err := tx.Exec(ctx, `WITH u AS (SELECT * FROM unnest($2::bigint[], $3::int[]) AS u(fid, import_row)),
			saved AS (INSERT INTO guccho.import_undo (import_id, fid, id, prior_import_id, import_row, unchanged)
				SELECT $1, e.fid, e.id, e.import_id, e.import_row, true FROM u JOIN guccho.enterprises e ON e.fid = u.fid)
			UPDATE guccho.enterprises e SET import_id = $1, import_row = u.import_row FROM u WHERE e.fid = u.fid`,
			w.imp.ID, unchangedFids, unchangedRows)
		if err != nil {
			return c, dbErr(err, "mark unchanged enterprises")
		}
		c.Unchanged = int(tag.RowsAffected())
	}
	w.lap("unchanged")
	// The rows to write go through the staging table.
	// Rows no one had stored when the batch looked go straight into the
	// enterprises with COPY; the rows to update go through the staging
	// table and an upsert.
	isStored := make(map[int]bool, len(found))
	for _, f := range found {
		isStored[f.row] = true
	}
	var fresh, update []*record
	for i := range recs {
		r := &recs[i]
		switch {
		case skip[r.e.ImportRow]:
		case isStored[r.e.ImportRow]:
			update = append(update, r)
		default:
			fresh = append(fresh, r)
		}
	}
	written := make([]int, 0, len(fresh)+len(update))
	if len(fresh) > 0 {
		copied, err := w.copyFresh(ctx, fresh)
		if err != nil {
			return c, err
		}
		if copied {
			c.Created += len(fresh)
			for _, r := range fresh {
				written = append(written, r.e.ImportRow)
			}
		} else {
			update = append(update, fresh...)
			sort.Slice(update, func(i, j int) bool { return update[i].e.ImportRow < update[j].e.ImportRow })
		}
		w.lap("copy")
	}
	if len(update) > 0 {
		if err := w.upsert(ctx, update, &c, &written); err != nil {
			return c, err
		}
	}
	if len(written) == 0 {
		return c, nil
	}
	w.lap("write")
	// The new places and jobs come in.
	slices.Sort(written)
	for _, row := range written {
		e := byRow[row].e
		w.jobs.AddEnterprise(e, +1)
		if e.Placed() {
			ch.Add(e.ID, e.Sector, &[2]float64{e.Point[0], e.Point[1]})
		}
	}
	if c.Created+c.Updated > 0 {
		w.changes = append(w.changes, ch.Change())
	}
	w.lap("cells")
	return c, nil
}

// otherRunning returns which of the imports that wrote the stored rows
// found are other imports still running.
func (w *importWriter) otherRunning(ctx context.Context, found []stored) (map[string]bool, error) {
	var ids []string
	seen := map[string]bool{}
	for _, f := range found {
		if f.priorImport != "" && f.priorImport != w.imp.ID && !seen[f.priorImport] {
			seen[f.priorImport] = true
			ids = append(ids, f.priorImport)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := w.tx.Query(ctx, `SELECT id FROM guccho.imports WHERE id = ANY($1) AND status = $2`, ids, guccho.ImportRunning)
	if err != nil {
		return nil, dbErr(err, "find running imports")
	}
	running, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, dbErr(err, "find running imports")
	}
	out := make(map[string]bool, len(running))
	for _, id := range running {
		out[id] = true
	}
	return out, nil
}

// beingImported is the failure of a row whose stored version an import
// still running wrote.
func beingImported(row int, id, importID string) guccho.RowError {
	return guccho.RowError{Row: row, Field: "id", Reason: "enterprise " + strconv.Quote(id) + " is being imported by import " +
		importID + "; import this row again when that import has finished"}
}

// duplicate is the failure of a row whose id an earlier row has.
func duplicate(row int, id string, first int) guccho.RowError {
	return guccho.RowError{Row: row, Field: "id",
		Reason: "duplicate id " + strconv.Quote(id) + ": row " + strconv.Itoa(first) + " has it already"}
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

// Checkpoint stores the report, the chunk's deltas to the enterprises and
// jobs per unit and its events, bumps the enterprise version and commits
// the chunk. The count pyramid waits for the indexing phase (Commit).
func (w *importWriter) Checkpoint(ctx context.Context, report *guccho.Import) error {
	return w.checkpoint(ctx, report, false)
}

// checkpoint commits the open chunk; with index, the same transaction
// moves the import to its indexing phase (startIndexing).
func (w *importWriter) checkpoint(ctx context.Context, report *guccho.Import, index bool) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	tx := w.tx
	if report.Status == guccho.ImportRunning && report.Phase == "" {
		report.Phase = guccho.ImportLoading
	}
	w.lap("")
	err := func() error {
		doc, err := json.Marshal(report)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE guccho.imports SET status = $2, doc = $3::jsonb WHERE id = $1`, report.ID, report.Status, string(doc)); err != nil {
			return dbErr(err, "record import")
		}
		if err := applyDeltas(ctx, tx, nil, w.jobs); err != nil {
			return err
		}
		w.lap("jobs")
		if index {
			if err := startIndexing(ctx, tx, report.ID); err != nil {
				return err
			}
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
	clear(w.jobs)
	w.changes = w.changes[:0]
	if err := tx.Commit(ctx); err != nil {
		return dbErr(err, "commit an import chunk")
	}
	w.lap("commit")
	w.s.entVersion.Store(version)
	return nil
}

// Commit commits the last chunk and indexes the import: with its last
// chunk the import enters its indexing phase (Phase "indexing", status
// still running), and indexImport adds its cells to the count pyramid in
// short transactions, and the last one records the final report. Opened
// on an import already indexing (a resume), it goes on from its cursor.
// Should indexing fail, the import stays running in its indexing phase
// and Rollback leaves it so: recovery finishes it.
func (w *importWriter) Commit(ctx context.Context, report *guccho.Import) error {
	if report.EndedAt == nil { // undo tells edits after the end from the import's own writes
		now := time.Now().UTC()
		report.EndedAt = &now
	}
	status := report.Status
	report.Status, report.Phase = guccho.ImportRunning, guccho.ImportIndexing
	if err := w.checkpoint(ctx, report, true); err != nil {
		report.Status = status
		return err
	}
	// Every row is stored: from here a failure leaves the import indexing,
	// for recovery (or guccho import resume) to finish, and Rollback does
	// nothing.
	w.indexing = true
	if err := w.s.indexImport(ctx, report.ID, w.lap); err != nil {
		report.Status = status
		return err
	}
	report.Status, report.Phase = status, ""
	if err := w.s.endIndexing(ctx, report); err != nil {
		return err
	}
	w.lap("finish")
	w.done = true
	if !w.bulk { // a bulk import's indexing analysed the table already
		w.s.pool.Exec(ctx, `ANALYZE guccho.enterprises`)
	}
	return nil
}

// Rollback abandons the open chunk and undoes the committed ones.
func (w *importWriter) Rollback() error {
	if w.done || w.indexing {
		w.done = true
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
