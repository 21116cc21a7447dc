package embedded

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// An import's indexing phase (guccho.ImportIndexing). A bulk import
// (bulk.go) first builds the indexes of enterprises it loaded without.
// While it loads, an import writes its rows, their undo copies and the
// enterprises and jobs per unit, but neither the count pyramid
// (enterprise_cells) nor the points (enterprise_points): scattered over the country, every chunk would
// otherwise dirty pages all over both. Its Commit then writes the import's
// net effect on them, read back from the rows themselves:
//
//   - the points first, entry by entry in their key order (tiles.PointKey,
//     the table's own order: created rows in, moved rows moved, rows no
//     longer placed out), so that on a fresh store the pass appends;
//   - then the pyramid in its key order (z, x, y, sector): + the cells of
//     every row the import created or updated, − those of the saved prior
//     version of every row it updated; a row it found unchanged counts
//     nothing.
//
// Each chunk of indexChunk entries or cells (a quarter to half a second)
// is one transaction holding the writer, which records how far it got
// (import_indexing's cursors) and appends an enterprises.changed event
// (action "indexed") bounding what it changed, so tile caches refresh. The work list is computed again from
// the same rows after a crash — nothing an indexing import wrote can
// change meanwhile (edits of its rows are refused) — and the cursor skips
// what was written, so each cell and entry is written once.
//
// Memory: the points pass holds 48 bytes per created or moved row, the
// pyramid pass 8 bytes per created or updated row plus one more 8 bytes
// per row for the zoom it writes; they run one after the other.

// indexChunk is how many point entries or pyramid counters one chunk of an
// indexing writes before it commits and lets other writers in: about half
// a second's work (docs/import.md#speed). A count, not a time, so that the
// chunks and their events are the same in every run of an import, resumed
// or not: a resume starts at a chunk's end.
const indexChunk = 20000

// Phases of import_indexing.
const (
	phaseLoading  = "loading"
	phaseIndexing = "indexing"
	phaseIndexed  = "indexed"
)

// indexState is an import's row of import_indexing; phase is "" when it
// has none (an import indexed as it loaded, before migration 0012).
type indexState struct {
	phase      string
	bulk       bool // loaded without the secondary indexes of enterprises (bulk.go)
	pointsDone bool
	pointsKey  sql.NullInt64
	pointsFid  sql.NullInt64
	cellZ      sql.NullInt64
	cellX      sql.NullInt64
	cellY      sql.NullInt64
	cellSector sql.NullString
}

func readIndexState(ctx context.Context, q execer, importID string) (indexState, error) {
	var st indexState
	err := q.QueryRowContext(ctx, `SELECT phase, bulk, points_done, points_key, points_fid, cell_z, cell_x, cell_y, cell_sector
		FROM import_indexing WHERE import_id = ?`, importID).Scan(&st.phase, &st.bulk, &st.pointsDone, &st.pointsKey, &st.pointsFid,
		&st.cellZ, &st.cellX, &st.cellY, &st.cellSector)
	if errors.Is(err, sql.ErrNoRows) {
		return indexState{}, nil
	}
	return st, sqlErr(err, "reading the indexing of import %s", importID)
}

// InterruptIndexingAfter makes the next indexing write chunks of one
// entry or cell and stop with an error after n of them, as a crash would
// (storetest.IndexingInterrupter); a bulk import's build of one index
// counts as a chunk. For tests.
func (s *Store) InterruptIndexingAfter(n int) { s.interruptIndexing.Store(int64(n)) }

// errInterrupted is how an indexing stopped by InterruptIndexingAfter ends.
var errInterrupted = guccho.Errorf(guccho.EUNAVAILABLE, "the indexing was interrupted (InterruptIndexingAfter)")

// importedRow is one row of an import with what its indexes need: its
// point and sector, and when it updated a stored row, the saved prior
// version's.
type importedRow struct {
	fid                   int64
	sector, oldSector     string
	p, old                orb.Point
	placed, oldPlaced     bool
	updated, unchangedRow bool
}

// scanImport calls fn for every row the import wrote, in fid order.
func scanImport(ctx context.Context, q execer, importID string, fn func(*importedRow)) error {
	rows, err := q.QueryContext(ctx, `SELECT e.fid, e.sector, e.lon, e.lat, u.fid IS NOT NULL, coalesce(u.sector, ''), u.lon, u.lat,
			coalesce(u.content_hash = e.content_hash, 0)
		FROM enterprises e LEFT JOIN import_undo u ON u.import_id = e.import_id AND u.fid = e.fid
		WHERE e.import_id = ? ORDER BY e.fid`, importID)
	if err != nil {
		return sqlErr(err, "reading the rows of import %s", importID)
	}
	defer rows.Close()
	var r importedRow
	var lon, lat, oldLon, oldLat sql.NullFloat64
	for rows.Next() {
		if err := rows.Scan(&r.fid, &r.sector, &lon, &lat, &r.updated, &r.oldSector, &oldLon, &oldLat, &r.unchangedRow); err != nil {
			return sqlErr(err, "reading the rows of import %s", importID)
		}
		r.p, r.placed = pointOf(lon, lat)
		r.old, r.oldPlaced = pointOf(oldLon, oldLat)
		fn(&r)
	}
	return sqlErr(rows.Err(), "reading the rows of import %s", importID)
}

