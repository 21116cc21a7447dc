package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// The indexing phase of an import (guccho.ImportIndexing). While it
// loads, an import leaves the count pyramid alone; its Commit then reads
// the places it adds (the rows with its import id that it created or
// updated) and takes out (the saved prior versions of the rows it
// updated, in import_undo), works out their cells in Go exactly as edits
// do (tiles.CellsOf), sums them per cell and writes the sums to
// enterprise_cells zoom by zoom in key order, a chunk per short
// transaction that moves the import's cursor past the cells it wrote.
// The rows cannot change meanwhile (edits of a running import's rows are
// refused, other imports fail them), so after a crash the same reading
// gives the same sums, and the cursor says which are written.

// indexChunk is how many cells one transaction of the indexing phase
// writes: 50,000 took 0.1–0.4 s on the shared 2-core test machine, so
// edits beside an import wait well under a second. It is a count, not a
// time, so that an import's chunks and their events are the same however
// fast the machine and wherever a crash interrupted it: the cursor always
// stops at a chunk's end.
const indexChunk = 50000

// Import pyramid states (imports.pyramid, migration 0014): how much of an
// import the count pyramid holds.
const (
	pyramidLoading  = "loading"  // none: it is still loading
	pyramidIndexing = "indexing" // its cells up to its cursor
	pyramidIndexed  = "indexed"  // all of it
)

// pyramidState returns how much of the import the count pyramid holds.
func pyramidState(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, importID string) (string, error) {
	var state string
	err := q.QueryRow(ctx, `SELECT pyramid FROM guccho.imports WHERE id = $1`, importID).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", guccho.Errorf(guccho.ENOTFOUND, "no import %q", importID)
	}
	return state, dbErr(err, "read an import's state")
}

// startIndexing moves a loading import to its indexing phase, in the
// caller's transaction, with its cursor before the first cell.
func startIndexing(ctx context.Context, tx pgx.Tx, importID string) error {
	_, err := tx.Exec(ctx, `UPDATE guccho.imports SET pyramid = $2, cursor_z = NULL, cursor_x = NULL, cursor_y = NULL,
		cursor_sector = NULL WHERE id = $1 AND pyramid = $3`, importID, pyramidIndexing, pyramidLoading)
	return dbErr(err, "start indexing an import")
}

// Packing of a place into a uint64, most significant first: x and y of
// its cell at tiles.MaxCellZoom (or, once shifted, of a coarser zoom),
// the index of its sector in the import's sorted sectors, and 1 for a
// place taken out. Sorting packed places sorts them in the pyramid's key
// order (x, y, sector) with the sign last.
const (
	cellBits   = tiles.MaxCellZoom // bits of a cell's x or y
	sectorBits = 10
	cellMask   = 1<<cellBits - 1
	sectorMask = 1<<sectorBits - 1
	yShift     = 1 + sectorBits
	xShift     = yShift + cellBits
)

// importPlaces are the places an import adds to and takes out of the
// pyramid, packed, with its sectors and the range of their cells at
// tiles.MaxCellZoom.
type importPlaces struct {
	packed         []uint64
	sectors        []string
	x0, y0, x1, y1 uint32
	sectorIndex    map[string]uint64
}

func newImportPlaces() *importPlaces {
	return &importPlaces{sectorIndex: map[string]uint64{}, x0: cellMask, y0: cellMask}
}

