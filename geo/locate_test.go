package geo

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// squareGrid returns nine level-4 units, the unit squares of a 3×3 grid with
// its south-west corner at (0, 0). The square whose south-west corner is
// (col, row) has P-code BD100101 followed by row*3+col+1 as two digits, so
// the bottom row is BD10010101–03 and the top row BD10010107–09:
//
//	07 08 09
//	04 05 06
//	01 02 03
//
// The centre square BD10010105 has a square hole from (1.25, 1.25) to
// (1.75, 1.75); when withEnclave is set, a tenth unit BD10010110 fills it.
func squareGrid(tb testing.TB, withEnclave bool) []*Unit {
	tb.Helper()
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	var units []*Unit
	for row := 0; row < 3; row++ {
		for col := 0; col < 3; col++ {
			x, y := float64(col), float64(row)
			poly := orb.Polygon{square(x, y, x+1, y+1)}
			if row == 1 && col == 1 {
				hole := square(1.25, 1.25, 1.75, 1.75)
				hole.Reverse()
				poly = append(poly, hole)
			}
			units = append(units, fixtureUnit(fmt.Sprintf("BD100101%02d", row*3+col+1), orb.MultiPolygon{poly}))
		}
	}
	if withEnclave {
		units = append(units, fixtureUnit("BD10010110", orb.MultiPolygon{{square(1.25, 1.25, 1.75, 1.75)}}))
	}
	return units
}

func fixtureUnit(pcode string, mp orb.MultiPolygon) *Unit {
	return &Unit{
		PCode:    pcode,
		Level:    Union,
		Parent:   pcode[:8],
		NameEN:   pcode,
		Bound:    mp.Bound(),
		Geometry: mp,
	}
}

func TestLocateSquareGrid(t *testing.T) {
	loc := NewLocator(squareGrid(t, true))
	tests := []struct {
		name string
		pt   orb.Point
		want string // "" for no unit
	}{
		{"inside south-west square", orb.Point{0.5, 0.5}, "BD10010101"},
		{"inside south-east square", orb.Point{2.9, 0.1}, "BD10010103"},
		{"inside north-west square", orb.Point{0.01, 2.99}, "BD10010107"},
		{"inside north-east square", orb.Point{2.5, 2.5}, "BD10010109"},
		{"inside centre square outside its hole", orb.Point{1.1, 1.9}, "BD10010105"},
		{"inside the enclave", orb.Point{1.5, 1.5}, "BD10010110"},

		{"on a north-south border goes east", orb.Point{1, 0.5}, "BD10010102"},
		{"on another north-south border goes east", orb.Point{2, 2.5}, "BD10010109"},
		{"on an east-west border goes north", orb.Point{0.5, 1}, "BD10010104"},
		{"on another east-west border goes north", orb.Point{2.5, 2}, "BD10010109"},
		{"on an inner corner goes north-east", orb.Point{1, 1}, "BD10010105"},
		{"on another inner corner goes north-east", orb.Point{2, 2}, "BD10010109"},
		{"on the enclave's west side goes east into it", orb.Point{1.25, 1.5}, "BD10010110"},
		{"on the enclave's east side goes east out of it", orb.Point{1.75, 1.5}, "BD10010105"},
		{"on the enclave's south side goes north into it", orb.Point{1.5, 1.25}, "BD10010110"},
		{"on the enclave's north side goes north out of it", orb.Point{1.5, 1.75}, "BD10010105"},

		{"on the outer west edge", orb.Point{0, 1.5}, "BD10010104"},
		{"on the outer east edge", orb.Point{3, 1.5}, "BD10010106"},
		{"on the outer south edge", orb.Point{1.5, 0}, "BD10010102"},
		{"on the outer north edge", orb.Point{1.5, 3}, "BD10010108"},
		{"on the outer north edge at a border takes the smaller P-code", orb.Point{1, 3}, "BD10010107"},
		{"on the outer east edge at a border takes the smaller P-code", orb.Point{3, 1}, "BD10010103"},
		{"on the north-east outer corner", orb.Point{3, 3}, "BD10010109"},
		{"on the south-west outer corner", orb.Point{0, 0}, "BD10010101"},

		{"west of the grid", orb.Point{-0.5, 1.5}, ""},
		{"just east of the grid", orb.Point{math.Nextafter(3, 4), 1.5}, ""},
		{"north of the grid", orb.Point{1.5, 3.5}, ""},
		{"far away", orb.Point{90, 23}, ""},
		{"NaN", orb.Point{math.NaN(), 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, ok := loc.Locate(tt.pt)
			got := ""
			if ok {
				got = u.PCode
			}
			if got != tt.want {
				t.Errorf("Locate(%v) = %q, want %q", tt.pt, got, tt.want)
			}
			if ok != (tt.want != "") {
				t.Errorf("Locate(%v) ok = %v, want %v", tt.pt, ok, tt.want != "")
			}
		})
	}
}

