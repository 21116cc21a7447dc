package embedded_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/tiles"
)

// BenchmarkEnterpriseTiles encodes enterprises tiles at z5, z8, z11, z12, z13 and z14
// from an existing store — set GUCCHO_BENCH_DB to a database loaded with,
// for example, `guccho demo --n 12000000` — over a fixed sample of tiles
// around random enterprises, and reports p50/p99 encode time and the largest
// tile per zoom. Skipped without GUCCHO_BENCH_DB: building 12 million
// enterprises takes too long for a routine run (see docs/enterprises.md).
func BenchmarkEnterpriseTiles(b *testing.B) {
	path := os.Getenv("GUCCHO_BENCH_DB")
	if path == "" {
		b.Skip("set GUCCHO_BENCH_DB to a database with enterprises")
	}
	ctx := context.Background()
	s, err := embedded.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// Sample places: 200 enterprises at random feature ids.
	n, err := s.CountEnterprises(ctx, guccho.EnterpriseFilter{})
	if err != nil || n == 0 {
		b.Fatalf("no enterprises in %s (%v)", path, err)
	}
	rng := rand.New(rand.NewPCG(5, 8))
	var places []orb.Point
	for tries := 0; len(places) < 200 && tries < 10_000; tries++ {
		after := int64(rng.IntN(n))
		s.FindEnterprises(ctx, guccho.EnterpriseFilter{After: after, Limit: 1}, func(e *guccho.Enterprise) error {
			if e.Placed() {
				places = append(places, e.Point)
			}
			return nil
		})
	}
	for _, z := range []maptile.Zoom{5, 8, 11, 12, 13, 14} {
		b.Run("z"+strconv.Itoa(int(z)), func(b *testing.B) {
			seen := map[maptile.Tile]bool{}
			var sample []maptile.Tile
			for _, p := range places {
				if t := maptile.At(p, z); !seen[t] {
					seen[t] = true
					sample = append(sample, t)
				}
			}
			var times []time.Duration
			maxBytes := 0
			for i := 0; i < b.N; i++ {
				for _, t := range sample {
					start := time.Now()
					raw, err := s.Tile(ctx, tiles.Request{Layer: "enterprises", Tile: t})
					if err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(start))
					maxBytes = max(maxBytes, len(raw))
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(maxBytes), "max-bytes")
			b.ReportMetric(float64(len(sample)), "tiles")
		})
	}
}
