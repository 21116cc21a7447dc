package geo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// TestLocateAgreesWithNaive checks the Locator against orb's polygon test,
// unit by unit, on random points over Bangladesh. The two may only disagree
// on a point within a hair (1e-9°, a tenth of a millimetre) of a border,
// where the Locator's border rule and orb's differ.
func TestLocateAgreesWithNaive(t *testing.T) {
	unions := bdtest.UnitsAt(t, geo.Union)
	loc := geo.NewLocator(unions)
	located, onBorder := 0, 0
	for _, pt := range randomPoints(20_000, bdBound, 2) {
		got, gotOK := loc.Locate(pt)
		want, wantOK := naiveLocateBound(unions, pt)
		if gotOK {
			located++
		}
		if got == want && gotOK == wantOK {
			continue
		}
		if nearBorder(got, pt) || nearBorder(want, pt) {
			onBorder++
			continue
		}
		t.Errorf("Locate(%v) = %s, want %s", pt, pcodeOf(got), pcodeOf(want))
	}
	t.Logf("%d of 20000 points located, %d disagreements on a border", located, onBorder)
	// About 40 % of the bounding box is land; a Locator that finds nothing
	// would agree with a broken baseline.
	if located < 5_000 {
		t.Errorf("located %d of 20000 random points, want at least 5000", located)
	}
}

// TestLocateBorderVertices locates points exactly on borders: vertices of
// the union polygons. Each must be found, in a unit whose closed polygon
// contains it.
func TestLocateBorderVertices(t *testing.T) {
	unions := bdtest.UnitsAt(t, geo.Union)
	loc := geo.NewLocator(unions)
	r := rand.New(rand.NewPCG(3, 4))
	for range 5_000 {
		u := unions[r.IntN(len(unions))]
		poly := u.Geometry[r.IntN(len(u.Geometry))]
		ring := poly[r.IntN(len(poly))]
		pt := ring[r.IntN(len(ring))]
		got, ok := loc.Locate(pt)
		if !ok {
			t.Errorf("Locate(%v), a vertex of %s, found no unit", pt, u.PCode)
			continue
		}
		// orb counts the rim of a hole as outside; the Locator treats every
		// unit as closed.
		if !planar.MultiPolygonContains(got.Geometry, pt) && !nearBorder(got, pt) {
			t.Errorf("Locate(%v), a vertex of %s = %s, whose closed polygon does not contain it", pt, u.PCode, got.PCode)
		}
	}
}

// TestLocateLabels locates each union's label point, which lies inside it.
func TestLocateLabels(t *testing.T) {
	unions := bdtest.UnitsAt(t, geo.Union)
	loc := geo.NewLocator(unions)
	for _, u := range unions {
		if u.Label == (orb.Point{}) {
			continue
		}
		got, _ := loc.Locate(u.Label)
		if got != u {
			t.Errorf("Locate(label of %s %s) = %s, want %s", u.PCode, u.NameEN, pcodeOf(got), u.PCode)
		}
	}
}

func nearBorder(u *geo.Unit, pt orb.Point) bool {
	return u != nil && planar.DistanceFrom(u.Geometry, pt) < 1e-9
}

func pcodeOf(u *geo.Unit) string {
	if u == nil {
		return "<none>"
	}
	return u.PCode
}