// readPlaces reads the places an import adds (its created and updated
// rows, not those it found unchanged) and takes out (the saved versions of
// the rows it updated), packed as they come (8 bytes a place: a
// 12-million-row import holds about 100 MB here), the sectors numbered in
// the order met and renumbered in sorted order at the end.
//
// It is one pass over the import's rows and saved versions, as long as
// the import is large — a re-import of twelve million unchanged rows took
// longer than the pool's statement timeout, which bounds requests — so it
// runs in a read-only transaction of its own without that timeout, under
// the import's context.
func (s *Store) readPlaces(ctx context.Context, importID string) (*importPlaces, error) {
	ip := newImportPlaces()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, dbErr(err, "read an import's places")
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return nil, dbErr(err, "read an import's places")
	}
	rows, err := tx.Query(ctx, `SELECT sector, ST_X(geom), ST_Y(geom), false FROM guccho.enterprises e
			WHERE import_id = $1 AND geom IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM guccho.import_undo u WHERE u.import_id = $1 AND u.fid = e.fid AND u.unchanged)
		UNION ALL
		SELECT sector, ST_X(geom), ST_Y(geom), true FROM guccho.import_undo
			WHERE import_id = $1 AND NOT unchanged AND geom IS NOT NULL`, importID)
	if err != nil {
		return nil, dbErr(err, "read an import's places")
	}
	defer rows.Close()
	var sector []byte
	var lon, lat float64
	var out bool
	for rows.Next() {
		if err := rows.Scan(&sector, &lon, &lat, &out); err != nil {
			return nil, dbErr(err, "read an import's places")
		}
		cells := tiles.CellsOf(orb.Point{lon, lat})
		if err := ip.add(cells[len(cells)-1], string(sector), out); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "import %s", importID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read an import's places")
	}
	ip.sortSectors()
	return ip, nil
}

// add packs a place: its cell at tiles.MaxCellZoom, its sector (numbered
// in the order met until sortSectors) and whether it goes out.
func (ip *importPlaces) add(k tiles.CellKey, sector string, out bool) error {
	i, ok := ip.sectorIndex[sector]
	if !ok {
		if len(ip.sectors) > sectorMask {
			return guccho.Errorf(guccho.EINTERNAL, "more than %d sectors to index", sectorMask+1)
		}
		i = uint64(len(ip.sectors))
		ip.sectors = append(ip.sectors, sector)
		ip.sectorIndex[sector] = i
	}
	v := uint64(k.X)<<xShift | uint64(k.Y)<<yShift | i<<1
	if out {
		v |= 1
	}
	ip.packed = append(ip.packed, v)
	ip.x0, ip.y0, ip.x1, ip.y1 = min(ip.x0, k.X), min(ip.y0, k.Y), max(ip.x1, k.X), max(ip.y1, k.Y)
	return nil
}

// sortSectors numbers the sectors in sorted order, so that packed places
// sort in the pyramid's key order (x, y, sector).
func (ip *importPlaces) sortSectors() {
	met := ip.sectors
	ip.sectors = slices.Sorted(slices.Values(met))
	renumber := make([]uint64, len(met))
	for i, s := range ip.sectors {
		ip.sectorIndex[s] = uint64(i)
	}
	for i, s := range met {
		renumber[i] = ip.sectorIndex[s]
	}
	for i, v := range ip.packed {
		ip.packed[i] = v&^(sectorMask<<1) | renumber[v>>1&sectorMask]<<1
	}
}

// cellSum is one cell's sum at a zoom: packed x, y and sector (sign bit
// clear) and the net count.
type cellSum struct {
	key uint64
	n   int32
}

// sums returns the net count per cell at zoom z, in key order, cells whose
// places cancel out left out; buf is reused.
func (ip *importPlaces) sums(z int, scratch []uint64, buf []cellSum) ([]uint64, []cellSum) {
	shift := tiles.MaxCellZoom - z
	scratch = scratch[:0]
	for _, v := range ip.packed {
		x, y := (v>>xShift)&cellMask>>shift, (v>>yShift)&cellMask>>shift
		scratch = append(scratch, x<<xShift|y<<yShift|v&(sectorMask<<1|1))
	}
	slices.Sort(scratch)
	buf = buf[:0]
	for i := 0; i < len(scratch); {
		key := scratch[i] &^ 1
		n := int32(0)
		for ; i < len(scratch) && scratch[i]&^1 == key; i++ {
			if scratch[i]&1 == 1 {
				n--
			} else {
				n++
			}
		}
		if n != 0 {
			buf = append(buf, cellSum{key, n})
		}
	}
	return scratch, buf
}