// sectorRanks numbers sectors as they are first seen; ranks() then maps
// each number to its rank in the sectors' sorted order, the pyramid key's.
type sectorRanks struct {
	index map[string]uint32
	names []string
}

func (sr *sectorRanks) of(s string) uint32 {
	if i, ok := sr.index[s]; ok {
		return i
	}
	if sr.index == nil {
		sr.index = map[string]uint32{}
	}
	i := uint32(len(sr.names))
	sr.index[s] = i
	sr.names = append(sr.names, s)
	return i
}

// sort sorts names and returns, by first-seen number, the sorted rank.
func (sr *sectorRanks) sort() []uint32 {
	sorted := slices.Clone(sr.names)
	slices.Sort(sorted)
	rank := make([]uint32, len(sr.names))
	for i, s := range sr.names {
		r, _ := slices.BinarySearch(sorted, s)
		rank[i] = uint32(r)
	}
	sr.names = sorted
	return rank
}

// pointOp is one write to enterprise_points: fid's entry at p, whose key
// is key (a delete when del, p being then the point it goes from); when
// had, the row's entry at oldKey goes first. Ops are written in (key, fid)
// order, the cursor's.
type pointOp struct {
	key    int64
	fid    int64
	p      orb.Point
	oldKey int64
	sector uint32
	del    bool // the row is no longer placed: its entry goes
	had    bool // the row had an entry (at oldKey): it goes before the new one
}

func comparePointOps(a, b pointOp) int {
	return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.fid, b.fid))
}

// indexer runs one import's indexing phase on conn.
type indexer struct {
	s        *Store
	conn     *sql.Conn
	importID string
	st       indexState
	stopAt   int // chunks before an interruption (0: none)
	chunks   int
}

// indexImport runs (or finishes) the indexing phase of an import whose
// import_indexing row is in phase indexing, and then, in the transaction
// that marks it indexed, saves report when it is not nil.
func (s *Store) indexImport(ctx context.Context, conn *sql.Conn, importID string, report *guccho.Import) error {
	st, err := readIndexState(ctx, conn, importID)
	if err != nil {
		return err
	}
	if st.phase != phaseIndexing {
		return guccho.Errorf(guccho.EINTERNAL, "import %s: indexing it in phase %q", importID, st.phase)
	}
	ix := &indexer{s: s, conn: conn, importID: importID, st: st, stopAt: int(s.interruptIndexing.Swap(0))}
	if st.bulk {
		if err := ix.buildIndexes(ctx); err != nil {
			return err
		}
	}
	if !st.pointsDone {
		if err := ix.points(ctx); err != nil {
			return err
		}
	}
	return ix.pyramid(ctx, report)
}

// chunk runs fn in one transaction of the import's connection, holding the
// store's writer, and checkpoints the WAL every walChunks chunks.
func (ix *indexer) chunk(ctx context.Context, fn func(*sql.Tx) error) error {
	ix.s.writer.Lock()
	tx, err := ix.conn.BeginTx(ctx, nil)
	if err != nil {
		ix.s.writer.Unlock()
		return sqlErr(err, "import %s: beginning a chunk of indexing", ix.importID)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		ix.s.writer.Unlock()
		return err
	}
	err = tx.Commit()
	ix.s.writer.Unlock()
	if err != nil {
		return sqlErr(err, "import %s: committing a chunk of indexing", ix.importID)
	}
	ix.s.enterprisesChanged()
	if ix.chunks++; ix.chunks%walChunks == 0 {
		if _, err := ix.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			return sqlErr(err, "import %s: checkpointing the WAL", ix.importID)
		}
	}
	if ix.stopAt > 0 && ix.chunks >= ix.stopAt {
		return errInterrupted
	}
	return nil
}

// group is how many writes a chunk makes per statement, and chunk how many
// in all: one each when a test interrupts the indexing.
func (ix *indexer) group(n int) int {
	if ix.stopAt > 0 {
		return 1
	}
	return n
}

func (ix *indexer) chunkSize() int { return ix.group(indexChunk) }

