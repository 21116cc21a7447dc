package storetest

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

// tileAt is the tile of zoom z holding the point (lon, lat).
func tileAt(z maptile.Zoom, lon, lat float64) maptile.Tile {
	return maptile.At(orb.Point{lon, lat}, z)
}

// tilePixel is where (lon, lat) falls in tile t, in tile units of extent.
func tilePixel(t maptile.Tile, lon, lat float64, extent float64) (float64, float64) {
	n := math.Exp2(float64(t.Z))
	x := (lon + 180) / 360 * n
	s := math.Sin(lat * math.Pi / 180)
	y := (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n
	return (x - float64(t.X)) * extent, (y - float64(t.Y)) * extent
}

func testTiles(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Tile 7/96/55 spans lon 90–92.8125 and lat 21.94–24.53: it holds the
	// four unions of lon 90–92, lat 22–24 whole and the other five clipped.
	tile := maptile.New(96, 55, 7)
	raw, err := s.Tile(ctx, tiles.Request{Layer: "unions", Tile: tile})
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatalf("decoding the unions tile: %v", err)
	}
	if len(layers) != 1 || layers[0].Name != "unions" {
		t.Fatalf("tile layers = %v, want one layer named unions", layerNames(layers))
	}
	l := layers[0]
	if l.Version != 2 || l.Extent != 4096 {
		t.Errorf("layer version %d extent %d, want 2 and 4096", l.Version, l.Extent)
	}
	if len(l.Features) != 9 {
		t.Fatalf("got %d union features, want 9", len(l.Features))
	}
	byCode := map[string]*geo.Unit{}
	for _, u := range gridUnits(t) {
		byCode[u.PCode] = u
	}
	for _, f := range l.Features {
		code, _ := f.Properties["pcode"].(string)
		u := byCode[code]
		if u == nil {
			t.Errorf("feature with unknown pcode %v", f.Properties)
			continue
		}
		wantID, _ := geo.FeatureID(code)
		if id, ok := f.ID.(float64); !ok || id != float64(wantID) { // orb decodes ids as float64
			t.Errorf("%s: id = %v, want %d", code, f.ID, wantID)
		}
		wantProps := map[string]any{"pcode": code, "name_en": u.DisplayName(), "name_en_codab": u.NameEN,
			"name_bn": u.NameBN, "level": float64(4), "parent": u.Parent}
		for k, want := range wantProps {
			got := f.Properties[k]
			if n, ok := got.(int64); ok {
				got = float64(n)
			}
			if n, ok := got.(uint64); ok {
				got = float64(n)
			}
			if got != want {
				t.Errorf("%s: property %s = %v (%T), want %v", code, k, f.Properties[k], f.Properties[k], want)
			}
		}
		// A whole square's corners, projected into the tile, within 2 units;
		// a clipped square at least reaches past the tile's edge.
		b := f.Geometry.Bound()
		x0, y1 := tilePixel(tile, u.Bound.Min[0], u.Bound.Min[1], 4096)
		x1, y0 := tilePixel(tile, u.Bound.Max[0], u.Bound.Max[1], 4096)
		if x1 > 4096 || y0 < 0 {
			if b.Max[0] < 4096 && b.Min[1] > 0 {
				t.Errorf("%s: clipped square's tile bound %v does not reach the tile's east or north edge", code, b)
			}
			continue
		}
		for _, c := range [][2]float64{{b.Min[0], x0}, {b.Max[0], x1}, {b.Min[1], y0}, {b.Max[1], y1}} {
			if math.Abs(c[0]-c[1]) > 2 {
				t.Errorf("%s: tile bound %v, want corners (%.1f,%.1f)–(%.1f,%.1f) within 2 units", code, b, x0, y0, x1, y1)
				break
			}
		}
	}

	if raw, err := s.Tile(ctx, tiles.Request{Layer: "unions", Tile: maptile.New(0, 0, 7)}); err != nil || raw != nil {
		t.Errorf("a tile away from the data = %d bytes, %v; want nil, nil", len(raw), err)
	}
	_, err = s.Tile(ctx, tiles.Request{Layer: "rivers", Tile: tile})
	wantCode(t, "Tile of an unknown layer", err, guccho.ENOTFOUND)

	for _, name := range []string{"divisions", "districts", "upazilas"} {
		raw, err := s.Tile(ctx, tiles.Request{Layer: name, Tile: tile})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		layers, err := mvt.Unmarshal(raw)
		if err != nil || len(layers) != 1 || layers[0].Name != name {
			t.Errorf("%s tile: layers %v, %v", name, layerNames(layers), err)
		}
	}
}

func layerNames(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}