// indexCursor is the last cell an import's indexing wrote; z = -1 before
// the first.
type indexCursor struct {
	z      int
	x, y   uint32
	sector string
}

// after reports whether cell (z, x, y, sector) comes after the cursor in
// key order.
func (c indexCursor) after(z int, x, y uint32, sector string) bool {
	switch {
	case z != c.z:
		return z > c.z
	case x != c.x:
		return x > c.x
	case y != c.y:
		return y > c.y
	}
	return sector > c.sector
}

// readCursor returns an import's pyramid state and indexing cursor.
func readCursor(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, importID string, lock bool) (string, indexCursor, error) {
	var state string
	var z *int16
	var x, y *int32
	var sector *string
	q1 := `SELECT pyramid, cursor_z, cursor_x, cursor_y, cursor_sector FROM guccho.imports WHERE id = $1`
	if lock {
		q1 += ` FOR UPDATE`
	}
	err := q.QueryRow(ctx, q1, importID).Scan(&state, &z, &x, &y, &sector)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", indexCursor{}, guccho.Errorf(guccho.ENOTFOUND, "no import %q", importID)
	}
	if err != nil {
		return "", indexCursor{}, dbErr(err, "read an import's indexing cursor")
	}
	c := indexCursor{z: -1}
	if z != nil {
		c = indexCursor{z: int(*z), x: uint32(*x), y: uint32(*y), sector: *sector}
	}
	return state, c, nil
}

// InterruptIndexingAfter makes the next import's indexing write chunks of
// one cell and stop with an error after n of them, leaving the import
// indexing, as a crash would (storetest.IndexingInterrupter). For tests.
func (s *Store) InterruptIndexingAfter(n int) { s.interruptIndexing.Store(int64(n)) }

// errInterrupted is how an indexing stopped by InterruptIndexingAfter ends.
var errInterrupted = guccho.Errorf(guccho.EUNAVAILABLE, "the indexing was interrupted (InterruptIndexingAfter)")

// indexImport writes an indexing import's cells to the count pyramid from
// its cursor on, zoom by zoom in key order, indexChunk cells per
// transaction (writeChunk); lap, when not nil, is
// told "plan" once the places are read and summed and "index" after each
// chunk. For an import that is not indexing it does nothing.
//
// A bulk import first builds the enterprises' indexes it dropped and,
// before its first cell, analyses the table (buildIndexes; lap is told
// "build" and "analyze"): the reading of its places finds its rows by
// import id, and every later query plans on fresh statistics.
func (s *Store) indexImport(ctx context.Context, importID string, lap func(string)) error {
	state, cursor, err := readCursor(ctx, s.pool, importID, false)
	if err != nil || state != pyramidIndexing {
		return err
	}
	bulk, err := s.isBulk(ctx, importID)
	if err != nil {
		return err
	}
	if bulk {
		if err := s.buildIndexes(ctx, cursor.z < 0, lap); err != nil {
			return err
		}
	}
	ip, err := s.readPlaces(ctx, importID)
	if err != nil {
		return err
	}
	if lap != nil {
		lap("plan")
	}
	size, stopAfter := indexChunk, int(s.interruptIndexing.Swap(0))
	if stopAfter > 0 {
		size = 1
	}
	var scratch []uint64
	var sums []cellSum
	var c cellArrays
	for z := max(tiles.MinCellZoom, cursor.z); z <= tiles.MaxCellZoom; z++ {
		scratch, sums = ip.sums(z, scratch, sums)
		if lap != nil {
			lap("plan")
		}
		for i := 0; i < len(sums); {
			c.reset()
			negative := false
			var bound orb.Bound
			for ; i < len(sums) && c.len() < size; i++ {
				v := sums[i]
				x, y := uint32(v.key>>xShift&cellMask), uint32(v.key>>yShift&cellMask)
				sector := ip.sectors[v.key>>1&sectorMask]
				if !cursor.after(z, x, y, sector) {
					continue
				}
				c.add(int16(z), int32(x), int32(y), sector, v.n)
				negative = negative || v.n < 0
				b := maptile.New(x, y, maptile.Zoom(z)).Bound()
				if c.len() == 1 {
					bound = b
				} else {
					bound = bound.Union(b)
				}
			}
			if c.len() == 0 {
				continue
			}
			last := c.len() - 1
			next := indexCursor{z: z, x: uint32(c.xs[last]), y: uint32(c.ys[last]), sector: c.sectors[last]}
			if err := s.writeChunk(ctx, importID, &c, negative, next, ip.clip(bound), sectorsOf(c.sectors)); err != nil {
				return err
			}
			cursor = next
			if lap != nil {
				lap("index")
			}
			if stopAfter--; stopAfter == 0 {
				return errInterrupted
			}
		}
	}
	return nil
}

