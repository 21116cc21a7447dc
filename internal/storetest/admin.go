package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

func gridUnits(t *testing.T) []*geo.Unit {
	t.Helper()
	return bdtest.GridUnits(t)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := guccho.ErrorCode(err); got != code {
		t.Errorf("%s: error code = %q (%v), want %q", what, got, err, code)
	}
}

func counts(t *testing.T, s store.Store) map[geo.Level]int {
	t.Helper()
	c, err := s.CountUnits(context.Background())
	if err != nil {
		t.Fatalf("CountUnits: %v", err)
	}
	return c
}

func testEmptyStore(t *testing.T, s store.Store) {
	ctx := context.Background()
	if c := counts(t, s); c[geo.Union] != 0 || c[geo.Division] != 0 {
		t.Errorf("a new store counts %v, want nothing", c)
	}
	_, err := s.FindUnitByPCode(ctx, "BD10")
	wantCode(t, "FindUnitByPCode on an empty store", err, guccho.ENOTFOUND)
	_, err = s.Reverse(ctx, orb.Point{90.4, 23.7})
	wantCode(t, "Reverse on an empty store", err, guccho.ENOTFOUND)
	got, err := s.Tile(ctx, tiles.Request{Layer: "districts", Tile: tileAt(5, 90.4, 23.7)})
	if err != nil || got != nil {
		t.Errorf("a tile of an empty store = %d bytes, %v; want nil, nil", len(got), err)
	}
}

func testImportBoundaries(t *testing.T, s store.Store) {
	ctx := context.Background()
	want := map[geo.Level]int{geo.Division: 1, geo.District: 3, geo.Upazila: 3, geo.Union: 9}
	for i := 1; i <= 2; i++ {
		if err := s.ReplaceBoundaries(ctx, gridUnits(t)); err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		got := counts(t, s)
		for l, n := range want {
			if got[l] != n {
				t.Errorf("after import %d: level %s counts %d, want %d (a second import must replace, not add)", i, l, got[l], n)
			}
		}
	}
	v1 := s.BoundariesVersion()
	if v1 == "" {
		t.Errorf("BoundariesVersion is empty after an import")
	}
	if err := s.ReplaceBoundaries(ctx, gridUnits(t)); err != nil {
		t.Fatal(err)
	}
	if s.BoundariesVersion() == v1 {
		t.Errorf("BoundariesVersion did not change on re-import")
	}
}

func testRejectsBrokenBoundaries(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.ReplaceBoundaries(ctx, gridUnits(t)); err != nil {
		t.Fatal(err)
	}
	before := counts(t, s)
	version := s.BoundariesVersion()
	breakers := []struct {
		name  string
		brk   func([]*geo.Unit) []*geo.Unit
		field string
	}{
		{"a union whose parent is missing", func(us []*geo.Unit) []*geo.Unit {
			return append(us, &geo.Unit{PCode: "BD10999911", Level: geo.Union, Parent: "BD109999", NameEN: "Orphan",
				Geometry: orb.MultiPolygon{{{{90, 22}, {90.1, 22}, {90.1, 22.1}, {90, 22}}}}})
		}, `field "parent"`},
		{"a duplicate P-code", func(us []*geo.Unit) []*geo.Unit {
			dup := *us[len(us)-1]
			return append(us, &dup)
		}, "duplicate P-code"},
		{"an unclosed ring", func(us []*geo.Unit) []*geo.Unit {
			u := *us[len(us)-1]
			u.Geometry = orb.MultiPolygon{{{{90, 22}, {90.1, 22}, {90.1, 22.1}, {90, 22.2}}}}
			us[len(us)-1] = &u
			return us
		}, "not closed"},
		{"swapped coordinates", func(us []*geo.Unit) []*geo.Unit {
			u := *us[len(us)-1]
			u.Geometry = orb.MultiPolygon{{{{22, 90}, {22.1, 90}, {22.1, 90.1}, {22, 90}}}}
			us[len(us)-1] = &u
			return us
		}, "outside Bangladesh"},
	}
	for _, b := range breakers {
		t.Run(b.name, func(t *testing.T) {
			err := s.ReplaceBoundaries(ctx, b.brk(gridUnits(t)))
			wantCode(t, "ReplaceBoundaries", err, guccho.EINVALID)
			if err != nil && !strings.Contains(err.Error(), b.field) {
				t.Errorf("error %q does not name %q", err, b.field)
			}
			after := counts(t, s)
			for l, n := range before {
				if after[l] != n {
					t.Errorf("after a rejected import, level %s counts %d, want %d as before", l, after[l], n)
				}
			}
			if s.BoundariesVersion() != version {
				t.Errorf("a rejected import changed the version")
			}
		})
	}
}

