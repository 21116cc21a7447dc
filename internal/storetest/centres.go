package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
)

// CentreStore is a whole store that also keeps common service centres.
type CentreStore interface {
	store.Store
	guccho.CentreStore
}

// RunCentres runs the conformance cases of common service centres on the
// grid fixture (bdtest.Grid): open must return a store that implements
// guccho.CentreStore.
func RunCentres(t *testing.T, open Opener) {
	withGrid := func(t *testing.T) CentreStore {
		t.Helper()
		s, ok := open(t).(CentreStore)
		if !ok {
			t.Fatal("the store does not implement guccho.CentreStore")
		}
		if err := s.ReplaceBoundaries(context.Background(), gridUnits(t)); err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Run("CreateFindUpdateDelete", func(t *testing.T) { testCentreCRUD(t, withGrid(t)) })
	t.Run("Filters", func(t *testing.T) { testCentreFilters(t, withGrid(t)) })
	t.Run("RejectsBadCentres", func(t *testing.T) { testCentreRejects(t, withGrid(t)) })
	t.Run("ImportIsAllOrNothing", func(t *testing.T) { testCentreImport(t, withGrid(t)) })
	t.Run("WritesAppendEvents", func(t *testing.T) { testCentreEvents(t, withGrid(t)) })
}

// centre makes a centre at lon, lat of the grid.
func centre(id, sector string, lon, lat float64) *guccho.Centre {
	return &guccho.Centre{ID: id, NameEN: "Centre " + id, NameBN: "কেন্দ্র " + id, Sector: sector,
		Services: []string{"shared machines", "training"}, Operator: "BSCIC", Point: orb.Point{lon, lat},
		Attributes: map[string]string{"phone": "01700000000"}}
}

func centreIDs(cs []*guccho.Centre) []string {
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func testCentreCRUD(t *testing.T, s CentreStore) {
	ctx := context.Background()
	c := centre("A", "footwear_leather", 90.5, 22.5)
	c.Admin = guccho.AdminCodes{Union: "BD99999999"} // ignored: the store resolves the point
	if err := s.CreateCentre(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindCentreByID(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	want := guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040911"}
	if got.Admin != want {
		t.Errorf("admin of a centre at (90.5, 22.5) = %+v, want %+v", got.Admin, want)
	}
	if got.NameBN != "কেন্দ্র A" || got.Sector != "footwear_leather" || !slices.Equal(got.Services, c.Services) ||
		got.Operator != "BSCIC" || got.Point != c.Point || got.Attributes["phone"] != "01700000000" || got.CreatedAt.IsZero() {
		t.Errorf("stored centre = %+v, want the fields of %+v", got, c)
	}
	if err := s.CreateCentre(ctx, centre("A", "", 91.5, 23.5)); guccho.ErrorCode(err) != guccho.ECONFLICT {
		t.Errorf("creating a second centre A: %v, want conflict", err)
	}

	moved := centre("A", "dairy", 92.5, 24.5)
	moved.Services = []string{"chilling"}
	if err := s.UpdateCentre(ctx, moved); err != nil {
		t.Fatal(err)
	}
	got, err = s.FindCentreByID(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	if got.Admin.Union != "BD10091815" || got.Sector != "dairy" || !slices.Equal(got.Services, []string{"chilling"}) {
		t.Errorf("after moving A to (92.5, 24.5): %+v, want union BD10091815, sector dairy, services [chilling]", got)
	}
	if !got.CreatedAt.Equal(c.CreatedAt) || got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("after an update created %v updated %v; want created %v kept", got.CreatedAt, got.UpdatedAt, c.CreatedAt)
	}
	if err := s.UpdateCentre(ctx, centre("B", "", 90.5, 22.5)); guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("updating a missing centre: %v, want not_found", err)
	}
	if err := s.DeleteCentre(ctx, "A"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindCentreByID(ctx, "A"); guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("finding a deleted centre: %v, want not_found", err)
	}
	if err := s.DeleteCentre(ctx, "A"); guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("deleting a deleted centre: %v, want not_found", err)
	}
}

func testCentreFilters(t *testing.T, s CentreStore) {
	ctx := context.Background()
	for _, c := range []*guccho.Centre{
		centre("dairy-south", "dairy", 90.5, 22.5),
		centre("any-middle", "", 91.5, 23.5),
		centre("shoes-north", "footwear_leather", 92.5, 24.5),
		centre("dairy-north", "dairy", 90.5, 24.5),
	} {
		if err := s.CreateCentre(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    guccho.CentreFilter
		want []string
	}{
		{"none: all by id", guccho.CentreFilter{}, []string{"any-middle", "dairy-north", "dairy-south", "shoes-north"}},
		{"sector keeps those serving every sector", guccho.CentreFilter{Sector: "dairy"}, []string{"any-middle", "dairy-north", "dairy-south"}},
		{"district", guccho.CentreFilter{Admin: "BD1004"}, []string{"dairy-north", "dairy-south"}},
		{"union", guccho.CentreFilter{Admin: "BD10065113"}, []string{"any-middle"}},
		{"bbox, edges included", guccho.CentreFilter{Bound: &orb.Bound{Min: orb.Point{90, 24.5}, Max: orb.Point{93, 25}}}, []string{"dairy-north", "shoes-north"}},
		{"all together", guccho.CentreFilter{Sector: "footwear_leather", Admin: "BD10", Bound: &orb.Bound{Min: orb.Point{91, 23}, Max: orb.Point{93, 25}}}, []string{"any-middle", "shoes-north"}},
		{"nothing matches", guccho.CentreFilter{Admin: "BD1009", Sector: "dairy"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FindCentres(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(centreIDs(got), tt.want) {
				t.Errorf("FindCentres(%+v) = %v, want %v", tt.f, centreIDs(got), tt.want)
			}
		})
	}
	if _, err := s.FindCentres(ctx, guccho.CentreFilter{Admin: "Barisal"}); guccho.ErrorCode(err) != guccho.EINVALID {
		t.Errorf("FindCentres(admin Barisal): %v, want invalid", err)
	}
}

func testCentreRejects(t *testing.T, s CentreStore) {
	ctx := context.Background()
	tests := []struct {
		name  string
		c     *guccho.Centre
		field string
	}{
		{"no id", centre("", "", 90.5, 22.5), `"id"`},
		{"no name", func() *guccho.Centre { c := centre("X", "", 90.5, 22.5); c.NameEN = " "; return c }(), `"name_en"`},
		{"latitude out of range", centre("X", "", 90.5, 95), `"lat"`},
		{"outside every unit", centre("X", "", 88.36, 22.57), "outside Bangladesh"}, // Kolkata
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateCentre(ctx, tt.c)
			if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), tt.field) {
				t.Errorf("CreateCentre: %v, want invalid naming %s", err, tt.field)
			}
		})
	}
	if got, _ := s.FindCentres(ctx, guccho.CentreFilter{}); len(got) != 0 {
		t.Errorf("after refused creates the store holds %v, want nothing", centreIDs(got))
	}
}

