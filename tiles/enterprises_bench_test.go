package tiles_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/tiles"
)

// worstCase builds the largest enterprises tiles the layer's rules allow,
// whatever the number of enterprises stored: a cell tile with every one of
// its 64 × 64 cells holding all nine sectors, and a point tile at the cap of
// tiles.MaxPointsPerTile enterprises with 18-character ids.
func worstCase() (encodeCells, encodePoints func() ([]byte, error)) {
	sectors := []string{"horticulture", "food_processing", "dairy", "light_engineering", "eco_construction",
		"rice_milling", "eco_tourism", "footwear_leather", "other"}
	tile := maptile.At(orb.Point{90.99, 24.05}, 8)
	z, x0, y0, x1, y1 := tiles.CellRange(tile)
	var cells []tiles.Cell
	rng := rand.New(rand.NewPCG(1, 1))
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			counts := map[string]int{}
			for _, s := range sectors {
				counts[s] = 1 + rng.IntN(5000)
			}
			cells = append(cells, tiles.Cell{Key: tiles.CellKey{Z: z, X: x, Y: y}, Counts: counts})
		}
	}
	ptile := maptile.At(orb.Point{90.99, 24.05}, 12)
	bound := ptile.Bound()
	var pts []tiles.PointFeature
	for i := range tiles.MaxPointsPerTile {
		pts = append(pts, tiles.PointFeature{FeatureID: int64(1_000_000 + i), ID: fmt.Sprintf("k-%016x", rng.Uint64()),
			Point:  orb.Point{bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])},
			Sector: sectors[rng.IntN(9)], Method: "gps", Display: i%3 == 0, Synthetic: true})
	}
	return func() ([]byte, error) { return tiles.EncodeCells(tile, cells) },
		func() ([]byte, error) { return tiles.EncodePoints(ptile, pts) }
}

// TestEnterpriseTilesStayUnder500KB: however many enterprises a store
// holds, no enterprises tile can exceed 500 KB (uncompressed).
func TestEnterpriseTilesStayUnder500KB(t *testing.T) {
	cells, points := worstCase()
	for name, encode := range map[string]func() ([]byte, error){"cells": cells, "points": points} {
		raw, err := encode()
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) > 500<<10 {
			t.Errorf("the worst-case %s tile is %d bytes, over 500 KB", name, len(raw))
		}
	}
}

// BenchmarkEnterpriseTileWorstCase encodes the worst-case tiles and reports
// their size, raw and gzipped.
func BenchmarkEnterpriseTileWorstCase(b *testing.B) {
	cells, points := worstCase()
	for _, c := range []struct {
		name   string
		encode func() ([]byte, error)
	}{
		{"cells-4096x9-sectors", cells},
		{"points-5000", points},
	} {
		b.Run(c.name, func(b *testing.B) {
			var raw []byte
			for range b.N {
				var err error
				if raw, err = c.encode(); err != nil {
					b.Fatal(err)
				}
			}
			gz, _ := tiles.Gzip(raw)
			b.ReportMetric(float64(len(raw)), "bytes")
			b.ReportMetric(float64(len(gz)), "gzip-bytes")
		})
	}
}
