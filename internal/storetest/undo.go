package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
)

// snapshot is what a user can see of a store's enterprises: every record
// (its content, import and row) and the count pyramid's totals at z0.
func snapshot(t *testing.T, s store.Store) string {
	t.Helper()
	var b strings.Builder
	err := s.FindEnterprises(context.Background(), guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		fmt.Fprintf(&b, "%s %s %s %s:%d\n", e.ID, e.Sector, e.ContentHash(), e.ImportID, e.ImportRow)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "pyramid all %d dairy %d footwear %d\n", pyramidTotal(t, s, nil), pyramidTotal(t, s, []string{"dairy"}),
		pyramidTotal(t, s, []string{"footwear_leather"}))
	return b.String()
}

// chunked writes an import's chunks (one batch each, Checkpoint after each)
// and leaves it running, as a crash after the last chunk would.
func chunked(t *testing.T, s store.Store, imp *guccho.Import, chunks ...[]*guccho.Enterprise) guccho.ImportWriter {
	t.Helper()
	ctx := context.Background()
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		counts, err := w.Put(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		imp.Created += counts.Created
		imp.Updated += counts.Updated
		imp.Unchanged += counts.Unchanged
		imp.SourceRow = c[len(c)-1].ImportRow
		if err := w.Checkpoint(ctx, imp); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// base imports A (dairy), B (dairy) and C (footwear) as imp-1.
func base(t *testing.T, s store.Store) {
	t.Helper()
	runImport(t, s, "imp-1", rows(ent("A", "dairy", 90.5, 22.5), ent("B", "dairy", 90.6, 22.6), ent("C", "footwear_leather", 91.5, 23.5)))
}

// second is imp-2's rows: A moved to another sector and place, B as it
// is, D and E new.
func second() []*guccho.Enterprise {
	r := rows(ent("A", "footwear_leather", 92.5, 24.5), ent("B", "dairy", 90.6, 22.6), ent("D", "dairy", 90.7, 22.7), ent("E", "dairy", 90.8, 22.8))
	return r
}

func testImportChunks(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r := second()
	w := chunked(t, s, imp, r[:2])
	defer w.Rollback()
	// The first chunk is committed: its rows are visible, and another
	// writer is not held up by the running import.
	if e, err := s.FindEnterpriseByID(ctx, "A"); err != nil || e.Sector != "footwear_leather" || e.ImportID != "imp-2" {
		t.Errorf("after the first chunk, A = %+v, %v; want the import's version", e, err)
	}
	if err := s.CreateEnterprise(ctx, ent("Z", "dairy", 91, 23)); err != nil {
		t.Fatalf("an edit beside a running import: %v", err)
	}
	if got, _ := s.FindImportByID(ctx, "imp-2"); got.Status != guccho.ImportRunning || got.SourceRow != 2 || got.Updated != 1 || got.Unchanged != 1 {
		t.Errorf("the running import's record = %+v; want running, source row 2, 1 updated, 1 unchanged", got)
	}
	// A chunk may begin with any write: here the review item of a row to come.
	item := &guccho.ReviewItem{Row: 3, EnterpriseID: "D", Name: "Enterprise D", Reasons: []string{"low_score"}}
	if err := w.Review(ctx, []*guccho.ReviewItem{item}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Put(ctx, r[2:]); err != nil {
		t.Fatal(err)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, s, guccho.EnterpriseFilter{ImportID: "imp-2"}); got != "A B D E" {
		t.Errorf("enterprises of imp-2: %q, want A B D E", got)
	}
	if p, err := s.FindReviewItems(ctx, "imp-2", guccho.ReviewFilter{}); err != nil || len(p.Items) != 1 {
		t.Errorf("imp-2's review queue: %+v, %v; want the one item", p, err)
	}
}

func testImportUndo(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	before := snapshot(t, s)
	runImport(t, s, "imp-2", second())
	if snapshot(t, s) == before {
		t.Fatal("imp-2 changed nothing")
	}
	if _, err := s.UndoImport(ctx, "imp-2"); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, s); got != before {
		t.Errorf("after undo:\n%s\nwant as before the import:\n%s", got, before)
	}
	got, err := s.FindImportByID(ctx, "imp-2")
	if err != nil || got.Status != guccho.ImportUndone || got.UndoneAt == nil {
		t.Errorf("the undone import's record = %+v, %v; want undone with a time", got, err)
	}
	_, err = s.UndoImport(ctx, "imp-2")
	wantCode(t, "undoing an undone import", err, guccho.EINVALID)
	_, err = s.UndoImport(ctx, "imp-404")
	wantCode(t, "undoing an unknown import", err, guccho.ENOTFOUND)
	// With imp-2 undone, imp-1 can go too: the store is empty again.
	if _, err := s.UndoImport(ctx, "imp-1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountEnterprises(ctx, guccho.EnterpriseFilter{}); n != 0 || pyramidTotal(t, s, nil) != 0 {
		t.Errorf("after undoing every import: %d enterprises, pyramid %d; want none", n, pyramidTotal(t, s, nil))
	}
}

func testImportUndoConflicts(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	runImport(t, s, "imp-2", second())
	_, err := s.UndoImport(ctx, "imp-1")
	wantCode(t, "undoing an import a later one wrote over", err, guccho.ECONFLICT)
	if err == nil || !strings.Contains(err.Error(), "imp-2") {
		t.Errorf("the conflict %v does not name imp-2", err)
	}
	d, err := s.FindEnterpriseByID(ctx, "D")
	if err != nil {
		t.Fatal(err)
	}
	d.Name = "edited after the import"
	if err := s.UpdateEnterprise(ctx, d); err != nil {
		t.Fatal(err)
	}
	_, err = s.UndoImport(ctx, "imp-2")
	wantCode(t, "undoing an import whose row was edited since", err, guccho.ECONFLICT)
	if err == nil || !strings.Contains(err.Error(), "D") {
		t.Errorf("the conflict %v does not name D", err)
	}
	if got, _ := s.FindImportByID(ctx, "imp-2"); got.Status != guccho.ImportSucceeded {
		t.Errorf("a refused undo left the import %s, want succeeded", got.Status)
	}
}

func testImportResume(t *testing.T, s store.Store, other store.Store) {
	ctx := context.Background()
	// The same import uninterrupted, in another store.
	base(t, other)
	runImport(t, other, "imp-2", second())
	want := snapshot(t, other)

	base(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r := second()
	chunked(t, s, imp, r[:1]) // crashed after its first chunk
	got, err := s.FindImportByID(ctx, "imp-2")
	if err != nil {
		t.Fatal(err)
	}
	w := chunked(t, s, got, r[got.SourceRow:])
	got.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, got); err != nil {
		t.Fatal(err)
	}
	if s := snapshot(t, s); s != want {
		t.Errorf("after a resume:\n%s\nwant as an uninterrupted import:\n%s", s, want)
	}
	if got.Created != 2 || got.Updated != 1 || got.Unchanged != 1 {
		t.Errorf("the resumed import's counts: %+v; want 2 created, 1 updated, 1 unchanged", got)
	}
}

func testImportRecoveryRollback(t *testing.T, s store.Store) {
	ctx := context.Background()
	base(t, s)
	before := snapshot(t, s)
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r := second()
	chunked(t, s, imp, r[:1], r[1:3]) // crashed after two chunks
	got, err := s.RollbackImport(ctx, "imp-2", "interrupted; rolled back at start")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != guccho.ImportRolledBack || got.Error == "" {
		t.Errorf("the rolled-back import's record = %+v", got)
	}
	if s := snapshot(t, s); s != before {
		t.Errorf("after rolling back an interrupted import:\n%s\nwant as before:\n%s", s, before)
	}
	_, err = s.RollbackImport(ctx, "imp-1", "")
	wantCode(t, "rolling back a succeeded import", err, guccho.EINVALID)

	// An undo interrupted half way ("undoing") is finished.
	runImport(t, s, "imp-3", second())
	imp3, _ := s.FindImportByID(ctx, "imp-3")
	imp3.Status = guccho.ImportUndoing
	if err := s.FinishImport(ctx, imp3); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RollbackImport(ctx, "imp-3", ""); err != nil || got.Status != guccho.ImportUndone {
		t.Fatalf("finishing an interrupted undo: %+v, %v", got, err)
	}
	if s := snapshot(t, s); s != before {
		t.Errorf("after finishing an interrupted undo:\n%s\nwant as before:\n%s", s, before)
	}
}

func testUndoRemovesReviewItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	importWithReview(t, s, "imp-review", true)
	if p, err := s.FindReviewItems(ctx, "imp-review", guccho.ReviewFilter{}); err != nil || len(p.Items) == 0 {
		t.Fatalf("the import kept no review items (%v)", err)
	}
	if _, err := s.UndoImport(ctx, "imp-review"); err != nil {
		t.Fatal(err)
	}
	p, err := s.FindReviewItems(ctx, "imp-review", guccho.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 0 || p.Open != 0 {
		t.Errorf("after undo the import's review queue holds %d items (%d open), want none", len(p.Items), p.Open)
	}
}

// testEditsBesideALongImport runs an import that commits chunk after chunk
// with no pause between them, as a big file does, and checks that edits
// made meanwhile go through while it still runs: the import only stops
// once every edit has returned, so an edit that waited for the whole
// import would never return. How long they wait is logged, not asserted
// (a wall-clock bound would fail on a loaded machine); docs/import.md
// gives the figure.
func testEditsBesideALongImport(t *testing.T, s store.Store) {
	ctx := context.Background()
	imp := newImport("imp-long")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		row := 0
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			batch := make([]*guccho.Enterprise, 200)
			for i := range batch {
				row++
				batch[i] = ent(fmt.Sprintf("L%07d", row), "dairy", 90+float64(row%1000)/1000, 22+float64(row%997)/1000)
				batch[i].ImportRow = row
			}
			if _, err := w.Put(ctx, batch); err != nil {
				done <- err
				return
			}
			imp.SourceRow = row
			if err := w.Checkpoint(ctx, imp); err != nil {
				done <- err
				return
			}
		}
	}()
	var slowest time.Duration
	for i := range 6 {
		time.Sleep(150 * time.Millisecond)
		start := time.Now()
		if err := s.CreateEnterprise(ctx, ent(fmt.Sprintf("EDIT%d", i), "dairy", 91, 23)); err != nil {
			t.Errorf("edit %d beside the import: %v", i, err)
		}
		slowest = max(slowest, time.Since(start))
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("slowest edit beside a running import: %v", slowest)
}
