package postgis_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
)

// BenchmarkLocateUnions locates batches of 10,000 random points over
// Bangladesh's bounding box in union polygons with each store, in one run:
// the PostGIS store in one statement per batch (ST_Intersects over the GiST
// index), the embedded store with geo.Locator in memory. Each sub-benchmark
// reports points/s.
func BenchmarkLocateUnions(b *testing.B) {
	ctx := context.Background()
	units := bdtest.Units(b)
	pg, err := postgis.Open(ctx, pgtest.NewDatabase(b), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	em, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer em.Close()
	for _, s := range []geo.Store{pg, em} {
		if err := s.ReplaceBoundaries(ctx, units); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 10_000)
	for i := range pts {
		pts[i] = orb.Point{88 + 4.7*rng.Float64(), 20.59 + 6.05*rng.Float64()}
	}
	for _, c := range []struct {
		name string
		s    geo.Store
	}{{"postgis-batched", pg}, {"embedded", em}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := c.s.LocateUnions(ctx, pts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(pts))/b.Elapsed().Seconds(), "points/s")
		})
	}
}