// points writes the import's entries in enterprise_points from the cursor
// on.
func (ix *indexer) points(ctx context.Context) error {
	var ops []pointOp
	var sr sectorRanks
	err := scanImport(ctx, ix.conn, ix.importID, func(r *importedRow) {
		if r.unchangedRow || (r.updated && r.placed == r.oldPlaced && r.p == r.old) {
			return
		}
		op := pointOp{fid: r.fid, had: r.updated && r.oldPlaced}
		if op.had {
			op.oldKey = tiles.PointKey(r.old)
		}
		switch {
		case r.placed:
			op.key, op.p, op.sector = tiles.PointKey(r.p), r.p, sr.of(r.sector)
		case op.had:
			op.key, op.p, op.sector, op.del = op.oldKey, r.old, sr.of(r.oldSector), true
		default:
			return
		}
		ops = append(ops, op)
	})
	if err != nil {
		return err
	}
	slices.SortFunc(ops, comparePointOps)
	if ix.st.pointsKey.Valid {
		after := pointOp{key: ix.st.pointsKey.Int64, fid: ix.st.pointsFid.Int64}
		i, found := slices.BinarySearchFunc(ops, after, comparePointOps)
		if found {
			i++
		}
		ops = ops[i:]
	}
	for len(ops) > 0 || !ix.st.pointsDone {
		err := ix.chunk(ctx, func(tx *sql.Tx) error {
			st := newStmtTx(tx)
			defer st.close()
			ch := guccho.ChangeBuilder{Action: "indexed", ImportID: ix.importID}
			for left := ix.chunkSize(); len(ops) > 0 && left > 0; {
				n := min(ix.group(insertGroup), len(ops), left)
				left -= n
				var ins []any
				for _, op := range ops[:n] {
					if op.had {
						if _, err := st.ExecContext(ctx, `DELETE FROM enterprise_points WHERE key = ? AND fid = ?`, op.oldKey, op.fid); err != nil {
							return sqlErr(err, "import %s: indexing enterprise %d", ix.importID, op.fid)
						}
					}
					if !op.del {
						ins = append(ins, op.key, op.fid)
					}
					ch.Add("", sr.names[op.sector], &[2]float64{op.p[0], op.p[1]})
				}
				if len(ins) > 0 {
					if _, err := st.ExecContext(ctx, `INSERT INTO enterprise_points (key, fid) VALUES `+
						placeholders(2, len(ins)/2), ins...); err != nil {
						return sqlErr(err, "import %s: indexing %d enterprises", ix.importID, len(ins)/2)
					}
				}
				last := ops[n-1]
				ops = ops[n:]
				if _, err := st.ExecContext(ctx, `UPDATE import_indexing SET points_key = ?, points_fid = ?, points_done = ? WHERE import_id = ?`,
					last.key, last.fid, len(ops) == 0, ix.importID); err != nil {
					return sqlErr(err, "import %s: recording its indexing", ix.importID)
				}
				if ix.stopAt > 0 {
					break
				}
			}
			if len(ops) == 0 {
				if _, err := st.ExecContext(ctx, `UPDATE import_indexing SET points_done = 1 WHERE import_id = ?`, ix.importID); err != nil {
					return sqlErr(err, "import %s: recording its indexing", ix.importID)
				}
				ix.st.pointsDone = true
			}
			if ch.Empty() {
				return nil
			}
			return appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Bits of a pyramid record: x and y of the finest cell, the sector's
// rank, and a sign bit (1 for −1).
const (
	recXShift = 35
	recYShift = 18
	recMask   = 1<<tiles.MaxCellZoom - 1
)

// pyramid writes the import's net changes to the count pyramid from the
// cursor on, zoom by zoom, each zoom's cells in key order.
func (ix *indexer) pyramid(ctx context.Context, report *guccho.Import) error {
	var recs []uint64
	var sr sectorRanks
	add := func(p orb.Point, sector string, neg bool) {
		c := tiles.CellOf(p, tiles.MaxCellZoom)
		r := uint64(c.X)<<recXShift | uint64(c.Y)<<recYShift | uint64(sr.of(sector))<<1
		if neg {
			r |= 1
		}
		recs = append(recs, r)
	}
	err := scanImport(ctx, ix.conn, ix.importID, func(r *importedRow) {
		if r.unchangedRow {
			return
		}
		if r.updated && r.oldPlaced {
			add(r.old, r.oldSector, true)
		}
		if r.placed {
			add(r.p, r.sector, false)
		}
	})
	if err != nil {
		return err
	}
	if len(sr.names) >= 1<<(recYShift-1) {
		return guccho.Errorf(guccho.EINTERNAL, "import %s: %d sectors", ix.importID, len(sr.names))
	}
	rank := sr.sort()
	for i, r := range recs {
		s := r >> 1 & (1<<(recYShift-1) - 1)
		recs[i] = r&^((1<<(recYShift-1)-1)<<1) | uint64(rank[s])<<1
	}
	walk := &pyramidWalk{recs: recs, names: sr.names, z: tiles.MinCellZoom - 1}
	if ix.st.cellZ.Valid {
		walk.after = &ix.st
	}
	c, more := walk.next()
	for {
		err := ix.chunk(ctx, func(tx *sql.Tx) error {
			ch := guccho.ChangeBuilder{Action: "indexed", ImportID: ix.importID}
			for left := ix.chunkSize(); more && left > 0; {
				var added, removed []any
				var last pyramidCell
				for n := min(ix.group(cellGroup), left); n > 0 && more; n-- {
					left--
					v := []any{c.key.Z, c.key.X, c.key.Y, sr.names[c.rank], c.delta}
					if c.delta > 0 {
						added = append(added, v...)
					} else {
						removed = append(removed, v...)
					}
					centre := maptile.New(c.key.X, c.key.Y, maptile.Zoom(c.key.Z)).Center()
					ch.Add("", sr.names[c.rank], &[2]float64{centre[0], centre[1]})
					last = c
					c, more = walk.next()
				}
				if err := writeCells(ctx, tx, added, removed); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE import_indexing SET cell_z = ?, cell_x = ?, cell_y = ?, cell_sector = ? WHERE import_id = ?`,
					last.key.Z, last.key.X, last.key.Y, sr.names[last.rank], ix.importID); err != nil {
					return sqlErr(err, "import %s: recording its indexing", ix.importID)
				}
				if ix.stopAt > 0 {
					break
				}
			}
			if !more {
				// The last chunk: the import is indexed.
				if _, err := tx.ExecContext(ctx, `UPDATE import_indexing SET phase = 'indexed' WHERE import_id = ?`, ix.importID); err != nil {
					return sqlErr(err, "recording the indexing of import %s", ix.importID)
				}
				if report != nil {
					if err := saveImport(ctx, tx, report); err != nil {
						return err
					}
				}
			}
			if ch.Empty() {
				return nil
			}
			return appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
		})
		if err != nil || !more {
			return err
		}
	}
}

// pyramidCell is one counter's net change.
type pyramidCell struct {
	key   tiles.CellKey
	rank  uint32
	delta int
}

// pyramidWalk walks the pyramid's counters from MinCellZoom to MaxCellZoom,
// each zoom's in key order: those whose net change is not zero and, when
// after is set, that come after its cursor. It sorts one zoom's records at
// a time into scratch.
type pyramidWalk struct {
	recs    []uint64 // finest cells, sector ranks and signs
	names   []string // sectors by rank
	after   *indexState
	z       int
	scratch []uint64 // zoom z's records, sorted
	i       int
}

func (w *pyramidWalk) next() (pyramidCell, bool) {
	for {
		for w.i < len(w.scratch) {
			k := w.scratch[w.i] >> 1
			d := 0
			for ; w.i < len(w.scratch) && w.scratch[w.i]>>1 == k; w.i++ {
				if w.scratch[w.i]&1 == 1 {
					d--
				} else {
					d++
				}
			}
			if d == 0 {
				continue
			}
			c := pyramidCell{tiles.CellKey{Z: w.z, X: uint32(k >> (recXShift - 1)), Y: uint32(k >> (recYShift - 1) & recMask)},
				uint32(k & (1<<(recYShift-1) - 1)), d}
			if a := w.after; a != nil && int64(w.z) == a.cellZ.Int64 && cmp.Or(cmp.Compare(int64(c.key.X), a.cellX.Int64),
				cmp.Compare(int64(c.key.Y), a.cellY.Int64), strings.Compare(w.names[c.rank], a.cellSector.String)) <= 0 {
				continue
			}
			return c, true
		}
		// The next zoom, or the end.
		w.z++
		if w.after != nil && int64(w.z) < w.after.cellZ.Int64 {
			w.z = int(w.after.cellZ.Int64)
		}
		if w.z > tiles.MaxCellZoom {
			w.scratch = nil
			return pyramidCell{}, false
		}
		shift := tiles.MaxCellZoom - w.z
		w.scratch, w.i = w.scratch[:0], 0
		for _, r := range w.recs {
			x, y := r>>recXShift&recMask>>shift, r>>recYShift&recMask>>shift
			w.scratch = append(w.scratch, x<<recXShift|y<<recYShift|r&(1<<recYShift-1))
		}
		slices.Sort(w.scratch)
	}
}