// clip narrows a chunk's bounding box (its cells') to the range of the
// import's places, to a cell of tiles.MaxCellZoom: the low zooms' cells
// are large.
func (ip *importPlaces) clip(b orb.Bound) orb.Bound {
	all := maptile.New(ip.x0, ip.y0, tiles.MaxCellZoom).Bound().Union(maptile.New(ip.x1, ip.y1, tiles.MaxCellZoom).Bound())
	out := orb.Bound{Min: orb.Point{max(b.Min[0], all.Min[0]), max(b.Min[1], all.Min[1])},
		Max: orb.Point{min(b.Max[0], all.Max[0]), min(b.Max[1], all.Max[1])}}
	if out.Min[0] > out.Max[0] || out.Min[1] > out.Max[1] {
		return b
	}
	return out
}

// sectorsOf returns the distinct sectors, sorted.
func sectorsOf(sectors []string) []string {
	out := slices.Clone(sectors)
	slices.Sort(out)
	return slices.Compact(out)
}

// writeChunk writes one chunk of an import's cells in one transaction: it
// checks that the import is still indexing, adds the cells to the count
// pyramid (under the pyramid's lock, as every write), moves the import's
// cursor to the chunk's last cell and appends an enterprises.changed event
// (action "indexed", no ids) whose bounding box and sectors cover the
// cells, so tile caches drop the tiles they change.
func (s *Store) writeChunk(ctx context.Context, importID string, c *cellArrays, negative bool, next indexCursor, bound orb.Bound, sectors []string) error {
	version := ""
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		state, _, err := readCursor(ctx, tx, importID, true)
		if err != nil {
			return err
		}
		if state != pyramidIndexing {
			return guccho.Errorf(guccho.ECONFLICT, "import %s: no longer indexing", importID)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pyramidLock); err != nil {
			return dbErr(err, "update the count pyramid")
		}
		if err := c.apply(ctx, tx, negative); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE guccho.imports SET cursor_z = $2, cursor_x = $3, cursor_y = $4, cursor_sector = $5
			WHERE id = $1`, importID, int16(next.z), int32(next.x), int32(next.y), next.sector); err != nil {
			return dbErr(err, "move an import's indexing cursor")
		}
		change := guccho.EnterpriseChange{Action: "indexed", ImportID: importID, Sectors: sectors,
			Bound: [4]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}}
		if err := appendEvents(ctx, tx, guccho.EventEnterprisesChanged, change); err != nil {
			return err
		}
		version, err = bumpEnterpriseVersion(ctx, tx)
		return err
	})
	if err != nil {
		return dbErr(err, "index an import")
	}
	s.entVersion.Store(version)
	return nil
}

// endIndexing records an indexed import's final report (report.Status,
// Phase "") and marks it indexed, in one transaction.
func (s *Store) endIndexing(ctx context.Context, report *guccho.Import) error {
	doc, err := json.Marshal(report)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE guccho.imports SET status = $2, doc = $3::jsonb, pyramid = $4,
		cursor_z = NULL, cursor_x = NULL, cursor_y = NULL, cursor_sector = NULL WHERE id = $1`,
		report.ID, report.Status, string(doc), pyramidIndexed)
	return dbErr(err, "record import")
}
