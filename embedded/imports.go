package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
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
	// checkpoint the WAL into the database file at once (which would write
	// and sync the same hot index pages over and over): every walChunks
	// chunks, after the commit has let other writers in, the import
	// checkpoints the WAL, so that the WAL does not grow with the import
	// (each chunk appends every page it changed), and once more when it
	// ends.
	// Its multi-row statements keep their statement journals in memory
	// (temp_store) rather than in a temporary file.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	w := &importWriter{s: s, conn: conn, imp: imp}
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY`); err != nil {
		w.release()
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM import_failures WHERE import_id = ?`, imp.ID).Scan(&w.seq); err != nil {
		w.release()
		return nil, sqlErr(err, "beginning import %s", imp.ID)
	}
	// A new import begins loading, as a bulk import on an empty store
	// (bulk.go); a resumed one goes on in its phase.
	st, err := readIndexState(ctx, conn, imp.ID)
	if err == nil && st.phase == "" {
		st.phase = phaseLoading
		st.bulk, err = s.beginLoading(ctx, conn, imp.ID)
	}
	if err == nil && st.phase == phaseIndexed {
		err = guccho.Errorf(guccho.EINVALID, "import %s is indexed already (or began before imports had two phases): it takes no more rows", imp.ID)
	}
	if err != nil {
		w.release()
		return nil, err
	}
	w.phase = st.phase
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
	// phase is the import's: loading (Put, Fail, Review, Checkpoint) or
	// indexing (only Commit, which finishes it).
	phase string
	// nextFID is the fid of the chunk's next new enterprise; jobs sums the
	// chunk's changes to the enterprises and jobs per unit until it
	// commits.
	nextFID int64
	jobs    profile.JobDeltas
	chunks  int // committed by this writer
}

// begin opens the next chunk's transaction if none is open.
func (w *importWriter) begin(ctx context.Context) error {
	if w.done {
		return guccho.Errorf(guccho.EINTERNAL, "import %s: the writer is closed", w.imp.ID)
	}
	if w.tx != nil {
		return nil
	}
	if w.phase != phaseLoading {
		return guccho.Errorf(guccho.EINVALID, "import %s is %s: it takes no more rows", w.imp.ID, w.phase)
	}
	w.s.writer.Lock() // until the chunk commits or rolls back
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		w.s.writer.Unlock()
		return sqlErr(err, "import %s: beginning a chunk", w.imp.ID)
	}
	w.tx, w.st = tx, newStmtTx(tx)
	w.jobs = profile.JobDeltas{}
	if err := w.st.QueryRowContext(ctx, `SELECT coalesce(max(fid), 0) + 1 FROM enterprises`).Scan(&w.nextFID); err != nil {
		return sqlErr(err, "import %s: beginning a chunk", w.imp.ID)
	}
	return nil
}

// saveUndo copies the stored versions of rows (by fid, the list the
// caller appends) into the import's undo table, before the import writes
// them.
const saveUndo = `INSERT OR FAIL INTO import_undo (import_id, fid, id, name, sector, method, lon, lat, display_point, synthetic,
	division, district, upazila, union_code, prior_import_id, import_row, content_hash, doc, created_at, updated_at)
	SELECT ?, fid, id, name, sector, method, lon, lat, display_point, synthetic, division, district, upazila,
	union_code, import_id, import_row, content_hash, doc, created_at, updated_at FROM enterprises WHERE fid IN `

// storedRow is what an import needs to know of a stored enterprise with
// one of its batch's ids.
type storedRow struct {
	fid        int64
	importID   string
	importRow  int64
	hash       string
	sector     string
	created    string
	lon, lat   sql.NullFloat64
	admin      guccho.AdminCodes
	method     string
	synthetic  bool
	self, wage int
}

