package storetest

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/store"
)

// RunAliases runs the conformance cases of imports' review queues and
// learnt aliases (guccho.ReviewStore): the queue written with its import,
// decisions kept once, aliases created, listed, removed, imported all or
// nothing and round-tripped through CSV.
func RunAliases(t *testing.T, open Opener) {
	t.Run("AliasesCreateListRemove", func(t *testing.T) { testAliasesCreateListRemove(t, open(t)) })
	t.Run("AliasesImportIsIdempotent", func(t *testing.T) { testAliasesIdempotent(t, open(t)) })
	t.Run("AliasConflictNamesTheRow", func(t *testing.T) { testAliasConflict(t, open(t)) })
	t.Run("AliasesCSVRoundTrip", func(t *testing.T) { testAliasesCSV(t, withGrid(t, open), withGrid(t, open)) })
	t.Run("ReviewQueueIsWrittenWithItsImport", func(t *testing.T) { testReviewQueue(t, open(t)) })
	t.Run("ReviewDecisionsAreKept", func(t *testing.T) { testReviewDecisions(t, open(t)) })
}

// gridAliases are two aliases over the grid fixture: "Amtali Bazar" in
// Barguna is the upazila Amtali; "Barisal Town" nationwide is the district
// Barisal.
func gridAliases() []guccho.Alias {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []guccho.Alias{
		{Level: "upazila", Within: "BD1004", Name: "amtali bazar", PCode: "BD100409", CreatedBy: "tok_a", CreatedAt: at},
		{Level: "district", Name: "barisal town", PCode: "BD1006", CreatedBy: "tok_b", CreatedAt: at},
	}
}

// aliasKeys lists aliases as "level within name → pcode", in order.
func aliasKeys(t *testing.T, s store.Store) []string {
	t.Helper()
	as, err := s.FindAliases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, a := range as {
		out = append(out, a.Level+" "+a.Within+" "+a.Name+" → "+a.PCode)
	}
	return out
}

