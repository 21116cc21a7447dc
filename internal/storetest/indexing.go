package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

// IndexingInterrupter is what a store offers the suite to interrupt an
// import's indexing phase as a crash would. After InterruptIndexingAfter(n)
// the store's next indexing writes chunks of one pyramid cell (or spatial
// index entry) each and, once n of them are committed, stops with an
// error, leaving the import running in phase guccho.ImportIndexing. It
// applies once.
type IndexingInterrupter interface {
	InterruptIndexingAfter(chunks int)
}

// runIndexing runs the cases of the import contract's two phases: an
// import loads its rows without touching the map's indexes, then indexes
// them at Commit (guccho.ImportLoading, guccho.ImportIndexing).
func runIndexing(t *testing.T, open Opener) {
	t.Run("MapShowsAnImportOnceIndexed", func(t *testing.T) { testMapShowsAnImportOnceIndexed(t, open(t)) })
	t.Run("EditsOfARunningImportConflict", func(t *testing.T) { testEditsOfARunningImportConflict(t, open(t)) })
	t.Run("SecondImportSkipsARunningImportsRows", func(t *testing.T) { testSecondImportSkipsRunningRows(t, open(t)) })
	t.Run("RollbackWhileLoadingKeepsTheMap", func(t *testing.T) { testRollbackWhileLoadingKeepsTheMap(t, open(t)) })
	t.Run("InterruptedIndexingIsFinished", func(t *testing.T) { testInterruptedIndexingIsFinished(t, open(t), open(t)) })
	t.Run("RollbackWhileIndexing", func(t *testing.T) { testRollbackWhileIndexing(t, open(t)) })
	t.Run("UndoAfterIndexingRestoresTheMap", func(t *testing.T) { testUndoAfterIndexingRestoresTheMap(t, open(t)) })
}

// mapPoints are the places of base and second: every tile the fixture's
// enterprises appear in, at any zoom, holds one of them.
var mapPoints = []orb.Point{{90.5, 22.5}, {90.6, 22.6}, {91.5, 23.5}, {92.5, 24.5}, {90.7, 22.7}, {90.8, 22.8}}

