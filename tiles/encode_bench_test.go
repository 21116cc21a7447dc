package tiles

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// perZoom is how many tiles of each zoom the benchmarks sample.
const perZoom = 16

// benchTiles returns the fixed sample of the benchmarks for one layer: at
// every zoom from 0 to 12, up to perZoom of the non-empty tiles over
// Bangladesh, evenly spread in x-then-y order.
func benchTiles(b *testing.B, ix *Index) []maptile.Tile {
	b.Helper()
	var out []maptile.Tile
	for z := maptile.Zoom(0); z <= 12; z++ {
		var full []maptile.Tile
		for _, t := range coverTiles(b, bangladesh, z) {
			if raw, err := ix.Encode(t); err != nil {
				b.Fatalf("Encode(%v): %v", t, err)
			} else if raw != nil {
				full = append(full, t)
			}
		}
		out = append(out, every(full, max(1, (len(full)+perZoom-1)/perZoom))...)
	}
	return out
}

// BenchmarkEncode encodes the sample tiles of each admin layer over the
// real boundaries and reports the median and 99th-percentile time of one
// tile and the largest tile in the sample. ns/op is one pass over the
// sample (tiles/op tiles).
func BenchmarkEncode(b *testing.B) {
	ixs := realAdmin(b)
	for _, l := range AdminLayers {
		b.Run(l.Name, func(b *testing.B) {
			ix := ixs[l.Name]
			sample := benchTiles(b, ix)
			var took []time.Duration
			largest := 0
			for b.Loop() {
				for _, t := range sample {
					start := time.Now()
					raw, err := ix.Encode(t)
					took = append(took, time.Since(start))
					if err != nil {
						b.Fatalf("Encode(%v): %v", t, err)
					}
					largest = max(largest, len(raw))
				}
			}
			slices.Sort(took)
			pct := func(p float64) float64 {
				return float64(took[int(p*float64(len(took)-1))].Nanoseconds()) / 1e3
			}
			b.ReportMetric(pct(0.50), "p50-µs")
			b.ReportMetric(pct(0.99), "p99-µs")
			b.ReportMetric(float64(largest), "max-bytes")
			b.ReportMetric(float64(len(sample)), "tiles/op")
		})
	}
}

// BenchmarkIndex measures building a layer's index, which simplifies it
// for every zoom it serves: the cost a server pays once after loading
// boundaries.
func BenchmarkIndex(b *testing.B) {
	for i, l := range AdminLayers {
		b.Run(l.Name, func(b *testing.B) {
			fs := AdminFeatures(bdtest.UnitsAt(b, geo.Levels[i]))
			for b.Loop() {
				if _, err := NewIndex(l, fs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGzip compresses the sample tiles of all four admin layers at
// gzip level 1 (what the cache stores) and level 6 (gzip's default).
// MB/s is of uncompressed input; ratio is compressed / uncompressed bytes.
func BenchmarkGzip(b *testing.B) {
	ixs := realAdmin(b)
	var raws [][]byte
	total := 0
	for _, l := range AdminLayers {
		for _, t := range benchTiles(b, ixs[l.Name]) {
			raw, _ := ixs[l.Name].Encode(t)
			raws = append(raws, raw)
			total += len(raw)
		}
	}
	for _, level := range []int{gzip.BestSpeed, gzip.DefaultCompression} {
		name := fmt.Sprintf("level%d", level)
		if level == gzip.DefaultCompression {
			name = "level6"
		}
		b.Run(name, func(b *testing.B) {
			w, _ := gzip.NewWriterLevel(nil, level)
			var buf bytes.Buffer
			b.SetBytes(int64(total))
			zipped := 0
			for b.Loop() {
				zipped = 0
				for _, raw := range raws {
					buf.Reset()
					w.Reset(&buf)
					w.Write(raw)
					w.Close()
					zipped += buf.Len()
				}
			}
			b.ReportMetric(float64(zipped)/float64(total), "ratio")
		})
	}
}
