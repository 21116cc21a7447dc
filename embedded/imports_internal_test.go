package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// pyramidEnterprise is a placed enterprise at p with a few fields set.
func pyramidEnterprise(id, sector string, p orb.Point) *guccho.Enterprise {
	return &guccho.Enterprise{ID: id, Name: "Enterprise " + id, Sector: sector, GPS: &p, Point: p,
		Admin:   guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040911"},
		Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}}
}

// importBatches runs one import of the batches, committing a chunk after
// each, and returns its counts.
func importBatches(t *testing.T, s *Store, id string, batches ...[]*guccho.Enterprise) guccho.ImportCounts {
	t.Helper()
	ctx := context.Background()
	imp := &guccho.Import{ID: id, Status: guccho.ImportRunning}
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	var total guccho.ImportCounts
	for _, b := range batches {
		c, err := w.Put(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		total.Created += c.Created
		total.Updated += c.Updated
		total.Unchanged += c.Unchanged
		total.Duplicates = append(total.Duplicates, c.Duplicates...)
		if err := w.Checkpoint(ctx, imp); err != nil {
			t.Fatal(err)
		}
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	return total
}

// checkIndexes compares the count pyramid, cell by cell at every zoom, and
// the points (enterprise_points), entry by entry, with what the stored
// enterprises give.
func checkIndexes(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	want := tiles.CellDeltas{}
	points := map[int64]orb.Point{}
	rows, err := s.db.QueryContext(ctx, `SELECT fid, sector, lon, lat FROM enterprises WHERE lon IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var fid int64
		var sector string
		var p orb.Point
		if err := rows.Scan(&fid, &sector, &p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		want.Add(p, sector, +1)
		points[fid] = p
	}
	rows.Close()
	got := tiles.CellDeltas{}
	rows, err = s.db.QueryContext(ctx, `SELECT z, x, y, sector, n FROM enterprise_cells`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k tiles.CellSector
		var n int
		if err := rows.Scan(&k.Cell.Z, &k.Cell.X, &k.Cell.Y, &k.Sector, &n); err != nil {
			t.Fatal(err)
		}
		got[k] = n
	}
	rows.Close()
	bad := 0
	for k, n := range want {
		if got[k] != n {
			bad++
			if bad <= 5 {
				t.Errorf("pyramid cell %+v counts %d, want %d", k, got[k], n)
			}
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			bad++
			if bad <= 5 {
				t.Errorf("pyramid cell %+v counts %d, want no cell", k, n)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d pyramid cells are wrong", bad, len(want))
	}
	var entries int
	rows, err = s.db.QueryContext(ctx, `SELECT key, fid FROM enterprise_points`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var key, fid int64
		if err := rows.Scan(&key, &fid); err != nil {
			t.Fatal(err)
		}
		entries++
		if p, ok := points[fid]; !ok || key != tiles.PointKey(p) {
			t.Errorf("points entry (%d, %d); the enterprise is at %v, key %d (stored: %v)", key, fid, p, tiles.PointKey(p), ok)
		}
	}
	rows.Close()
	if entries != len(points) {
		t.Errorf("enterprise_points has %d entries, want %d (one per placed enterprise)", entries, len(points))
	}
}

// An import's writer sums the pyramid's deltas over a chunk and writes
// rows, point entries and cells many to a statement; the pyramid and the
// points must still be exactly what the stored rows give, through imports
// that create, move, leave unchanged and repeat rows, over more rows than
// one statement takes, and after an undo.
func TestImportKeepsPyramidAndPointsExact(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	sectors := []string{"dairy", "footwear_leather", "light_engineering"}
	// Around Bhairab, so that cells at the coarse zooms are shared.
	at := func() orb.Point { return orb.Point{90.9 + r.Float64()*0.1, 24.0 + r.Float64()*0.1} }
	var first []*guccho.Enterprise
	for i := range 1500 {
		first = append(first, pyramidEnterprise(fmt.Sprintf("E%d", i), sectors[i%3], at()))
	}
	c := importBatches(t, s, "imp-first", first[:700], first[700:])
	if c.Created != 1500 {
		t.Fatalf("the first import created %d, want 1500", c.Created)
	}
	checkIndexes(t, s)

	// Every third row again unchanged, every third moved (and one in
	// three of those to another sector), every third new; a new and a
	// stored id twice in a batch and one twice across batches.
	var second []*guccho.Enterprise
	for i := range 1500 {
		e := pyramidEnterprise(fmt.Sprintf("E%d", i), sectors[i%3], first[i].Point)
		switch i % 3 {
		case 1:
			e.Point = at()
			e.GPS = &e.Point
			if i%9 == 1 {
				e.Sector = sectors[(i+1)%3]
			}
		case 2:
			e.ID = fmt.Sprintf("N%d", i)
		}
		e.ImportRow = i + 1
		second = append(second, e)
	}
	dupInBatch := pyramidEnterprise("N2", "dairy", at())
	dupInBatch.ImportRow = 1501
	dupStored := pyramidEnterprise("E4", "dairy", at()) // E4 is stored, and moved at row 5
	dupStored.ImportRow = 1502
	dupAcross := pyramidEnterprise("E1", "dairy", at())
	dupAcross.ImportRow = 1503
	c = importBatches(t, s, "imp-second", append(second[:900:900], dupInBatch, dupStored), append(second[900:], dupAcross))
	if c.Created != 500 || c.Updated != 500 || c.Unchanged != 500 {
		t.Errorf("the second import: %d created, %d updated, %d unchanged; want 500 each", c.Created, c.Updated, c.Unchanged)
	}
	want := []guccho.RowError{
		{Row: 1501, Field: "id", Reason: `duplicate id "N2": row 3 has it already`},
		{Row: 1502, Field: "id", Reason: `duplicate id "E4": row 5 has it already`},
		{Row: 1503, Field: "id", Reason: `duplicate id "E1": row 2 has it already`},
	}
	if fmt.Sprint(c.Duplicates) != fmt.Sprint(want) {
		t.Errorf("duplicates:\n got %v\nwant %v", c.Duplicates, want)
	}
	checkIndexes(t, s)

	if _, err := s.UndoImport(ctx, "imp-second"); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	if n, _ := s.CountEnterprises(ctx, guccho.EnterpriseFilter{}); n != 1500 {
		t.Errorf("after the undo %d enterprises, want 1500", n)
	}
}

// An indexing interrupted in its points pass or in its pyramid pass and
// then finished writes every entry and cell once: the indexes end exact.
func TestInterruptedIndexingEndsExact(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after int // chunks of one entry or cell before the interruption
	}{
		{"in the points pass", 5},
		{"in the pyramid pass", 300 + 200 + 7}, // 300 created and 200 moved rows: 500 entries, then 7 cells
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r := rand.New(rand.NewPCG(3, 4))
			at := func() orb.Point { return orb.Point{90.9 + r.Float64()*0.1, 24.0 + r.Float64()*0.1} }
			var first []*guccho.Enterprise
			for i := range 600 {
				first = append(first, pyramidEnterprise(fmt.Sprintf("E%d", i), "dairy", at()))
			}
			importBatches(t, s, "imp-first", first)
			// 200 moved (some to another sector), 200 unchanged, 300 new.
			var second []*guccho.Enterprise
			for i := range 400 {
				e := pyramidEnterprise(fmt.Sprintf("E%d", i), "dairy", first[i].Point)
				if i%2 == 0 {
					e.Point = at()
					e.GPS = &e.Point
					if i%6 == 0 {
						e.Sector = "footwear_leather"
					}
				}
				second = append(second, e)
			}
			for i := range 300 {
				second = append(second, pyramidEnterprise(fmt.Sprintf("N%d", i), "light_engineering", at()))
			}
			interruptedImport(t, s, "imp-second", second, tc.after)
			st, err := readIndexState(ctx, s.db, "imp-second")
			if err != nil || st.phase != phaseIndexing {
				t.Fatalf("after the interruption the import is in phase %q (%v), want indexing", st.phase, err)
			}
			if inPyramid := st.cellZ.Valid; inPyramid != (tc.after > 500) {
				t.Errorf("interrupted after %d chunks, the pyramid cursor is set: %v; want %v", tc.after, inPyramid, tc.after > 500)
			}
			finishIndexing(t, s, "imp-second")
			checkIndexes(t, s)
		})
	}
}

// interruptedImport writes rows as import id (numbering their rows) and
// commits it with its indexing stopped after n chunks, as a crash would;
// the import is left running in phase indexing, for recovery.
func interruptedImport(t *testing.T, s *Store, id string, rows []*guccho.Enterprise, n int) {
	t.Helper()
	ctx := context.Background()
	for i, e := range rows {
		e.ImportRow = i + 1
	}
	imp := &guccho.Import{ID: id, Status: guccho.ImportRunning}
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Put(ctx, rows); err != nil {
		t.Fatal(err)
	}
	s.InterruptIndexingAfter(n)
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err == nil {
		t.Fatal("Commit of an interrupted indexing returned no error")
	}
	w.Rollback() // leaves the indexing to recovery
}

// finishIndexing finishes an import left in phase indexing, as recovery
// does: a writer opened on it commits what is left.
func finishIndexing(t *testing.T, s *Store, id string) {
	t.Helper()
	ctx := context.Background()
	got, err := s.FindImportByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	got.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, got); err != nil {
		t.Fatal(err)
	}
}
