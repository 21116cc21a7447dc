package cluster

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var national = flag.Bool("cluster.national", false, "also benchmark 12 million points (needs about 2 GB)")

// naiveMax is the largest input the all-pairs baseline is run on.
const naiveMax = 20_000

// synthetic returns n points over Bangladesh's bounding box in nine
// sectors: 70 % spread evenly, 30 % in clumps of 2 km spread, one clump
// per 2,000 points. The same n gives the same points.
func synthetic(n int) []Point {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	sectors := []string{"horticulture", "food_processing", "dairy", "footwear_leather", "light_engineering",
		"rice_milling", "eco_construction", "other", "eco_tourism"}
	type clump struct{ lon, lat float64 }
	clumps := make([]clump, max(n/2000, 1))
	for i := range clumps {
		clumps[i] = clump{88.3 + r.Float64()*4, 21 + r.Float64()*5.3}
	}
	const sigma = 2000.0 / EarthRadius * 180 / math.Pi
	ps := make([]Point, n)
	for i := range ps {
		p := &ps[i]
		p.Sector = sectors[r.IntN(len(sectors))]
		if r.Float64() < 0.7 {
			p.Lon, p.Lat = 88.0+r.Float64()*4.7, 20.7+r.Float64()*5.9
			continue
		}
		c := clumps[r.IntN(len(clumps))]
		p.Lon = c.lon + r.NormFloat64()*sigma/0.92
		p.Lat = c.lat + r.NormFloat64()*sigma
	}
	return ps
}

// naiveSMEF is the SMEF rule by all pairs, sector by sector.
func naiveSMEF(ps []Point, radius float64, minUnits int) {
	by := map[string][]Point{}
	for _, p := range ps {
		by[p.Sector] = append(by[p.Sector], p)
	}
	for _, sub := range by {
		naiveDBSCAN(sub, radius, minUnits)
	}
}

// BenchmarkCluster measures SMEF (50 within 5 km, per sector) and DBSCAN
// (all sectors together, 20 within 1.5 km) on the demo survey and on
// synthetic national data. Where the all-pairs algorithm finishes (up to
// naiveMax points) it is timed once in the same run and the speed-up is
// reported as ×naive; MB-alloc/op is what one run allocates.
func BenchmarkCluster(b *testing.B) {
	type data struct {
		name string
		ps   func(testing.TB) []Point
	}
	sets := []data{
		{"demo-5457", func(tb testing.TB) []Point { ps, _ := demoSurvey(tb); return ps }},
		{"synthetic-20k", func(testing.TB) []Point { return synthetic(20_000) }},
		{"synthetic-1M", func(testing.TB) []Point { return synthetic(1_000_000) }},
	}
	if *national {
		sets = append(sets, data{"synthetic-12M", func(testing.TB) []Point { return synthetic(12_000_000) }})
	}
	for _, d := range sets {
		var ps []Point
		for _, m := range []struct {
			name  string
			grid  func([]Point) (Result, error)
			naive func([]Point)
		}{
			{"smef-5km-50", func(ps []Point) (Result, error) { return SMEF(ps, 5000, 50) }, func(ps []Point) { naiveSMEF(ps, 5000, 50) }},
			{"dbscan-1500m-20", func(ps []Point) (Result, error) { return DBSCAN(ps, 1500, 20) }, func(ps []Point) { naiveDBSCAN(ps, 1500, 20) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", d.name, m.name), func(b *testing.B) {
				if ps == nil {
					ps = d.ps(b)
				}
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				var res Result
				b.ResetTimer()
				for range b.N {
					var err error
					if res, err = m.grid(ps); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				perOp := float64(b.Elapsed()) / float64(b.N)
				b.ReportMetric(float64(len(res.Clusters)), "clusters")
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
				if len(ps) <= naiveMax {
					start := time.Now()
					m.naive(ps)
					b.ReportMetric(float64(time.Since(start))/perOp, "×naive")
				}
			})
		}
	}
}

// BenchmarkOutline measures the concave hull of a Gaussian cluster of
// MaxConcaveMembers points, against the convex hull of the same points.
func BenchmarkOutline(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	pts := make([]orb.Point, MaxConcaveMembers)
	for i := range pts {
		pts[i] = orb.Point{90.99 + r.NormFloat64()*0.02, 24.05 + r.NormFloat64()*0.02}
	}
	for _, tc := range []struct {
		name    string
		maxEdge float64
	}{{"concave-5km", 5000}, {"concave-1km", 1000}, {"convex", math.Inf(1)}} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				Outline(pts, tc.maxEdge)
			}
		})
	}
}
