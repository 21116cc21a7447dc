package tiles

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// orbEncode encodes tile t of ix the way Encode did before it wrote
// protocol buffers itself: each feature's simplified geometry projected
// whole into tile units, clipped by orb's clip package, quantised, and the
// layer marshalled by orb's encoding/mvt with the properties in props (by
// feature id). It is the reference the writer of mvt.go must match.
func orbEncode(tb testing.TB, ix *Index, props map[uint64]map[string]any, t maptile.Tile) []byte {
	tb.Helper()
	if int(t.Z) < ix.layer.MinZoom {
		return nil
	}
	geoms := ix.bands[min(int(t.Z), ix.layer.MaxZoom)]
	ext, n := float64(ix.opt.Extent), math.Exp2(float64(t.Z))
	tx, ty, buf := float64(t.X), float64(t.Y), ix.opt.Buffer
	tileBox := orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{ext + buf, ext + buf}}
	margin := buf / ext / n
	query := orb.Bound{Min: orb.Point{tx/n - margin, ty/n - margin}, Max: orb.Point{(tx+1)/n + margin, (ty+1)/n + margin}}
	toTile := func(p orb.Point) orb.Point { return orb.Point{(p[0]*n - tx) * ext, (p[1]*n - ty) * ext} }

	layer := &mvt.Layer{Name: ix.layer.Name, Version: 2, Extent: ix.opt.Extent}
	for _, i := range ix.grid.query(query) {
		f := &ix.features[i]
		g := geoms[i]
		if g == nil || !query.Intersects(f.bound) {
			continue
		}
		g = transform(g, toTile)
		if !inside(f.bound, query) {
			if g = clip.Geometry(tileBox, g); g == nil {
				continue
			}
		}
		if g = quantize(g); g == nil {
			continue
		}
		layer.Features = append(layer.Features, &geojson.Feature{ID: f.id, Geometry: g, Properties: props[f.id]})
	}
	if len(layer.Features) == 0 {
		return nil
	}
	b, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		tb.Fatalf("orb's encoder: %v", err)
	}
	return b
}

func propsByID(fs []Feature) map[uint64]map[string]any {
	out := make(map[uint64]map[string]any, len(fs))
	for _, f := range fs {
		out[f.ID] = f.Properties
	}
	return out
}

// sameAsOrb fails unless Encode and orbEncode give the same bytes for tile.
func sameAsOrb(t *testing.T, ix *Index, props map[uint64]map[string]any, tile maptile.Tile) bool {
	t.Helper()
	got, err := ix.Encode(tile)
	if err != nil {
		t.Fatalf("Encode(%v): %v", tile, err)
	}
	if want := orbEncode(t, ix, props, tile); !bytes.Equal(got, want) {
		t.Errorf("%s %d/%d/%d: Encode wrote %d bytes, orb's encoder %d; they differ", ix.layer.Name, tile.Z, tile.X, tile.Y, len(got), len(want))
		return false
	}
	return true
}

// TestEncodeMatchesOrbOnAdminTiles encodes every tile over Bangladesh of
// every admin layer from z0 to z10, and a sample at z11 and z12, and checks
// that each is byte for byte what orb's encoder makes of the same features:
// same features in the same order, ids, keys, values and geometry
// commands, clipped and rounded alike.
func TestEncodeMatchesOrbOnAdminTiles(t *testing.T) {
	for i, l := range AdminLayers {
		t.Run(l.Name, func(t *testing.T) {
			fs := AdminFeatures(bdtest.UnitsAt(t, geo.Levels[i]))
			ix := newTestIndex(t, l, fs, Options{})
			props := propsByID(fs)
			failed := 0
			for z := maptile.Zoom(l.MinZoom); z <= 12; z++ {
				ts := coverTiles(t, bangladesh, z)
				if z > 10 {
					ts = every(ts, 13)
				}
				for _, tile := range ts {
					if !sameAsOrb(t, ix, props, tile) {
						if failed++; failed == 5 {
							t.Fatal("giving up after 5 tiles")
						}
					}
				}
			}
		})
	}
}

// TestEncodeMatchesOrbOnEveryValueType checks each property type MVT holds,
// and points, lines and polygons with holes, against orb's encoder.
func TestEncodeMatchesOrbOnEveryValueType(t *testing.T) {
	props := map[string]any{
		"s": "text", "i": -3, "i8": int8(-8), "i16": int16(16), "i32": int32(-32), "i64": int64(1 << 40),
		"u": uint(3), "u8": uint8(8), "u16": uint16(16), "u32": uint32(32), "u64": uint64(1 << 63),
		"f32": float32(1.5), "f64": -2.25, "yes": true, "no": false,
		"nil": nil, "list": []string{"a", "b"}, "dur": 90 * time.Second, // JSON text; a Stringer
	}
	holed := orb.Polygon{square(-1, -1, 1, 1)[0], orb.Ring{{-0.5, -0.5}, {-0.5, 0.5}, {0.5, 0.5}, {0.5, -0.5}, {-0.5, -0.5}}}
	fs := []Feature{
		{ID: 1, Geometry: orb.Point{0.1, 0.1}, Properties: props},
		{ID: 2, Geometry: orb.MultiPoint{{0.2, 0.2}, {0.3, -0.3}}, Properties: map[string]any{"s": "text", "n": 2}},
		{ID: 3, Geometry: orb.LineString{{-10, 0.2}, {10, 0.2}}, Properties: map[string]any{"i": -3}},
		{ID: 4, Geometry: orb.MultiLineString{{{-1, -1}, {1, 1}}, {{-1, 1}, {1, -1}}}},
		{ID: 5, Geometry: holed, Properties: map[string]any{"s": "other"}},
		{ID: 6, Geometry: orb.MultiPolygon{square(2, 2, 3, 3), holed}, Properties: props},
	}
	ix := newTestIndex(t, gridLayer, fs, Options{})
	for z := maptile.Zoom(0); z <= 14; z += 2 {
		sameAsOrb(t, ix, propsByID(fs), maptile.At(orb.Point{0.1, 0.1}, z))
		sameAsOrb(t, ix, propsByID(fs), maptile.At(orb.Point{-0.99, 0.99}, z))
	}
}