func testLookups(t *testing.T, s store.Store) {
	ctx := context.Background()
	u, err := s.FindUnitByPCode(ctx, "BD1006")
	if err != nil {
		t.Fatal(err)
	}
	if u.Level != geo.District || u.Parent != "BD10" || u.NameEN != "Barisal" || u.NameENCurrent != "Barishal" || u.NameBN != "বরিশাল" {
		t.Errorf("BD1006 = %+v", u)
	}
	if want := (orb.Bound{Min: orb.Point{91, 22}, Max: orb.Point{92, 25}}); u.Bound != want {
		t.Errorf("BD1006 bound = %v, want %v", u.Bound, want)
	}
	if !u.Bound.Contains(u.Label) {
		t.Errorf("BD1006 label %v lies outside its bound", u.Label)
	}
	if len(u.Geometry) != 1 || len(u.Geometry[0][0]) != 5 {
		t.Errorf("BD1006 geometry = %v, want one square", u.Geometry)
	}
	names := map[string]bool{}
	for _, n := range u.AltNames {
		names[n.Text+"/"+n.Lang] = true
	}
	if !names["Barishal/en"] || !names["বরিশাল/bn"] {
		t.Errorf("BD1006 alt names = %v, want Barishal (en) and বরিশাল (bn)", u.AltNames)
	}
	div, err := s.FindUnitByPCode(ctx, "BD10")
	if err != nil || div.Parent != "BD" {
		t.Errorf("division BD10 = %+v, %v; want parent BD", div, err)
	}

	_, err = s.FindUnitByPCode(ctx, "BD99")
	wantCode(t, "FindUnitByPCode(BD99)", err, guccho.ENOTFOUND)
	_, err = s.FindUnitByPCode(ctx, "Dhaka")
	wantCode(t, "FindUnitByPCode(Dhaka)", err, guccho.EINVALID)

	codes := func(us []*geo.Unit) string {
		var cs []string
		for _, u := range us {
			cs = append(cs, u.PCode)
		}
		return strings.Join(cs, " ")
	}
	dist := geo.District
	tests := []struct {
		name string
		f    geo.UnitFilter
		want string
	}{
		{"level", geo.UnitFilter{Level: &dist}, "BD1004 BD1006 BD1009"},
		{"parent", geo.UnitFilter{Parent: "BD100651"}, "BD10065111 BD10065113 BD10065115"},
		{"P-codes, unknown ones skipped", geo.UnitFilter{PCodes: []string{"BD100918", "BD10", "BD77"}}, "BD10 BD100918"},
		{"no children", geo.UnitFilter{Parent: "BD10065111"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, err := s.FindUnits(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(us); got != tt.want {
				t.Errorf("FindUnits = %q, want %q", got, tt.want)
			}
		})
	}
}

func testReverse(t *testing.T, s store.Store) {
	ctx := context.Background()
	tests := []struct {
		name string
		pt   orb.Point
		want string // P-codes from division to union
	}{
		{"south-west square", orb.Point{90.5, 22.5}, "BD10 BD1004 BD100409 BD10040911"},
		{"centre square", orb.Point{91.5, 23.5}, "BD10 BD1006 BD100651 BD10065113"},
		{"north-east square", orb.Point{92.5, 24.5}, "BD10 BD1009 BD100918 BD10091815"},
		{"on a north–south border: the unit to the east", orb.Point{91, 22.5}, "BD10 BD1006 BD100651 BD10065111"},
		{"on an east–west border: the unit to the north", orb.Point{90.5, 23}, "BD10 BD1004 BD100409 BD10040913"},
		{"on a corner of four: the unit to the north-east", orb.Point{91, 23}, "BD10 BD1006 BD100651 BD10065113"},
		{"on the outer edge", orb.Point{90, 22.5}, "BD10 BD1004 BD100409 BD10040911"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.Reverse(ctx, tt.pt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range p.Units() {
				got = append(got, u.PCode)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("Reverse(%v) = %v, want %s", tt.pt, got, tt.want)
			}
		})
	}
	for _, pt := range []orb.Point{{89.5, 23}, {90.5, 25.5}, {0, 0}} {
		_, err := s.Reverse(ctx, pt)
		wantCode(t, "Reverse outside the grid", err, guccho.ENOTFOUND)
	}
	for _, pt := range []orb.Point{{190, 23}, {90, -91}} {
		_, err := s.Reverse(ctx, pt)
		wantCode(t, "Reverse of an impossible coordinate", err, guccho.EINVALID)
	}
}

func testSearch(t *testing.T, s store.Store) {
	ctx := context.Background()
	tests := []struct {
		name, q string
		opt     geo.SearchOptions
		want    []string // leading P-codes, in order
	}{
		{"current spelling finds division before district", "Barishal", geo.SearchOptions{}, []string{"BD10", "BD1006"}},
		{"old spelling", "Barisal", geo.SearchOptions{}, []string{"BD10", "BD1006"}},
		{"Bangla", "বরিশাল", geo.SearchOptions{}, []string{"BD10", "BD1006"}},
		{"case and spaces", "  BHOLA ", geo.SearchOptions{}, []string{"BD1009"}},
		{"repeated names list every unit", "Nawabganj", geo.SearchOptions{Limit: 2}, []string{"BD100651", "BD100918"}},
		{"within a parent", "Nawabganj", geo.SearchOptions{Within: "BD1009"}, []string{"BD100918"}},
		{"a misspelling", "Borguna", geo.SearchOptions{}, []string{"BD1004"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := s.Search(ctx, tt.q, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) < len(tt.want) {
				t.Fatalf("Search(%q) = %d matches %v, want at least %v", tt.q, len(ms), matchCodes(ms), tt.want)
			}
			for i, w := range tt.want {
				if ms[i].Unit.PCode != w {
					t.Errorf("Search(%q) = %v, want %v first", tt.q, matchCodes(ms), tt.want)
					break
				}
			}
		})
	}
	_, err := s.Search(ctx, "  ", geo.SearchOptions{})
	wantCode(t, "Search of an empty query", err, guccho.EINVALID)
}

func matchCodes(ms []geo.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Unit.PCode)
	}
	return out
}
