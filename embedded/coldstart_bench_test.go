package embedded_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/tiles"
)

// BenchmarkColdStart measures what a first `guccho serve` does before the
// first tile leaves: open an empty store, read and validate the shared
// boundaries, store them in one transaction, build the in-memory indexes,
// and encode one districts tile over Dhaka. It reports each phase in ms.
func BenchmarkColdStart(b *testing.B) {
	dir := bdtest.Dir(b)
	ctx := context.Background()
	var read, store, first time.Duration
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "guccho.db")
		t0 := time.Now()
		s, err := embedded.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		units, err := geo.ReadBoundaries(os.DirFS(dir))
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := s.ReplaceBoundaries(ctx, units); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		raw, err := s.Tile(ctx, tiles.Request{Layer: "districts", Tile: maptile.At(orb.Point{90.4, 23.8}, 8)})
		if err != nil || len(raw) == 0 {
			b.Fatalf("first tile: %d bytes, %v", len(raw), err)
		}
		t3 := time.Now()
		read += t1.Sub(t0)
		store += t2.Sub(t1)
		first += t3.Sub(t2)
		s.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(read.Milliseconds())/n, "read-ms")
	b.ReportMetric(float64(store.Milliseconds())/n, "store+index-ms")
	b.ReportMetric(float64(first.Microseconds())/n, "first-tile-µs")
	b.ReportMetric(float64((read+store+first).Milliseconds())/n, "total-ms")
}

// BenchmarkOpen measures a later start: open a store that already holds the
// shared boundaries, load them and build the in-memory indexes.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "guccho.db")
	s, err := embedded.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.ReplaceBoundaries(ctx, bdtest.Units(b)); err != nil {
		b.Fatal(err)
	}
	s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := embedded.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