// Put upserts a batch by id inside the open chunk, saving the previous
// version of every row it updates or marks unchanged. It reads the stored
// rows of the whole batch with a few queries and writes new rows and the
// undo copies with multi-row statements; the enterprises and jobs per unit
// are summed over the chunk and applied when it commits. The count pyramid
// and the points table (enterprise_points) wait for the indexing phase (indexing.go). A row that
// another running import wrote is not written: it comes back in
// Duplicates, naming that import.
func (w *importWriter) Put(ctx context.Context, batch []*guccho.Enterprise) (guccho.ImportCounts, error) {
	var c guccho.ImportCounts
	if err := w.begin(ctx); err != nil {
		return c, err
	}
	for _, e := range batch {
		if err := e.Validate(); err != nil {
			return c, err
		}
		e.ImportID = w.imp.ID
	}
	stored, err := w.lookup(ctx, batch)
	if err != nil {
		return c, err
	}
	running, err := w.runningImports(ctx, stored)
	if err != nil {
		return c, err
	}
	ch := guccho.ChangeBuilder{Action: "imported", ImportID: w.imp.ID}
	now := time.Now().UTC()
	var created, updated []*guccho.Enterprise
	var saved []any // fids of rows saved for undo
	type mark struct{ fid, row int64 }
	var unchanged []mark
	for _, e := range batch {
		old, ok := stored[e.ID]
		switch {
		case !ok:
			e.CreatedAt, e.UpdatedAt = now, now
			created = append(created, e)
			stored[e.ID] = &storedRow{importID: w.imp.ID, importRow: int64(e.ImportRow)}
			ch.Add(e.ID, e.Sector, placedPoint(e))
			w.jobs.AddEnterprise(e, +1)
			c.Created++
			continue
		case old.importID == w.imp.ID:
			c.Duplicates = append(c.Duplicates, guccho.RowError{Row: e.ImportRow, Field: "id",
				Reason: "duplicate id " + quote(e.ID) + ": row " + itoa(int(old.importRow)) + " has it already"})
			continue
		case running[old.importID]:
			c.Duplicates = append(c.Duplicates, guccho.RowError{Row: e.ImportRow, Field: "id",
				Reason: "enterprise " + quote(e.ID) + " is being imported by import " + old.importID + "; import this row again when it has finished"})
			continue
		}
		saved = append(saved, old.fid)
		old.importID, old.importRow = w.imp.ID, int64(e.ImportRow) // later rows with this id are duplicates
		if old.hash == e.ContentHash() {
			unchanged = append(unchanged, mark{old.fid, int64(e.ImportRow)})
			c.Unchanged++
			continue
		}
		e.FeatureID = old.fid
		e.CreatedAt, _ = time.Parse(timeFormat, old.created)
		e.UpdatedAt = now
		if p, ok := pointOf(old.lon, old.lat); ok {
			ch.Add("", old.sector, &[2]float64{p[0], p[1]})
		}
		ch.Add(e.ID, e.Sector, placedPoint(e))
		w.jobs.Add(old.admin, old.sector, old.method, old.synthetic, old.self, old.wage, -1)
		w.jobs.AddEnterprise(e, +1)
		updated = append(updated, e)
		c.Updated++
	}
	if err := inGroups(saved, undoGroup, func(fids []any) error {
		_, err := w.st.ExecContext(ctx, saveUndo+placeholders(len(fids), 1), append([]any{w.imp.ID}, fids...)...)
		return sqlErr(err, "saving %d enterprises for undo", len(fids))
	}); err != nil {
		return c, err
	}
	for _, m := range unchanged {
		if _, err := w.st.ExecContext(ctx, `UPDATE enterprises SET import_id = ?, import_row = ? WHERE fid = ?`, w.imp.ID, m.row, m.fid); err != nil {
			return c, sqlErr(err, "updating enterprise %d", m.fid)
		}
	}
	for _, e := range updated {
		if err := updateRow(ctx, w.st, e); err != nil {
			return c, err
		}
	}
	if err := w.insert(ctx, created); err != nil {
		return c, err
	}
	if ch.Empty() {
		return c, nil
	}
	return c, appendEvent(ctx, w.st, guccho.EventEnterprisesChanged, ch.Change())
}

