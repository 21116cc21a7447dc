package storetest

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// testSharedBoundaries imports the real Bangladesh boundaries and checks a
// few facts a user would check by hand.
func testSharedBoundaries(t *testing.T, open Opener) {
	units := bdtest.Units(t)
	s := open(t)
	ctx := context.Background()
	if err := s.ReplaceBoundaries(ctx, units); err != nil {
		t.Fatal(err)
	}
	c := counts(t, s)
	for l, n := range map[geo.Level]int{geo.Division: 8, geo.District: 64, geo.Upazila: 544, geo.Union: 5160} {
		if c[l] != n {
			t.Errorf("level %s counts %d, want %d", l, c[l], n)
		}
	}
	p, err := s.Reverse(ctx, orb.Point{90.4125, 23.8103}) // Dhaka, near Tejgaon
	if err != nil {
		t.Fatal(err)
	}
	if p.Division.PCode != "BD30" || p.District.PCode != "BD3026" || p.Union == nil {
		t.Errorf("a point in Dhaka = %v, want division BD30, district BD3026 and a union", p.Units())
	}
	for _, pt := range []orb.Point{{87.0, 23.0}, {91.0, 20.0}, {88.5, 26.9}} {
		if _, err := s.Reverse(ctx, pt); err == nil {
			t.Errorf("Reverse(%v) outside Bangladesh found a unit", pt)
		}
	}
	ms, err := s.Search(ctx, "Chattogram", geo.SearchOptions{})
	if err != nil || len(ms) == 0 || ms[0].Unit.PCode != "BD20" {
		t.Errorf("Search(Chattogram) = %v, %v; want BD20 first", matchCodes(ms), err)
	}
	ms, err = s.Search(ctx, "ঢাকা", geo.SearchOptions{})
	if err != nil || len(ms) < 2 || ms[0].Unit.PCode != "BD30" || ms[1].Unit.PCode != "BD3026" {
		t.Errorf("Search(ঢাকা) = %v, %v; want BD30 then BD3026", matchCodes(ms), err)
	}
	ms, err = s.Search(ctx, "Nawabganj", geo.SearchOptions{Limit: 20})
	districts := map[string]bool{}
	for _, m := range ms {
		if m.Unit.Level == geo.Upazila && m.Unit.NameEN == "Nawabganj" {
			districts[m.Unit.Parent] = true
		}
	}
	if err != nil || len(districts) < 2 {
		t.Errorf("Search(Nawabganj) found upazilas in %d districts (%v), want every Nawabganj", len(districts), matchCodes(ms))
	}
}