func aliasesVersion(t *testing.T, s store.Store) string {
	t.Helper()
	v, err := s.AliasesVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testAliasesCreateListRemove(t *testing.T, s store.Store) {
	ctx := context.Background()
	v0 := aliasesVersion(t, s)
	if got := aliasKeys(t, s); len(got) != 0 {
		t.Fatalf("a new store lists aliases %v", got)
	}
	n, err := s.ImportAliases(ctx, gridAliases())
	if err != nil || n != 2 {
		t.Fatalf("ImportAliases = %d, %v; want 2 new", n, err)
	}
	v1 := aliasesVersion(t, s)
	if v1 == v0 {
		t.Errorf("AliasesVersion stayed %q after adding aliases", v1)
	}
	want := []string{"district  barisal town → BD1006", "upazila BD1004 amtali bazar → BD100409"}
	if got := aliasKeys(t, s); !slices.Equal(got, want) {
		t.Errorf("FindAliases = %q, want %q (by level, parent, name)", got, want)
	}
	as, _ := s.FindAliases(ctx)
	if as[0].ID == 0 || as[0].CreatedBy != "tok_b" || !as[0].CreatedAt.Equal(gridAliases()[1].CreatedAt) {
		t.Errorf("stored alias %+v: want an id, its author and its time", as[0])
	}
	if err := s.DeleteAlias(ctx, as[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := aliasKeys(t, s); !slices.Equal(got, want[1:]) {
		t.Errorf("after DeleteAlias: %q, want %q", got, want[1:])
	}
	if v2 := aliasesVersion(t, s); v2 == v1 {
		t.Errorf("AliasesVersion stayed %q after removing an alias", v2)
	}
	wantCode(t, "DeleteAlias of a removed alias", s.DeleteAlias(ctx, as[0].ID), guccho.ENOTFOUND)
	// Removing and adding again gives a new version, though the count is
	// the same.
	v3 := aliasesVersion(t, s)
	if _, err := s.ImportAliases(ctx, gridAliases()[1:]); err != nil {
		t.Fatal(err)
	}
	if v4 := aliasesVersion(t, s); v4 == v3 || v4 == v1 {
		t.Errorf("AliasesVersion after re-adding = %q; want other than %q and %q", v4, v3, v1)
	}
}

func testAliasesIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.ImportAliases(ctx, gridAliases()); err != nil {
		t.Fatal(err)
	}
	before, v := aliasKeys(t, s), aliasesVersion(t, s)
	n, err := s.ImportAliases(ctx, gridAliases())
	if err != nil || n != 0 {
		t.Fatalf("importing the same aliases again = %d, %v; want 0 new, no error", n, err)
	}
	if got := aliasKeys(t, s); !slices.Equal(got, before) {
		t.Errorf("aliases after a second import = %q, want %q", got, before)
	}
	if got := aliasesVersion(t, s); got != v {
		t.Errorf("AliasesVersion changed from %q to %q with nothing new", v, got)
	}
}

func testAliasConflict(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.ImportAliases(ctx, gridAliases()[:1]); err != nil {
		t.Fatal(err)
	}
	in := []guccho.Alias{
		{Level: "union", Within: "BD100409", Name: "amtali hat", PCode: "BD10040911"},
		{Level: "upazila", Within: "BD1004", Name: "amtali bazar", PCode: "BD100651"}, // stored with BD100409
	}
	_, err := s.ImportAliases(ctx, in)
	wantCode(t, "ImportAliases with a conflicting alias", err, guccho.ECONFLICT)
	if msg := guccho.ErrorMessage(err); !strings.Contains(msg, "row 2") || !strings.Contains(msg, "BD100409") {
		t.Errorf("message %q: want the row (row 2) and the stored unit (BD100409)", msg)
	}
	if got := aliasKeys(t, s); len(got) != 1 {
		t.Errorf("after a failed import the aliases are %q; want the one stored before (all or nothing)", got)
	}
	// Two rows of one file that disagree conflict too.
	_, err = s.ImportAliases(ctx, []guccho.Alias{in[0], {Level: "union", Within: "BD100409", Name: "amtali hat", PCode: "BD10040913"}})
	wantCode(t, "ImportAliases with two rows that disagree", err, guccho.ECONFLICT)
	if msg := guccho.ErrorMessage(err); !strings.Contains(msg, "row 2") {
		t.Errorf("message %q: want row 2", msg)
	}
}

func testAliasesCSV(t *testing.T, from, to store.Store) {
	ctx := context.Background()
	if _, err := from.ImportAliases(ctx, gridAliases()); err != nil {
		t.Fatal(err)
	}
	as, err := from.FindAliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := geo.WriteAliasesCSV(&buf, as); err != nil {
		t.Fatal(err)
	}
	units, err := to.FindUnits(ctx, geo.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	read, err := geo.NewAtlas(units).ReadAliasesCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("reading the exported CSV:\n%s\n%v", buf.String(), err)
	}
	if n, err := to.ImportAliases(ctx, read); err != nil || n != 2 {
		t.Fatalf("ImportAliases = %d, %v; want 2", n, err)
	}
	if got, want := aliasKeys(t, to), aliasKeys(t, from); !slices.Equal(got, want) {
		t.Errorf("aliases after the round trip = %q, want %q", got, want)
	}
	back, _ := to.FindAliases(ctx)
	for i := range back {
		if back[i].CreatedBy != as[i].CreatedBy || !back[i].CreatedAt.Equal(as[i].CreatedAt) {
			t.Errorf("alias %d after the round trip: by %q at %v, want %q at %v", i, back[i].CreatedBy, back[i].CreatedAt, as[i].CreatedBy, as[i].CreatedAt)
		}
	}
}

// reviewRows are three enterprises of an import: the first and last need
// review, the middle one does not.
func reviewRows() ([]*guccho.Enterprise, []*guccho.ReviewItem) {
	es := rows(ent("r1", "dairy", 90.5, 22.5), ent("r2", "dairy", 90.5, 23.5), ent("r3", "dairy", 91.5, 22.5))
	items := []*guccho.ReviewItem{
		{Row: 1, EnterpriseID: "r1", Name: "Amtali dairy", Stated: guccho.AdminNames{District: "Barguna", Upazila: "Amtali Bazar"},
			Admin: guccho.AdminCodes{Division: "BD10", District: "BD1004"}, Geocode: guccho.Geocode{Method: "district", Score: 0.9, Flags: []string{guccho.FlagNameUnknown}},
			Reasons: []string{guccho.ReviewNotUpazila}, Suggestions: []guccho.Suggestion{{PCode: "BD100409", Level: "upazila", Name: "Amtali", NameBN: "আমতলী", Score: 0.72}}},
		{Row: 3, EnterpriseID: "r3", Name: "Nowhere dairy", Stated: guccho.AdminNames{Upazila: "Nawabganj"},
			Geocode: guccho.Geocode{Method: "none", Flags: []string{guccho.FlagNameAmbiguous}}, Reasons: []string{guccho.ReviewNotUpazila}},
	}
	return es, items
}

// importWithReview runs an import of reviewRows, keeping its review items,
// and commits it (or rolls it back).
func importWithReview(t *testing.T, s store.Store, id string, commit bool) {
	t.Helper()
	ctx := context.Background()
	es, items := reviewRows()
	imp := newImport(id)
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	if _, err := w.Put(ctx, es); err != nil {
		t.Fatal(err)
	}
	if err := w.Review(ctx, items); err != nil {
		t.Fatal(err)
	}
	if !commit {
		return
	}
	imp.Status, imp.Review = guccho.ImportSucceeded, len(items)
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
}

func reviewRowsOf(p guccho.ReviewPage) []int {
	out := []int{}
	for _, it := range p.Items {
		out = append(out, it.Row)
	}
	return out
}

func testReviewQueue(t *testing.T, s store.Store) {
	ctx := context.Background()
	importWithReview(t, s, "imp-rolledback", false)
	_, err := s.FindReviewItem(ctx, "imp-rolledback", 1)
	wantCode(t, "FindReviewItem of a rolled-back import", err, guccho.ENOTFOUND)

	importWithReview(t, s, "imp-review", true)
	p, err := s.FindReviewItems(ctx, "imp-review", guccho.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := reviewRowsOf(p); !slices.Equal(got, []int{1, 3}) || p.Open != 2 || p.Decided != 0 {
		t.Errorf("queue = rows %v, %d open, %d decided; want rows [1 3], 2 open", got, p.Open, p.Decided)
	}
	it := p.Items[0]
	if it.ImportID != "imp-review" || it.Status != guccho.ReviewOpen || it.Stated.Upazila != "Amtali Bazar" ||
		len(it.Suggestions) != 1 || it.Suggestions[0].NameBN != "আমতলী" || it.Geocode.Method != "district" {
		t.Errorf("stored item = %+v", it)
	}
	p, _ = s.FindReviewItems(ctx, "imp-review", guccho.ReviewFilter{After: 1, Limit: 1})
	if got := reviewRowsOf(p); !slices.Equal(got, []int{3}) {
		t.Errorf("page after row 1 = %v, want [3]", got)
	}
	p, _ = s.FindReviewItems(ctx, "imp-review", guccho.ReviewFilter{Status: guccho.ReviewDecided})
	if got := reviewRowsOf(p); len(got) != 0 || p.Open != 2 {
		t.Errorf("decided = %v (open %d), want none (open 2)", got, p.Open)
	}
	_, err = s.FindReviewItems(ctx, "imp-none", guccho.ReviewFilter{})
	wantCode(t, "FindReviewItems of an unknown import", err, guccho.ENOTFOUND)
}

func testReviewDecisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	importWithReview(t, s, "imp-review", true)
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	alias := gridAliases()[0]
	alias.CreatedBy = "tok_ed"
	d := guccho.ReviewDecision{Action: guccho.ReviewAccept, PCode: "BD100409", By: "tok_ed", At: at}
	it, err := s.DecideReview(ctx, "imp-review", 1, d, &alias)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != guccho.ReviewDecided || it.Decision == nil || it.Decision.AliasID == 0 || it.Decision.By != "tok_ed" {
		t.Errorf("decided item = %+v, decision %+v", it, it.Decision)
	}
	got, err := s.FindReviewItem(ctx, "imp-review", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Decision == nil || got.Decision.Action != guccho.ReviewAccept || got.Decision.PCode != "BD100409" ||
		!got.Decision.At.Equal(at) || got.Decision.AliasID != it.Decision.AliasID {
		t.Errorf("kept decision = %+v, want %+v with alias %d", got.Decision, d, it.Decision.AliasID)
	}
	if keys := aliasKeys(t, s); !slices.Equal(keys, []string{"upazila BD1004 amtali bazar → BD100409"}) {
		t.Errorf("aliases after the decision = %q", keys)
	}
	_, err = s.DecideReview(ctx, "imp-review", 1, d, nil)
	wantCode(t, "deciding a decided row", err, guccho.ECONFLICT)
	_, err = s.DecideReview(ctx, "imp-review", 2, d, nil)
	wantCode(t, "deciding a row not in review", err, guccho.ENOTFOUND)

	// A decision whose alias contradicts a stored one changes nothing.
	clash := guccho.Alias{Level: "upazila", Within: "BD1004", Name: "amtali bazar", PCode: "BD100651"}
	_, err = s.DecideReview(ctx, "imp-review", 3, guccho.ReviewDecision{Action: guccho.ReviewPick, PCode: "BD100651", By: "tok_ed", At: at}, &clash)
	wantCode(t, "a decision with a conflicting alias", err, guccho.ECONFLICT)
	if it, _ := s.FindReviewItem(ctx, "imp-review", 3); it == nil || it.Status != guccho.ReviewOpen {
		t.Errorf("row 3 after a failed decision: %+v, want open", it)
	}
	// An alias equal to a stored one is reused.
	same := gridAliases()[0]
	it, err = s.DecideReview(ctx, "imp-review", 3, guccho.ReviewDecision{Action: guccho.ReviewUnplaceable, By: "tok_ed", At: at}, &same)
	if err != nil {
		t.Fatal(err)
	}
	if it.Decision.AliasID != got.Decision.AliasID {
		t.Errorf("reused alias id = %d, want %d", it.Decision.AliasID, got.Decision.AliasID)
	}
	p, _ := s.FindReviewItems(ctx, "imp-review", guccho.ReviewFilter{Status: guccho.ReviewDecided})
	if rows := reviewRowsOf(p); !slices.Equal(rows, []int{1, 3}) || p.Open != 0 || p.Decided != 2 {
		t.Errorf("decided = %v, open %d, decided %d; want [1 3], 0, 2", rows, p.Open, p.Decided)
	}
}