func TestLocateUnfilledHole(t *testing.T) {
	loc := NewLocator(squareGrid(t, false))
	tests := []struct {
		name string
		pt   orb.Point
		want string
	}{
		{"inside the hole", orb.Point{1.5, 1.5}, ""},
		{"on the hole's west rim", orb.Point{1.25, 1.5}, "BD10010105"},
		{"on the hole's east rim", orb.Point{1.75, 1.5}, "BD10010105"},
		{"on the hole's corner", orb.Point{1.25, 1.25}, "BD10010105"},
		{"around the hole", orb.Point{1.2, 1.5}, "BD10010105"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if u, ok := loc.Locate(tt.pt); ok {
				got = u.PCode
			}
			if got != tt.want {
				t.Errorf("Locate(%v) = %q, want %q", tt.pt, got, tt.want)
			}
		})
	}
}

// TestLocateSquareGridAgreesWithOrb checks a dense lattice of points that
// avoids every border against orb's polygon test.
func TestLocateSquareGridAgreesWithOrb(t *testing.T) {
	units := squareGrid(t, true)
	loc := NewLocator(units)
	for i := 0; i < 200; i++ {
		for j := 0; j < 200; j++ {
			pt := orb.Point{-0.4 + 3.8*(float64(i)+0.5)/200, -0.4 + 3.8*(float64(j)+0.37)/200}
			want, _ := naiveLocate(units, pt)
			got, _ := loc.Locate(pt)
			if got != want {
				t.Fatalf("Locate(%v) = %v, want %v", pt, pcodeOf(got), pcodeOf(want))
			}
		}
	}
}

func TestLocateEmpty(t *testing.T) {
	tests := []struct {
		name  string
		units []*Unit
	}{
		{"no units", nil},
		{"units without geometry", []*Unit{{PCode: "BD10"}, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if u, ok := NewLocator(tt.units).Locate(orb.Point{90, 23}); ok {
				t.Errorf("Locate = %v, want no unit", u.PCode)
			}
		})
	}
}

func TestLocateConcurrent(t *testing.T) {
	loc := NewLocator(squareGrid(t, true))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 1000; i++ {
				pt := orb.Point{float64(i%30)/10 + 0.05, float64(g%3) + 0.5}
				if _, ok := loc.Locate(pt); !ok {
					t.Errorf("Locate(%v) found no unit", pt)
					return
				}
			}
		})
	}
	wg.Wait()
}

// naiveLocate is the reference: the first unit, in the given order, whose
// polygon contains pt according to orb.
func naiveLocate(units []*Unit, pt orb.Point) (*Unit, bool) {
	for _, u := range units {
		if planar.MultiPolygonContains(u.Geometry, pt) {
			return u, true
		}
	}
	return nil, false
}

func pcodeOf(u *Unit) string {
	if u == nil {
		return "<none>"
	}
	return u.PCode
}