// Rows per statement of an import's multi-row statements: ids looked up,
// fids saved for undo, enterprises and points inserted. SQLite
// takes at most 32,766 parameters in a statement.
const (
	lookupGroup = 500
	undoGroup   = 500
	insertGroup = 100
)

// runningImports returns which of the imports that wrote the stored rows,
// other than this one, are still running.
func (w *importWriter) runningImports(ctx context.Context, stored map[string]*storedRow) (map[string]bool, error) {
	var others []any
	seen := map[string]bool{w.imp.ID: true, "": true}
	for _, r := range stored {
		if !seen[r.importID] {
			seen[r.importID] = true
			others = append(others, r.importID)
		}
	}
	running := map[string]bool{}
	err := inGroups(others, lookupGroup, func(ids []any) error {
		rows, err := w.st.QueryContext(ctx, `SELECT id FROM imports WHERE status = 'running' AND id IN `+placeholders(len(ids), 1), ids...)
		if err != nil {
			return sqlErr(err, "reading the running imports")
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return sqlErr(err, "reading the running imports")
			}
			running[id] = true
		}
		return sqlErr(rows.Err(), "reading the running imports")
	})
	return running, err
}

// lookup returns the stored rows with the batch's ids, by id.
func (w *importWriter) lookup(ctx context.Context, batch []*guccho.Enterprise) (map[string]*storedRow, error) {
	ids := make([]any, len(batch))
	for i, e := range batch {
		ids[i] = e.ID
	}
	stored := make(map[string]*storedRow, len(batch))
	err := inGroups(ids, lookupGroup, func(ids []any) error {
		rows, err := w.st.QueryContext(ctx, `SELECT id, fid, import_id, import_row, content_hash, lon, lat, sector, created_at,
				division, district, upazila, union_code, `+jobsColumns("")+`
			FROM enterprises WHERE id IN `+placeholders(len(ids), 1), ids...)
		if err != nil {
			return sqlErr(err, "reading %d enterprises", len(ids))
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var r storedRow
			var importID sql.NullString
			var importRow sql.NullInt64
			if err := rows.Scan(&id, &r.fid, &importID, &importRow, &r.hash, &r.lon, &r.lat, &r.sector, &r.created,
				&r.admin.Division, &r.admin.District, &r.admin.Upazila, &r.admin.Union, &r.method, &r.synthetic, &r.self, &r.wage); err != nil {
				return sqlErr(err, "reading enterprise %q", id)
			}
			r.importID, r.importRow = importID.String, importRow.Int64
			stored[id] = &r
		}
		return sqlErr(rows.Err(), "reading %d enterprises", len(ids))
	})
	return stored, err
}

// insert writes new enterprises with the fids that follow the table's
// largest (as SQLite would choose them). A goroutine of its own encodes the
// rows (JSON, content hash) a group ahead of the statements that write
// them, so that work runs beside SQLite's on another core.
func (w *importWriter) insert(ctx context.Context, created []*guccho.Enterprise) error {
	const cols = 19
	fid := w.nextFID
	w.nextFID += int64(len(created))
	groups := make(chan []any, 2)
	go func() {
		defer close(groups)
		for len(created) > 0 {
			n := min(insertGroup, len(created))
			args := make([]any, 0, cols*n)
			for _, e := range created[:n] {
				e.FeatureID, fid = fid, fid+1
				args = append(append(args, e.FeatureID, e.ID), rowValues(e)...)
				args = append(args, e.CreatedAt.Format(timeFormat), e.UpdatedAt.Format(timeFormat))
			}
			groups <- args
			created = created[n:]
		}
	}()
	var err error
	for args := range groups {
		if err == nil {
			err = w.insertAll(ctx, `INSERT OR IGNORE INTO enterprises (fid, id, name, sector, method, lon, lat, display_point, synthetic,
				division, district, upazila, union_code, import_id, import_row, content_hash, doc, created_at, updated_at)
				VALUES `, cols, args, "storing")
		}
	}
	return err
}