// mapDigest lists every feature of the enterprises layer in the tiles of
// mapPoints from z0 to z14, one line each: cells by cell id with their
// counts per sector (the count pyramid from z6 to z17, cell by cell), points
// by enterprise id and sector (the spatial index). Two stores show the
// same map when their digests are equal.
func mapDigest(t *testing.T, s store.Store) string {
	t.Helper()
	seen := map[maptile.Tile]bool{}
	var lines []string
	for _, p := range mapPoints {
		for z := maptile.Zoom(0); z <= 14; z++ {
			tile := maptile.At(p, z)
			if seen[tile] {
				continue
			}
			seen[tile] = true
			raw, err := s.Tile(context.Background(), tiles.Request{Layer: "enterprises", Tile: tile})
			if err != nil {
				t.Fatal(err)
			}
			if raw == nil {
				continue
			}
			layers, err := mvt.Unmarshal(raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range layers {
				for _, f := range l.Features {
					pr := f.Properties
					if pr["kind"] == "cell" {
						lines = append(lines, fmt.Sprintf("z%d cell %v: %v %v", z, f.ID, pr["count"], pr["sectors"]))
					} else {
						lines = append(lines, fmt.Sprintf("z%d point %v %v", z, pr["id"], pr["sector"]))
					}
				}
			}
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// cellsOf keeps a map digest's cells: the count pyramid.
func cellsOf(digest string) string {
	var out []string
	for _, l := range strings.Split(digest, "\n") {
		if strings.Contains(l, " cell ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// pointsAt lists the enterprise ids of the z14 tile holding p.
func pointsAt(t *testing.T, s store.Store, p orb.Point) string {
	t.Helper()
	raw, err := s.Tile(context.Background(), tiles.Request{Layer: "enterprises", Tile: maptile.At(p, 14)})
	if err != nil {
		t.Fatal(err)
	}
	if raw == nil {
		return ""
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range layers[0].Features {
		out = append(out, fmt.Sprint(f.Properties["id"]))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// phaseOf returns an import's status and phase.
func phaseOf(t *testing.T, s store.Store, id string) string {
	t.Helper()
	imp, err := s.FindImportByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return imp.Status + "/" + imp.Phase
}

func testMapShowsAnImportOnceIndexed(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	before := mapDigest(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w := chunked(t, s, imp, second()) // A moved, B unchanged, D and E new
	defer w.Rollback()
	if got := phaseOf(t, s, "imp-2"); got != "running/loading" {
		t.Errorf("a loading import is %s, want running/loading", got)
	}
	// Lists, filters and stats see the loaded rows at once ...
	if got := ids(t, s, guccho.EnterpriseFilter{ImportID: "imp-2"}); got != "A B D E" {
		t.Errorf("enterprises of the loading import: %q, want A B D E", got)
	}
	if st, _ := s.EnterpriseStats(ctx, ""); st.Total != 5 {
		t.Errorf("stats while loading count %d, want 5", st.Total)
	}
	// ... the map not yet: the pyramid counts as before (its moves and new
	// rows not yet), and its new points are not shown. (Where a moved
	// row's point shows meanwhile is left open.)
	if got, want := cellsOf(mapDigest(t, s)), cellsOf(before); got != want {
		t.Errorf("the pyramid while the import loads:\n%s\nwant as before it:\n%s", got, want)
	}
	if got := pointsAt(t, s, orb.Point{90.7, 22.7}); got != "" {
		t.Errorf("the z14 tile of D while loading shows %q, want nothing", got)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if got := phaseOf(t, s, "imp-2"); got != "succeeded/" {
		t.Errorf("an indexed import is %s, want succeeded with no phase", got)
	}
	if n := pyramidTotal(t, s, nil); n != 5 {
		t.Errorf("after Commit the pyramid counts %d, want 5", n)
	}
	if n := pyramidTotal(t, s, []string{"footwear_leather"}); n != 2 {
		t.Errorf("after Commit the pyramid counts %d footwear (C and the moved A), want 2", n)
	}
	if got := pointsAt(t, s, orb.Point{90.7, 22.7}); got != "D" {
		t.Errorf("the z14 tile of D after Commit shows %q, want D", got)
	}
	if got := pointsAt(t, s, orb.Point{90.5, 22.5}); got != "" {
		t.Errorf("A's old z14 tile after Commit shows %q, want nothing (A moved)", got)
	}
	if got := pointsAt(t, s, orb.Point{92.5, 24.5}); got != "A" {
		t.Errorf("A's new z14 tile after Commit shows %q, want A", got)
	}
}

func testEditsOfARunningImportConflict(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r := second()
	w := chunked(t, s, imp, r[:3]) // A updated, B unchanged, D created
	defer w.Rollback()
	for _, tc := range []struct {
		name string
		edit func() error
	}{
		{"update of a row it updated", func() error {
			a, err := s.FindEnterpriseByID(ctx, "A")
			if err != nil {
				return err
			}
			a.Name = "edited"
			return s.UpdateEnterprise(ctx, a)
		}},
		{"update of a row it found unchanged", func() error { return s.UpdateEnterprise(ctx, ent("B", "dairy", 90.61, 22.6)) }},
		{"delete of a row it created", func() error { return s.DeleteEnterprise(ctx, "D") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.edit()
			wantCode(t, tc.name, err, guccho.ECONFLICT)
			if err != nil && !strings.Contains(err.Error(), "imp-2") {
				t.Errorf("the conflict %q does not name the import imp-2", err)
			}
		})
	}
	// A row the import has not written is free to edit.
	c := ent("C", "footwear_leather", 91.51, 23.5)
	if err := s.UpdateEnterprise(ctx, c); err != nil {
		t.Errorf("editing C, which the import did not write: %v", err)
	}
	if e, _ := s.FindEnterpriseByID(ctx, "D"); e == nil || e.Name != "Enterprise D" {
		t.Errorf("D after a refused delete = %+v, want it as imported", e)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEnterprise(ctx, "D"); err != nil {
		t.Errorf("deleting D once the import has finished: %v", err)
	}
}

func testSecondImportSkipsRunningRows(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w := chunked(t, s, imp, second())
	defer w.Rollback()
	// imp-3 writes A (which the running imp-2 wrote), C (which it did not)
	// and a new F.
	c, _ := runImport(t, s, "imp-3", rows(ent("A", "dairy", 90.55, 22.55), ent("C", "dairy", 91.5, 23.5), ent("F", "dairy", 90.9, 22.9)))
	if c.Created != 1 || c.Updated != 1 || len(c.Duplicates) != 1 {
		t.Fatalf("imp-3 beside the running imp-2: %+v; want F created, C updated, A refused", c)
	}
	if d := c.Duplicates[0]; d.Row != 1 || !strings.Contains(d.Reason, "imp-2") || !strings.Contains(d.Reason, `"A"`) {
		t.Errorf("the refused row = %+v; want row 1 naming A and the running import imp-2", d)
	}
	if e, _ := s.FindEnterpriseByID(ctx, "A"); e.ImportID != "imp-2" || e.Sector != "footwear_leather" {
		t.Errorf("A after imp-3 = %s from %s; want imp-2's footwear_leather", e.Sector, e.ImportID)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	// A (imp-2), B, C (imp-3), D, E (imp-2), F (imp-3): six on the map.
	if n := pyramidTotal(t, s, nil); n != 6 {
		t.Errorf("after both imports the pyramid counts %d, want 6", n)
	}
	if n := pyramidTotal(t, s, []string{"footwear_leather"}); n != 1 {
		t.Errorf("after both imports the pyramid counts %d footwear (A), want 1 (C went to dairy)", n)
	}
}

func testRollbackWhileLoadingKeepsTheMap(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	before, beforeMap := snapshot(t, s), mapDigest(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r := second()
	chunked(t, s, imp, r[:1], r[1:3]) // crashed while loading
	if _, err := s.RollbackImport(ctx, "imp-2", "interrupted; rolled back at start"); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, s); got != before {
		t.Errorf("after rolling back a loading import:\n%s\nwant as before:\n%s", got, before)
	}
	if got := mapDigest(t, s); got != beforeMap {
		t.Errorf("the map after rolling back a loading import:\n%s\nwant as before:\n%s", got, beforeMap)
	}
	// The writer's own Rollback (a failed or cancelled import) too.
	imp3 := newImport("imp-3")
	if err := s.CreateImport(ctx, imp3); err != nil {
		t.Fatal(err)
	}
	w := chunked(t, s, imp3, second())
	if err := w.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := mapDigest(t, s); got != beforeMap {
		t.Errorf("the map after a writer's Rollback:\n%s\nwant as before:\n%s", got, beforeMap)
	}
}

// interruptIndexing loads second() as imp-2 and interrupts its indexing
// after one chunk, as a crash would; it skips the test when the store
// cannot be interrupted.
func interruptIndexing(t *testing.T, s store.Store) *guccho.Import {
	t.Helper()
	ctx := context.Background()
	in, ok := s.(IndexingInterrupter)
	if !ok {
		t.Skipf("%T cannot interrupt an indexing (IndexingInterrupter)", s)
	}
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w := chunked(t, s, imp, second())
	in.InterruptIndexingAfter(1)
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err == nil {
		t.Fatal("an interrupted indexing: Commit returned no error")
	}
	got, err := s.FindImportByID(ctx, "imp-2")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != guccho.ImportRunning || got.Phase != guccho.ImportIndexing {
		t.Fatalf("an import interrupted while indexing is %s/%s, want running/indexing", got.Status, got.Phase)
	}
	return got
}

func testInterruptedIndexingIsFinished(t *testing.T, s, other store.Store) {
	ctx := context.Background()
	base(t, other)
	runImport(t, other, "imp-2", second())
	want, wantMap := snapshot(t, other), mapDigest(t, other)

	base(t, s)
	before := mapDigest(t, s)
	got := interruptIndexing(t, s)
	if mid := mapDigest(t, s); mid == before || mid == wantMap {
		t.Errorf("after one chunk of indexing the map is as before or as after it; want part of the import on it")
	}
	// Finishing needs no source: open the writer again and commit.
	w, err := s.BeginImport(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	got.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got := phaseOf(t, s, "imp-2"); got != "succeeded/" {
		t.Errorf("a finished indexing left the import %s, want succeeded", got)
	}
	if got := snapshot(t, s); got != want {
		t.Errorf("after finishing an interrupted indexing:\n%s\nwant as an uninterrupted import:\n%s", got, want)
	}
	if got := mapDigest(t, s); got != wantMap {
		t.Errorf("the map after finishing an interrupted indexing:\n%s\nwant as an uninterrupted import, cell by cell:\n%s", got, wantMap)
	}
}

func testRollbackWhileIndexing(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	before, beforeMap := snapshot(t, s), mapDigest(t, s)
	interruptIndexing(t, s)
	got, err := s.RollbackImport(ctx, "imp-2", "rolled back while indexing")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != guccho.ImportRolledBack || got.Phase != "" {
		t.Errorf("rolled back while indexing: %s/%s, want rolled_back with no phase", got.Status, got.Phase)
	}
	if got := snapshot(t, s); got != before {
		t.Errorf("after rolling back an import while indexing:\n%s\nwant as before:\n%s", got, before)
	}
	if got := mapDigest(t, s); got != beforeMap {
		t.Errorf("the map after rolling back an import while indexing:\n%s\nwant as before:\n%s", got, beforeMap)
	}
}

func testUndoAfterIndexingRestoresTheMap(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	beforeMap := mapDigest(t, s)
	runImport(t, s, "imp-2", second())
	if mapDigest(t, s) == beforeMap {
		t.Fatal("imp-2 did not change the map")
	}
	if _, err := s.UndoImport(ctx, "imp-2"); err != nil {
		t.Fatal(err)
	}
	if got := mapDigest(t, s); got != beforeMap {
		t.Errorf("the map after undo:\n%s\nwant as before the import:\n%s", got, beforeMap)
	}
}
