package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

// Tile geometry tolerances. Stores simplify and clip differently
// (Douglas–Peucker, a per-part area cut and orb's clipper in Go;
// ST_Simplify and ST_AsMVTGeom in PostGIS), each to about half a pixel (8
// tile units of 4096), so a feature's geometry may differ by thin slivers,
// by small parts that one store drops, and in the buffer outside the tile.
// Two stores agree on a feature when, sampled on a 32 × 32 lattice over the
// feature inside the tile, the area covered by one and not the other is at
// most AreaTolerance of the area covered by either, or at most TinyArea.
const (
	AreaTolerance = 0.05 // 5 %
	TinyArea      = 1024 // units² of extent 4096: four square pixels of a 256-pixel tile
)

// Compare loads the shared boundaries into two stores and checks that they
// answer alike: the union of 5,000 random points and of points on borders,
// and for a fixed sample of tiles of every admin layer, the same feature
// ids and properties with geometry within the tolerances above. A feature
// that one store keeps and the other drops must be under TinyArea in the one
// that keeps it.
func Compare(t *testing.T, a, b store.Store) {
	units := bdtest.Units(t)
	ctx := context.Background()
	for _, s := range []store.Store{a, b} {
		if err := s.ReplaceBoundaries(ctx, units); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("LocateUnions", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 11))
		pts := make([]orb.Point, 5000)
		for i := range pts {
			pts[i] = orb.Point{88 + 4.7*rng.Float64(), 20.59 + 6.05*rng.Float64()}
		}
		// Some label points and exact vertices: points on borders.
		for i, u := range units {
			if u.Level == geo.Union && i%7 == 0 {
				pts = append(pts, u.Label, u.Geometry[0][0][len(u.Geometry[0][0])/2])
			}
		}
		ga, err := a.LocateUnions(ctx, pts)
		if err != nil {
			t.Fatal(err)
		}
		gb, err := b.LocateUnions(ctx, pts)
		if err != nil {
			t.Fatal(err)
		}
		diff := 0
		for i := range pts {
			if ga[i] != gb[i] {
				if diff < 10 {
					t.Errorf("point %v: %q vs %q", pts[i], ga[i], gb[i])
				}
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("%d of %d points located differently", diff, len(pts))
		}
	})
	t.Run("Tiles", func(t *testing.T) {
		for _, l := range tiles.AdminLayers {
			for _, tile := range sampleTiles(l) {
				compareTile(t, a, b, l.Name, tile)
			}
		}
	})
}

// sampleTiles is a fixed sample of tiles over Bangladesh from the layer's
// minimum zoom to 12: around Dhaka, Chattogram, Sylhet and the Sundarbans.
func sampleTiles(l tiles.Layer) []maptile.Tile {
	places := []orb.Point{{90.41, 23.81}, {91.83, 22.34}, {91.87, 24.90}, {89.50, 22.00}}
	var out []maptile.Tile
	for z := l.MinZoom; z <= 12; z += 2 {
		for _, p := range places {
			out = append(out, maptile.At(p, maptile.Zoom(z)))
		}
	}
	return out
}

type tileFeature struct {
	props map[string]any
	geom  orb.Geometry
}

// inTile is the tile's own square, without the buffer.
var inTile = orb.Bound{Max: orb.Point{4096, 4096}}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// disagreement samples both geometries on a 32 × 32 lattice over their
// joint bounding box inside the tile and returns the area (units²) covered
// by exactly one of them and the area covered by either.
func disagreement(a, b orb.Geometry) (diff, either float64) {
	bb := a.Bound().Union(b.Bound())
	bb.Min = orb.Point{max(bb.Min[0], inTile.Min[0]), max(bb.Min[1], inTile.Min[1])}
	bb.Max = orb.Point{min(bb.Max[0], inTile.Max[0]), min(bb.Max[1], inTile.Max[1])}
	w, h := bb.Max[0]-bb.Min[0], bb.Max[1]-bb.Min[1]
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	cell := w * h / (32 * 32)
	for i := 0; i < 32; i++ {
		for j := 0; j < 32; j++ {
			p := orb.Point{bb.Min[0] + (float64(i)+0.5)*w/32, bb.Min[1] + (float64(j)+0.5)*h/32}
			ina, inb := contains(a, p), contains(b, p)
			if ina || inb {
				either += cell
			}
			if ina != inb {
				diff += cell
			}
		}
	}
	return diff, either
}

func area(g orb.Geometry) float64 {
	_, both := disagreement(g, g)
	return both
}

func decodeTile(t *testing.T, raw []byte) map[uint64]tileFeature {
	t.Helper()
	out := map[uint64]tileFeature{}
	if raw == nil {
		return out
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	for _, l := range layers {
		for _, f := range l.Features {
			id, _ := f.ID.(float64)
			props := map[string]any{}
			for k, v := range f.Properties {
				switch n := v.(type) {
				case int64:
					v = float64(n)
				case uint64:
					v = float64(n)
				}
				props[k] = v
			}
			out[uint64(id)] = tileFeature{props, f.Geometry}
		}
	}
	return out
}

func compareTile(t *testing.T, a, b store.Store, layer string, tile maptile.Tile) {
	t.Helper()
	ctx := context.Background()
	ra, err := a.Tile(ctx, tiles.Request{Layer: layer, Tile: tile})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Tile(ctx, tiles.Request{Layer: layer, Tile: tile})
	if err != nil {
		t.Fatal(err)
	}
	CompareTiles(t, fmt.Sprintf("%s %v", layer, tile), ra, rb)
}

// CompareTiles checks that two encodings of one tile (uncompressed MVT, nil
// for an empty tile) agree as Compare requires: the same feature ids and
// properties, geometry within AreaTolerance or TinyArea, and a feature in
// only one of them under TinyArea there. what names the tile in messages.
// It returns how many features the two hold alike, vertex for vertex.
func CompareTiles(t *testing.T, what string, ra, rb []byte) (same int) {
	t.Helper()
	fa, fb := decodeTile(t, ra), decodeTile(t, rb)
	tiny := func(f tileFeature) bool { return area(f.geom) < TinyArea }
	var ids []uint64
	for id := range fa {
		ids = append(ids, id)
	}
	for id := range fb {
		if _, ok := fa[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		x, okA := fa[id]
		y, okB := fb[id]
		switch {
		case !okA && !tiny(y), !okB && !tiny(x):
			t.Errorf("%s: feature %d only in one (%v / %v)", what, id, okA, okB)
		case okA && okB:
			for k, v := range x.props {
				if y.props[k] != v {
					t.Errorf("%s: feature %d property %s = %v vs %v", what, id, k, v, y.props[k])
				}
			}
			if len(x.props) != len(y.props) {
				t.Errorf("%s: feature %d properties %v vs %v", what, id, x.props, y.props)
			}
			if orb.Equal(x.geom, y.geom) {
				same++
			} else if diff, either := disagreement(x.geom, y.geom); diff > TinyArea && diff > AreaTolerance*either {
				t.Errorf("%s: feature %d: %.0f of %.0f units² covered by one only", what, id, diff, either)
			}
		}
	}
	return same
}
