package postgis

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/tiles"
)

// placed is a test enterprise of a sector at a point, from a source's row.
func placed(id, sector string, lon, lat float64, row int) *guccho.Enterprise {
	e := enterprise(id, row)
	e.Sector, e.Point = sector, orb.Point{lon, lat}
	p := e.Point
	e.GPS = &p
	return e
}

// pyramid reads the count pyramid, cell by cell.
func pyramid(t *testing.T, s *Store) map[tiles.CellSector]int {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), `SELECT z, x, y, sector, n FROM guccho.enterprise_cells`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[tiles.CellSector]int{}
	for rows.Next() {
		var z int16
		var x, y, n int32
		var sector string
		if err := rows.Scan(&z, &x, &y, &sector, &n); err != nil {
			t.Fatal(err)
		}
		out[tiles.CellSector{Cell: tiles.CellKey{Z: int(z), X: uint32(x), Y: uint32(y)}, Sector: sector}] = int(n)
	}
	return out
}

// pyramidOfRows is the count pyramid the stored enterprises make.
func pyramidOfRows(t *testing.T, s *Store) map[tiles.CellSector]int {
	t.Helper()
	d := tiles.CellDeltas{}
	err := s.FindEnterprises(context.Background(), guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		if e.Placed() {
			d.Add(e.Point, e.Sector, +1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[tiles.CellSector]int(d)
}

// checkPyramid fails unless the pyramid holds exactly want.
func checkPyramid(t *testing.T, s *Store, what string, want map[tiles.CellSector]int) {
	t.Helper()
	got := pyramid(t, s)
	if maps.Equal(got, want) {
		return
	}
	var diff []string
	for k, n := range want {
		if got[k] != n {
			diff = append(diff, fmt.Sprintf("%v: got %d, want %d", k, got[k], n))
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			diff = append(diff, fmt.Sprintf("%v: got %d, want none", k, n))
		}
	}
	if len(diff) > 5 {
		diff = append(diff[:5], "…")
	}
	t.Errorf("%s: the pyramid has %d cells, want %d: %s", what, len(got), len(want), strings.Join(diff, "; "))
}

// startImport records a running import and opens its writer, rolled back
// when t ends unless committed.
func startImport(t *testing.T, s *Store, id string) (*guccho.Import, *importWriter) {
	t.Helper()
	ctx := context.Background()
	imp := &guccho.Import{ID: id, Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Rollback() })
	return imp, w.(*importWriter)
}

// seedForIndexing stores enterprises by edit (so indexed at once) that
// the import of loadForIndexing then moves, keeps, re-sectors and
// un-places, and returns the pyramid they make.
func seedForIndexing(t *testing.T, s *Store) map[tiles.CellSector]int {
	t.Helper()
	ctx := context.Background()
	for _, e := range []*guccho.Enterprise{
		placed("KEEP", "dairy", 90.41, 23.81, 0), placed("MOVE", "dairy", 90.42, 23.82, 0),
		placed("RESECTOR", "dairy", 91.8, 22.3, 0), placed("UNPLACE", "footwear_leather", 89.5, 25.7, 0),
		placed("OTHER", "dairy", 90.41, 23.81, 0),
	} {
		if err := s.CreateEnterprise(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return pyramid(t, s)
}

// loadForIndexing loads (without committing) an import that creates two
// rows, moves one, keeps one unchanged, changes one's sector and takes one
// off the map.
func loadForIndexing(t *testing.T, s *Store, id string) (*guccho.Import, *importWriter) {
	t.Helper()
	ctx := context.Background()
	imp, w := startImport(t, s, id)
	unplaced := enterprise("UNPLACE", 4)
	unplaced.Sector, unplaced.Point, unplaced.GPS = "footwear_leather", orb.Point{}, nil
	unplaced.Geocode = guccho.Geocode{Method: guccho.GeocodeNone}
	c, err := w.Put(ctx, []*guccho.Enterprise{
		placed("KEEP", "dairy", 90.41, 23.81, 1), placed("MOVE", "dairy", 92.0, 21.5, 2),
		placed("RESECTOR", "footwear_leather", 91.8, 22.3, 3), unplaced,
		placed("NEW1", "dairy", 90.41, 23.81, 5), placed("NEW2", "footwear_leather", 88.6, 26.1, 6),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Created != 2 || c.Updated != 3 || c.Unchanged != 1 || len(c.Duplicates) != 0 {
		t.Fatalf("counts %+v, want 2 created, 3 updated, 1 unchanged", c)
	}
	imp.Read, imp.SourceRow = 6, 6
	if err := w.Checkpoint(ctx, imp); err != nil {
		t.Fatal(err)
	}
	return imp, w
}

// TestAnImportIndexesItsRowsOnlyAtItsEnd checks the two phases: while an
// import loads, its rows are stored and counted but the count pyramid is
// as before it and the import says "loading"; its commit indexes it, and
// the pyramid is then exactly the one its rows make, as edits would have
// left it.
func TestAnImportIndexesItsRowsOnlyAtItsEnd(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	before := seedForIndexing(t, s)
	imp, w := loadForIndexing(t, s, "imp-1")
	checkPyramid(t, s, "while loading", before)
	stored, err := s.FindImportByID(ctx, "imp-1")
	if err != nil || stored.Status != guccho.ImportRunning || stored.Phase != guccho.ImportLoading {
		t.Fatalf("import while loading = %+v, %v; want running, loading", stored, err)
	}
	if n, _ := s.CountEnterprises(ctx, guccho.EnterpriseFilter{ImportID: "imp-1"}); n != 6 {
		t.Errorf("the import's rows while loading: %d, want 6 (lists see them chunk by chunk)", n)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	checkPyramid(t, s, "after the commit", pyramidOfRows(t, s))
	stored, err = s.FindImportByID(ctx, "imp-1")
	if err != nil || stored.Status != guccho.ImportSucceeded || stored.Phase != "" {
		t.Fatalf("import after its commit = %+v, %v; want succeeded, no phase", stored, err)
	}
	if _, err := s.UndoImport(ctx, "imp-1"); err != nil {
		t.Fatal(err)
	}
	checkPyramid(t, s, "after the undo", before)
}

// TestRollbackOfALoadingImportLeavesThePyramid checks that rolling back an
// import that never indexed takes none of its rows out of the pyramid and
// puts none of the versions it saved back in: the pyramid is as before.
func TestRollbackOfALoadingImportLeavesThePyramid(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	before := seedForIndexing(t, s)
	loadForIndexing(t, s, "imp-1")
	if _, err := s.RollbackImport(ctx, "imp-1", "interrupted"); err != nil {
		t.Fatal(err)
	}
	checkPyramid(t, s, "after the roll-back", before)
	if want := pyramidOfRows(t, s); !maps.Equal(before, want) {
		t.Errorf("the rows after the roll-back make another pyramid than before the import")
	}
}

// TestAnInterruptedIndexingResumesFromItsCursor checks an import stopped
// after its first indexing chunk: the pyramid holds that chunk; the import
// says "indexing"; a writer opened on it again finishes it (each cell
// written once: the pyramid is then exactly its rows'); and, in a second
// store, that a roll-back of such an import leaves the pyramid as before.
func TestAnInterruptedIndexingResumesFromItsCursor(t *testing.T) {
	for _, end := range []string{"resume", "rollback"} {
		t.Run(end, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t)
			before := seedForIndexing(t, s)
			imp, w := loadForIndexing(t, s, "imp-1")
			imp.Status = guccho.ImportSucceeded
			// Stop after the first chunk of one cell, as a kill would.
			ictx, cancel := context.WithCancel(ctx)
			w.lapped = time.Now()
			s.opt.ImportTimer = func(step string, _ time.Duration) {
				if step == "index" {
					cancel()
				}
			}
			stopped := w.Commit(ictx, imp)
			s.opt.ImportTimer = nil
			w.done = true // the process died: nothing rolls it back
			if stopped == nil {
				t.Fatal("the commit was not interrupted")
			}
			state, cursor, err := readCursor(ctx, s.pool, "imp-1", false)
			if err != nil || state != pyramidIndexing || cursor.z != tiles.MinCellZoom {
				t.Fatalf("after one chunk: state %q, cursor %+v, %v; want indexing at zoom %d", state, cursor, err, tiles.MinCellZoom)
			}
			if got := pyramid(t, s); maps.Equal(got, before) {
				t.Errorf("the first chunk wrote nothing to the pyramid")
			}
			stored, err := s.FindImportByID(ctx, "imp-1")
			if err != nil || stored.Status != guccho.ImportRunning || stored.Phase != guccho.ImportIndexing {
				t.Fatalf("interrupted import = %+v, %v; want running, indexing", stored, err)
			}
			switch end {
			case "resume":
				w2, err := s.BeginImport(ctx, stored)
				if err != nil {
					t.Fatal(err)
				}
				stored.Status = guccho.ImportSucceeded
				if err := w2.Commit(ctx, stored); err != nil {
					t.Fatal(err)
				}
				checkPyramid(t, s, "after the resume", pyramidOfRows(t, s))
			case "rollback":
				if _, err := s.RollbackImport(ctx, "imp-1", "interrupted"); err != nil {
					t.Fatal(err)
				}
				checkPyramid(t, s, "after the roll-back", before)
			}
		})
	}
}

// TestARunningImportsRowsAreNotEdited checks that edits of a row a
// running import wrote fail with ECONFLICT naming the import, in either
// phase, and succeed once it has ended; and that a second import fails
// such a row, naming the first.
func TestARunningImportsRowsAreNotEdited(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedForIndexing(t, s)
	imp, w := loadForIndexing(t, s, "imp-1")
	edit := placed("MOVE", "dairy", 90.0, 24.0, 0)
	for name, err := range map[string]error{
		"update": s.UpdateEnterprise(ctx, edit),
		"delete": s.DeleteEnterprise(ctx, "NEW1"),
	} {
		if guccho.ErrorCode(err) != guccho.ECONFLICT || !strings.Contains(guccho.ErrorMessage(err), "import imp-1") {
			t.Errorf("%s of a loading import's row: %v; want ECONFLICT naming imp-1", name, err)
		}
	}
	if err := s.UpdateEnterprise(ctx, placed("OTHER", "dairy", 90.0, 24.0, 0)); err != nil {
		t.Errorf("update of a row the import did not write: %v", err)
	}
	_, w2 := startImport(t, s, "imp-2")
	c, err := w2.Put(ctx, []*guccho.Enterprise{placed("MOVE", "dairy", 90.1, 24.1, 1), placed("NEW3", "dairy", 90.1, 24.1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Created != 1 || len(c.Duplicates) != 1 || c.Duplicates[0].Row != 1 || !strings.Contains(c.Duplicates[0].Reason, "import imp-1") {
		t.Errorf("second import's counts %+v; want NEW3 created and row 1 failed, naming imp-1", c)
	}
	if err := w2.Rollback(); err != nil {
		t.Fatal(err)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateEnterprise(ctx, edit); err != nil {
		t.Errorf("update after the import: %v", err)
	}
	if err := s.DeleteEnterprise(ctx, "NEW1"); err != nil {
		t.Errorf("delete after the import: %v", err)
	}
	checkPyramid(t, s, "after the edits", pyramidOfRows(t, s))
}

// TestPlacesSumLikeCellDeltas checks the indexing phase's sums against
// tiles.CellDeltas, which every edit uses: random places in and out, with
// sectors met out of order, summed per zoom, give at every zoom exactly
// the cells and counts CellDeltas gives, in key order, cells that cancel
// out left out.
func TestPlacesSumLikeCellDeltas(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 1))
	sectors := []string{"rice_mill", "dairy", "horticulture", "footwear_leather"}
	ip := newImportPlaces()
	want := tiles.CellDeltas{}
	for i := 0; i < 5000; i++ {
		// Clustered, so that places share cells and some cancel out.
		p := orb.Point{90 + float64(rnd.IntN(40))*0.01 + rnd.Float64()*1e-4, 23 + float64(rnd.IntN(40))*0.01}
		sector := sectors[rnd.IntN(len(sectors))]
		out := rnd.IntN(3) == 0
		sign := 1
		if out {
			sign = -1
		}
		want.Add(p, sector, sign)
		cells := tiles.CellsOf(p)
		if err := ip.add(cells[len(cells)-1], sector, out); err != nil {
			t.Fatal(err)
		}
	}
	ip.sortSectors()
	var scratch []uint64
	var sums []cellSum
	got := map[tiles.CellSector]int{}
	for z := tiles.MinCellZoom; z <= tiles.MaxCellZoom; z++ {
		scratch, sums = ip.sums(z, scratch, sums)
		prev := indexCursor{z: z, x: 0, y: 0, sector: ""}
		for i, c := range sums {
			x, y := uint32(c.key>>xShift&cellMask), uint32(c.key>>yShift&cellMask)
			sector := ip.sectors[c.key>>1&sectorMask]
			if i > 0 && !prev.after(z, x, y, sector) {
				t.Fatalf("zoom %d: cell %d (%d, %d, %s) does not follow (%d, %d, %s)", z, i, x, y, sector, prev.x, prev.y, prev.sector)
			}
			prev = indexCursor{z: z, x: x, y: y, sector: sector}
			got[tiles.CellSector{Cell: tiles.CellKey{Z: z, X: x, Y: y}, Sector: sector}] = int(c.n)
		}
	}
	for k, n := range want {
		if n == 0 {
			delete(want, k)
		}
	}
	if !maps.Equal(got, map[tiles.CellSector]int(want)) {
		t.Errorf("sums: %d cells, CellDeltas %d cells", len(got), len(want))
	}
}

// TestACopyOfRowsCreatedMeanwhileFallsBack checks the fast path of new
// rows: should an edit create one of a batch's new ids after the batch
// looked (a unique violation in the COPY), the COPY is taken back, the
// chunk's transaction goes on, and the rows are upserted instead.
func TestACopyOfRowsCreatedMeanwhileFallsBack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	_, w := startImport(t, s, "imp-1")
	if err := w.begin(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEnterprise(ctx, placed("X", "dairy", 90.5, 23.5, 0)); err != nil {
		t.Fatal(err)
	}
	recs := []*record{}
	for _, e := range []*guccho.Enterprise{placed("Y", "dairy", 90.6, 23.6, 1), placed("X", "dairy", 90.7, 23.7, 2)} {
		e.ImportID = "imp-1"
		doc, hash, err := contentDoc(e)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &record{e, string(doc), hash})
	}
	copied, err := w.copyFresh(ctx, recs)
	if err != nil || copied {
		t.Fatalf("copyFresh = %v, %v; want false (X exists), no error", copied, err)
	}
	var c guccho.ImportCounts
	var written []int
	if err := w.upsert(ctx, recs, &c, &written); err != nil {
		t.Fatalf("the upsert after the COPY was taken back: %v", err)
	}
	if c.Created != 1 || c.Updated != 1 || len(written) != 2 {
		t.Errorf("upsert counts %+v, rows %v; want Y created and X updated", c, written)
	}
	copied, err = w.copyFresh(ctx, []*record{{placed("Z", "dairy", 90.8, 23.8, 3), recs[0].doc, recs[0].hash}})
	if err != nil || !copied {
		t.Fatalf("copyFresh of a new id = %v, %v; want it copied", copied, err)
	}
	var lon, lat float64
	if err := w.tx.QueryRow(ctx, `SELECT ST_X(geom), ST_Y(geom) FROM guccho.enterprises WHERE id = 'Z' AND ST_SRID(geom) = 4326`).Scan(&lon, &lat); err != nil || lon != 90.8 || lat != 23.8 {
		t.Errorf("Z's point as copied: %v %v, %v; want 90.8 23.8 in SRID 4326", lon, lat, err)
	}
}

// TestIndexingOutlastsTheStatementTimeout checks that reading an import's
// places back, one pass as long as the import is large, is not bounded by
// the statement timeout that bounds requests: here the read waits on a
// lock for longer than the store's timeout, and the indexing still ends
// with the pyramid its rows make. (Before, a 12-million-row re-import
// stopped there, and every recovery would have stopped there again.)
func TestIndexingOutlastsTheStatementTimeout(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seedForIndexing(t, s)
	imp, w := loadForIndexing(t, s, "imp-1")
	lock, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(ctx, `LOCK TABLE guccho.import_undo IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		imp.Status = guccho.ImportSucceeded
		done <- w.Commit(ctx, imp)
	}()
	time.Sleep(time.Second) // the read waits on the lock, past the 300 ms timeout
	lock.Rollback(ctx)
	if err := <-done; err != nil {
		t.Fatalf("Commit with the read of its places held past the statement timeout: %v", err)
	}
	checkPyramid(t, s, "after the commit", pyramidOfRows(t, s))
}
