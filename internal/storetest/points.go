package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
)

// testEnterprisePoints checks the narrow read of the cluster points
// (guccho.EnterprisePointReader): it gives exactly guccho.EnterprisePoint
// of what FindEnterprises gives of the enterprises with a GPS point, in the
// same order, whether a row came from an import or a single write, was
// updated since, has every counted field set or none.
func testEnterprisePoints(t *testing.T, s store.Store) {
	r, ok := s.(guccho.EnterprisePointReader)
	if !ok {
		t.Skip("the store reads no enterprise points")
	}
	ctx := context.Background()
	two, three, yes, no := 2, 3, true, false
	full := ent("full", "footwear_leather", 90.55, 22.45)
	full.Employment = guccho.Employment{Self: 2, Wage: 7, Female: &two, Male: &three}
	full.OwnerGender, full.Barriers = "female", []string{"credit", "power", "credit"}
	full.RECP = guccho.RECP{Aware: &yes, Adopted: &no, Practices: []string{"waste sorting"}}
	bare := ent("bare", "dairy", 90.45, 22.55) // no counted field set but self and wage
	bare.Employment, bare.Attributes = guccho.Employment{}, nil
	unplaced := ent("no-gps", "dairy", 90.5, 22.5) // a display point only
	unplaced.GPS, unplaced.DisplayPoint, unplaced.Geocode = nil, true, guccho.Geocode{Method: guccho.GeocodeUnion, Score: 0.9}
	reviewed := ent("reviewed", "dairy", 90.52, 22.52) // moved into a unit by a review: keeps its GPS point
	reviewed.Geocode.Method, reviewed.DisplayPoint = guccho.GeocodeUpazila, true
	runImport(t, s, "imp-points", rows(full, bare, unplaced, reviewed))
	for _, e := range []*guccho.Enterprise{ent("single", "horticulture", 90.58, 22.58), ent("edited", "dairy", 90.42, 22.42)} {
		if err := s.CreateEnterprise(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	edited, err := s.FindEnterpriseByID(ctx, "edited")
	if err != nil {
		t.Fatal(err)
	}
	edited.Sector, edited.OwnerGender, edited.Barriers = "footwear_leather", "other", []string{"market_access"}
	if err := s.UpdateEnterprise(ctx, edited); err != nil {
		t.Fatal(err)
	}
	var want []*guccho.Enterprise
	if err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		if e.GPS != nil {
			want = append(want, guccho.EnterprisePoint(e))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []*guccho.Enterprise
	if err := r.FindEnterprisePoints(ctx, func(e *guccho.Enterprise) error {
		got = append(got, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) != 5 {
		t.Fatalf("FindEnterprises gave %d enterprises with a GPS point, want 5", len(want))
	}
	if len(got) != len(want) {
		t.Fatalf("FindEnterprisePoints gave %d enterprises, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("point %d:\n got %+v\nwant %+v", i, *got[i], *want[i])
		}
	}
}