func testCentreImport(t *testing.T, s CentreStore) {
	ctx := context.Background()
	if err := s.CreateCentre(ctx, centre("old", "dairy", 90.5, 22.5)); err != nil {
		t.Fatal(err)
	}
	before, _ := s.FindCentreByID(ctx, "old")
	batch := func(cs ...*guccho.Centre) []*guccho.Centre {
		for i, c := range cs {
			c.Row = i + 1
		}
		return cs
	}
	// Row 3 lies in India: nothing of the batch may be stored.
	bad := batch(centre("old", "dairy", 91.5, 23.5), centre("new", "", 92.5, 24.5), centre("far", "", 88.36, 22.57))
	_, err := s.ImportCentres(ctx, bad)
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), "row 3") {
		t.Errorf("importing a batch whose row 3 is outside: %v, want invalid naming row 3", err)
	}
	_, err = s.ImportCentres(ctx, batch(centre("twin", "", 90.5, 22.5), centre("twin", "", 91.5, 22.5)))
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), "row 1") {
		t.Errorf("importing a batch with a repeated id: %v, want invalid naming row 1", err)
	}
	got, _ := s.FindCentres(ctx, guccho.CentreFilter{})
	if !slices.Equal(centreIDs(got), []string{"old"}) || got[0].Point != before.Point {
		t.Fatalf("after failed imports the store holds %v, want only the old centre unchanged", centreIDs(got))
	}

	counts, err := s.ImportCentres(ctx, batch(centre("old", "dairy", 91.5, 23.5), centre("new", "", 92.5, 24.5)))
	if err != nil {
		t.Fatal(err)
	}
	if counts != (guccho.CentreImportCounts{Created: 1, Updated: 1}) {
		t.Errorf("import counts = %+v, want 1 created, 1 updated", counts)
	}
	old, err := s.FindCentreByID(ctx, "old")
	if err != nil || old.Admin.Union != "BD10065113" || !old.CreatedAt.Equal(before.CreatedAt) {
		t.Errorf("the re-imported centre = %+v, %v; want it moved to BD10065113 with its creation time", old, err)
	}
}

func testCentreEvents(t *testing.T, s CentreStore) {
	ctx := context.Background()
	waitSignal(t, s)
	start, err := s.LatestEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCentre(ctx, centre("A", "", 90.5, 22.5)); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, s)
	if err := s.UpdateCentre(ctx, centre("A", "dairy", 90.5, 22.5)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCentres(ctx, []*guccho.Centre{centre("B", "", 91.5, 22.5), centre("C", "", 92.5, 22.5)}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCentre(ctx, "A"); err != nil {
		t.Fatal(err)
	}
	s.CreateCentre(ctx, centre("far", "", 88.36, 22.57)) // refused: no event
	evs, err := s.EventsAfter(ctx, start, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []guccho.CentreChange{
		{Action: "created", Count: 1, IDs: []string{"A"}},
		{Action: "updated", Count: 1, IDs: []string{"A"}},
		{Action: "imported", Count: 2, IDs: []string{"B", "C"}},
		{Action: "deleted", Count: 1, IDs: []string{"A"}},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events after four writes to centres, want %d: %+v", len(evs), len(want), evs)
	}
	for i, e := range evs {
		var got guccho.CentreChange
		if err := json.Unmarshal(e.Payload, &got); err != nil {
			t.Fatal(err)
		}
		if e.Type != guccho.EventCentresChanged || got.Action != want[i].Action || got.Count != want[i].Count || !slices.Equal(got.IDs, want[i].IDs) {
			t.Errorf("event %d = %s %+v, want %s %+v", i, e.Type, got, guccho.EventCentresChanged, want[i])
		}
	}
}
