package cluster

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// checkPolygon fails unless poly is one closed ring of at least 4
// positions, whose edges meet only where consecutive edges share an end,
// counter-clockwise, with every point inside or on it.
func checkPolygon(t *testing.T, poly orb.Polygon, pts []orb.Point) {
	t.Helper()
	if len(poly) != 1 {
		t.Fatalf("%d rings, want 1", len(poly))
	}
	r := poly[0]
	if len(r) < 4 || r[0] != r[len(r)-1] {
		t.Fatalf("ring of %d positions, closed %v: want a closed ring of at least 4", len(r), r[0] == r[len(r)-1])
	}
	if r.Orientation() != orb.CCW {
		t.Errorf("ring is not counter-clockwise")
	}
	k := math.Cos(r[0][1] * math.Pi / 180)
	vs := make([]vec, len(r)-1)
	for i := range vs {
		vs[i] = vec{r[i][0] * k, r[i][1]}
	}
	n := len(vs)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if j == i+1 || (i == 0 && j == n-1) {
				continue // consecutive edges share an end
			}
			if properOrTouch(vs[i], vs[(i+1)%n], vs[j], vs[(j+1)%n]) {
				t.Fatalf("edges %d and %d meet: the ring crosses itself", i, j)
			}
		}
	}
	for i, p := range pts {
		if !planar.RingContains(r, p) && !onRing(r, p) {
			t.Fatalf("point %d %v lies outside the outline", i, p)
		}
	}
}

func properOrTouch(a, b, c, d vec) bool {
	d1, d2, d3, d4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return onSegment(a, b, c) || onSegment(a, b, d) || onSegment(c, d, a) || onSegment(c, d, b)
}

func onRing(r orb.Ring, p orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		a, b, v := vec{r[i][0], r[i][1]}, vec{r[i+1][0], r[i+1][1]}, vec{p[0], p[1]}
		if math.Abs(orient(a, b, v)) < 1e-12 && v.sub(a).dot(v.sub(b)) <= 1e-12 {
			return true
		}
	}
	return false
}

func TestOutline(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	blob := func(n int, lon, lat, sigmaDeg float64) []orb.Point {
		var ps []orb.Point
		for range n {
			ps = append(ps, orb.Point{lon + r.NormFloat64()*sigmaDeg, lat + r.NormFloat64()*sigmaDeg})
		}
		return ps
	}
	// A "C" of points 10 km across, open to the east: its concave hull
	// must be much smaller than the convex one.
	var cShape []orb.Point
	for range 600 {
		a := math.Pi/4 + r.Float64()*3*math.Pi/2
		rad := 0.04 + r.Float64()*0.01
		cShape = append(cShape, orb.Point{90.99 + rad*math.Cos(a), 24.05 + rad*math.Sin(a)})
	}
	for _, tc := range []struct {
		name        string
		pts         []orb.Point
		maxEdgeM    float64
		wantConcave bool
	}{
		{"one point", []orb.Point{{90, 24}}, 500, false},
		{"one spot, many times", []orb.Point{{90, 24}, {90, 24}, {90, 24}, {90, 24}}, 500, false},
		{"three points: the triangle", []orb.Point{{90, 24}, {90.01, 24}, {90, 24.01}}, 500, false},
		{"points on a line", []orb.Point{{90, 24}, {90.01, 24.01}, {90.02, 24.02}, {90.03, 24.03}}, 500, false},
		{"a square and its centre: nothing to dig", []orb.Point{{90, 24}, {90.01, 24}, {90.01, 24.01}, {90, 24.01}, {90.005, 24.005}}, 5000, false},
		{"a Gaussian blob", blob(800, 90.4, 23.7, 0.01), 300, true},
		{"two blobs", append(blob(300, 90.4, 23.7, 0.005), blob(300, 90.45, 23.7, 0.005)...), 500, true},
		{"a C shape", cShape, 1000, true},
		{"a grid with duplicates", func() []orb.Point {
			var ps []orb.Point
			for i := range 20 {
				for j := range 20 {
					ps = append(ps, orb.Point{90 + float64(i)*0.001, 24 + float64(j)*0.001}, orb.Point{90 + float64(i)*0.001, 24 + float64(j)*0.001})
				}
			}
			return append(ps, orb.Point{90.05, 24.05})
		}(), 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			poly, concave := Outline(tc.pts, tc.maxEdgeM)
			if concave != tc.wantConcave {
				t.Errorf("concave %v, want %v", concave, tc.wantConcave)
			}
			checkPolygon(t, poly, tc.pts)
		})
	}
	t.Run("the C is hollowed out", func(t *testing.T) {
		poly, _ := Outline(cShape, 1000)
		convex, _ := Outline(cShape, 1e9)
		if a, c := planar.Area(poly), planar.Area(convex); a > 0.6*c {
			t.Errorf("concave area %.3g, convex %.3g: want the concave hull under 60%% of the convex", a, c)
		}
	})
}