// insertAll runs a multi-row INSERT of len(args)/cols rows and fails with
// EINTERNAL unless it inserted every one. The enterprises' INSERT is OR
// IGNORE: Put has checked every constraint that it would otherwise have to
// be ready to undo row by row (a statement journal, which costs an import
// a tenth of its time), so an ignored row is a bug, reported as one.
func (w *importWriter) insertAll(ctx context.Context, insert string, cols int, args []any, doing string) error {
	rows := len(args) / cols
	res, err := w.st.ExecContext(ctx, insert+placeholders(cols, rows), args...)
	if err != nil {
		return sqlErr(err, "%s %d enterprises", doing, rows)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(rows) {
		return guccho.Errorf(guccho.EINTERNAL, "%s %d enterprises: %d stored (%v)", doing, rows, n, err)
	}
	return nil
}

// inGroups calls fn with successive groups of at most size values.
func inGroups(vals []any, size int, fn func([]any) error) error {
	for len(vals) > 0 {
		n := min(size, len(vals))
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// placeholders returns rows parenthesised groups of cols parameters,
// "(?, ?), (?, ?)", for a multi-row VALUES list; one group of n,
// placeholders(n, 1), is the list of an IN.
func placeholders(cols, rows int) string {
	var b strings.Builder
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	return b.String()
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
	report.Phase = guccho.ImportLoading
	return w.commitChunk(ctx, report, nil)
}

// commitChunk stores the report and commits the open chunk (opening one
// when none is), running also, when set, then in its transaction.
func (w *importWriter) commitChunk(ctx context.Context, report *guccho.Import, then func() error) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	if err := applyDeltas(ctx, w.st, nil, w.jobs); err != nil {
		return err
	}
	if err := saveImport(ctx, w.st, report); err != nil {
		return err
	}
	if then != nil {
		if err := then(); err != nil {
			return err
		}
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
	if w.chunks++; w.chunks%walChunks == 0 {
		if _, err := w.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			return sqlErr(err, "import %s: checkpointing the WAL", report.ID)
		}
	}
	return nil
}

// walChunks is how many chunks an import commits between checkpoints of
// the WAL: about 10 s of writing. A million-row import left a WAL of over
// 7 GB without them (a 12-million-row one would fill the disk) and of
// 2.3 GB with them, at the same rate within the measurements' noise
// (docs/import.md#speed).
const walChunks = 20

// Commit commits the last chunk of the loading phase, which also turns the
// import to phase indexing (status still running), then runs the indexing
// phase (indexing.go) and stores the final report with it. On a writer
// opened on an import interrupted while indexing, it finishes the
// indexing. When the indexing fails, the import stays running in phase
// indexing: Rollback, or recovery, finishes it.
func (w *importWriter) Commit(ctx context.Context, report *guccho.Import) error {
	if report.EndedAt == nil { // undo tells edits after the end from the import's own writes
		now := time.Now().UTC()
		report.EndedAt = &now
	}
	if w.phase == phaseLoading {
		mid := *report
		mid.Status, mid.Phase = guccho.ImportRunning, guccho.ImportIndexing
		err := w.commitChunk(ctx, &mid, func() error {
			_, err := w.st.ExecContext(ctx, `UPDATE import_indexing SET phase = 'indexing' WHERE import_id = ?`, w.imp.ID)
			return sqlErr(err, "import %s: beginning its indexing", w.imp.ID)
		})
		if err != nil {
			return err
		}
		w.phase = phaseIndexing
	}
	report.Phase = ""
	err := w.s.indexImport(ctx, w.conn, w.imp.ID, report)
	if err != nil {
		report.Status, report.Phase = guccho.ImportRunning, guccho.ImportIndexing
	}
	w.done = true // Rollback leaves an unfinished indexing to recovery
	w.release()
	return err
}

// Rollback abandons the open chunk and undoes the committed ones; after
// Commit, even one whose indexing failed, it does nothing.
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
	w.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE); PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -16384; PRAGMA temp_store = DEFAULT; PRAGMA shrink_memory`)
	w.conn.Close()
}
