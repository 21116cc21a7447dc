package geo_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// bdBound is Bangladesh's bounding box, as the benchmarks and the property
// test sample it.
var bdBound = orb.Bound{Min: orb.Point{88.0, 20.59}, Max: orb.Point{92.7, 26.64}}

// randomPoints returns n points drawn uniformly from b with a fixed seed.
func randomPoints(n int, b orb.Bound, seed uint64) []orb.Point {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return pts
}

// naiveLocate is the baseline: the first unit, in P-code order, whose
// polygon contains pt according to orb's planar.MultiPolygonContains.
func naiveLocate(units []*geo.Unit, pt orb.Point) (*geo.Unit, bool) {
	for _, u := range units {
		if planar.MultiPolygonContains(u.Geometry, pt) {
			return u, true
		}
	}
	return nil, false
}

// naiveLocateBound is the baseline with a bounding-box test before each
// polygon test.
func naiveLocateBound(units []*geo.Unit, pt orb.Point) (*geo.Unit, bool) {
	for _, u := range units {
		if u.Bound.Contains(pt) && planar.MultiPolygonContains(u.Geometry, pt) {
			return u, true
		}
	}
	return nil, false
}

// BenchmarkLocate compares the Locator with the plain loop over all 5,160
// union polygons, on random points over Bangladesh's bounding box (about
// 44 % of them fall in a union). Each sub-benchmark reports points/s;
// indexed also reports the share of points found in a union and the index's
// size in bytes; the baselines also report "speedup", the Locator's rate
// over theirs, the Locator being timed again on the same points after the
// baseline's loop.
//
//	go test -run '^$' -bench Locate ./geo
func BenchmarkLocate(b *testing.B) {
	unions := bdtest.UnitsAt(b, geo.Union)
	pts := randomPoints(1<<16, bdBound, 1)

	b.Run("indexed", func(b *testing.B) {
		loc := geo.NewLocator(unions)
		hits := 0
		for i := 0; b.Loop(); i++ {
			if _, ok := loc.Locate(pts[i&(len(pts)-1)]); ok {
				hits++
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
		b.ReportMetric(float64(hits)/float64(b.N), "located/op")
		b.ReportMetric(float64(geo.LocatorMemSize(loc)), "index-bytes")
	})
	baseline := func(locate func([]*geo.Unit, orb.Point) (*geo.Unit, bool)) func(*testing.B) {
		return func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				locate(unions, pts[i&(len(pts)-1)])
			}
			rate := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "points/s")
			b.ReportMetric(locatorRate(geo.NewLocator(unions), pts)/rate, "speedup")
		}
	}
	b.Run("naive", baseline(naiveLocate))
	b.Run("naive-bbox", baseline(naiveLocateBound))
}

// locatorRate returns how many points per second loc locates, timed over
// a few passes through pts.
func locatorRate(loc *geo.Locator, pts []orb.Point) float64 {
	const passes = 20
	start := time.Now()
	for range passes {
		for _, pt := range pts {
			loc.Locate(pt)
		}
	}
	return float64(passes*len(pts)) / time.Since(start).Seconds()
}

// BenchmarkNewLocator measures building the index over the unions.
func BenchmarkNewLocator(b *testing.B) {
	unions := bdtest.UnitsAt(b, geo.Union)
	for b.Loop() {
		geo.NewLocator(unions)
	}
}
