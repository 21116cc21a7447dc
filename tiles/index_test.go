package tiles

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// gridLayer is the layer of the 3×3 fixture.
var gridLayer = Layer{Name: "squares", MinZoom: 0, MaxZoom: 14}

// gridSquares returns the hand-checkable fixture: nine 1°×1° squares around
// lon/lat 0,0, in three rows from south to north. Square (row r, column c)
// spans lon [c−1.5, c−0.5] and lat [r−1.5, r−0.5] and has ID 3r+c+1, so ID 5
// is the centre square [−0.5, 0.5]². Rings follow RFC 7946 (exterior
// counter-clockwise in lon/lat).
func gridSquares() []Feature {
	var fs []Feature
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			w, s := float64(c)-1.5, float64(r)-1.5
			fs = append(fs, Feature{
				ID:         uint64(3*r + c + 1),
				Geometry:   square(w, s, w+1, s+1),
				Properties: map[string]any{"name": fmt.Sprintf("square %d", 3*r+c+1), "row": r, "col": c},
			})
		}
	}
	return fs
}

// square returns a counter-clockwise lon/lat rectangle.
func square(w, s, e, n float64) orb.Polygon {
	return orb.Polygon{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}
}

func newTestIndex(tb testing.TB, l Layer, fs []Feature, opt Options) *Index {
	tb.Helper()
	ix, err := NewIndex(l, fs, opt)
	if err != nil {
		tb.Fatalf("NewIndex(%q): %v", l.Name, err)
	}
	return ix
}

// decode encodes tile t and decodes it, failing on an error or an empty tile.
func decode(tb testing.TB, ix *Index, t maptile.Tile) *mvt.Layer {
	tb.Helper()
	b, err := ix.Encode(t)
	if err != nil {
		tb.Fatalf("Encode(%v): %v", t, err)
	}
	if b == nil {
		tb.Fatalf("Encode(%v) = nil, want a tile", t)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		tb.Fatalf("Unmarshal(Encode(%v)): %v", t, err)
	}
	if len(ls) != 1 {
		tb.Fatalf("Encode(%v) has %d layers, want 1", t, len(ls))
	}
	return ls[0]
}

func featureIDs(l *mvt.Layer) []uint64 {
	var ids []uint64
	for _, f := range l.Features {
		ids = append(ids, fid(f))
	}
	slices.Sort(ids)
	return ids
}

// tileXY is an independent statement of the Web Mercator tile projection:
// the position of lon/lat in the tile coordinates of t at the given extent.
func tileXY(ll orb.Point, t maptile.Tile, extent float64) orb.Point {
	n := math.Exp2(float64(t.Z))
	lat := ll[1] * math.Pi / 180
	x := (ll[0] + 180) / 360 * n
	y := (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * n
	return orb.Point{(x - float64(t.X)) * extent, (y - float64(t.Y)) * extent}
}

func TestEncodeLayerAndFeatures(t *testing.T) {
	ix := newTestIndex(t, gridLayer, gridSquares(), Options{})
	l := decode(t, ix, maptile.New(0, 0, 0))

	if l.Name != "squares" {
		t.Errorf("layer name = %q, want %q", l.Name, "squares")
	}
	if l.Version != 2 {
		t.Errorf("layer version = %d, want 2", l.Version)
	}
	if l.Extent != 4096 {
		t.Errorf("layer extent = %d, want 4096", l.Extent)
	}
	if got, want := featureIDs(l), []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(got, want) {
		t.Errorf("feature ids = %v, want %v", got, want)
	}
	for _, f := range l.Features {
		id := fid(f)
		r, c := (id-1)/3, (id-1)%3
		want := map[string]any{"name": fmt.Sprintf("square %d", id), "row": float64(r), "col": float64(c)}
		for k, v := range want {
			if got := f.Properties[k]; got != v {
				t.Errorf("feature %d property %s = %v (%T), want %v", id, k, got, got, v)
			}
		}
		if len(f.Properties) != len(want) {
			t.Errorf("feature %d has properties %v, want only %v", id, f.Properties, want)
		}
	}
}

func TestEncodeGeometryInTileCoordinates(t *testing.T) {
	// Tile 8/128/128 is the first tile south-east of lon/lat 0,0; it is
	// 1.40625° wide, so it takes the east half of the centre column and the
	// west part of the east column, in the two southern rows — squares 2, 3,
	// 5 and 6 — each clipped 64 units beyond the tile edge.
	tile := maptile.New(128, 128, 8)
	ix := newTestIndex(t, gridLayer, gridSquares(), Options{})
	l := decode(t, ix, tile)

	if got, want := featureIDs(l), []uint64{2, 3, 5, 6}; !slices.Equal(got, want) {
		t.Fatalf("feature ids = %v, want %v", got, want)
	}
	fs := gridSquares()
	for _, f := range l.Features {
		id := fid(f)
		t.Run(fmt.Sprint("square ", id), func(t *testing.T) {
			src := fs[id-1].Geometry.Bound()
			nw, se := tileXY(orb.Point{src.Min[0], src.Max[1]}, tile, 4096), tileXY(orb.Point{src.Max[0], src.Min[1]}, tile, 4096)
			clamp := func(v float64) float64 { return math.Max(-64, math.Min(4096+64, v)) }
			want := orb.Bound{Min: orb.Point{clamp(nw[0]), clamp(nw[1])}, Max: orb.Point{clamp(se[0]), clamp(se[1])}}
			got := f.Geometry.Bound()
			for i, p := range []orb.Point{got.Min, got.Max} {
				w := []orb.Point{want.Min, want.Max}[i]
				if math.Abs(p[0]-w[0]) > 1 || math.Abs(p[1]-w[1]) > 1 {
					t.Errorf("bound = %v, want %v ±1", got, want)
				}
			}
			if _, ok := f.Geometry.(orb.Polygon); !ok {
				t.Errorf("geometry is %T, want orb.Polygon", f.Geometry)
			}
		})
	}
}

func TestEncodeHandChecked(t *testing.T) {
	// At z0 the whole world is 4096 units wide: lon 0 is x 2048, and the
	// centre square [−0.5°, 0.5°]² spans 4096/360 ≈ 11.38 units each way,
	// x and y 2042.3–2053.7, which rounds to 2042–2054.
	ix := newTestIndex(t, gridLayer, gridSquares()[4:5], Options{})
	l := decode(t, ix, maptile.New(0, 0, 0))
	want := orb.Ring{{2042, 2042}, {2054, 2042}, {2054, 2054}, {2042, 2054}, {2042, 2042}}
	p, ok := l.Features[0].Geometry.(orb.Polygon)
	if !ok || len(p) != 1 {
		t.Fatalf("geometry = %v, want one ring", l.Features[0].Geometry)
	}
	if !sameRing(p[0], want) {
		t.Errorf("ring = %v, want %v (any start, same direction)", p[0], want)
	}
}

// sameRing reports whether two closed rings visit the same points in the
// same order, starting anywhere.
func sameRing(a, b orb.Ring) bool {
	if len(a) != len(b) {
		return false
	}
	n := len(a) - 1
	for s := 0; s < n; s++ {
		ok := true
		for i := 0; i < n && ok; i++ {
			ok = a[(s+i)%n] == b[i]
		}
		if ok {
			return true
		}
	}
	return false
}

func TestEncodeBuffer(t *testing.T) {
	tile := maptile.New(128, 128, 8)
	for _, tc := range []struct {
		name   string
		buffer float64
		lo, hi float64
	}{
		{"default buffer of 64", 0, -64, 4096 + 64},
		{"buffer of 256", 256, -256, 4096 + 256},
		{"no buffer", -1, 0, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := newTestIndex(t, gridLayer, gridSquares(), Options{Buffer: tc.buffer})
			l := decode(t, ix, tile)
			var all orb.Bound
			for i, f := range l.Features {
				if i == 0 {
					all = f.Geometry.Bound()
				}
				all = all.Union(f.Geometry.Bound())
			}
			// The centre square reaches far west and north of this tile,
			// so the union of all features is cut exactly at the buffer.
			if all.Min[0] != tc.lo || all.Min[1] != tc.lo {
				t.Errorf("features' north-west corner = %v, want (%v, %v)", all.Min, tc.lo, tc.lo)
			}
			if all.Max[0] > tc.hi || all.Max[1] > tc.hi {
				t.Errorf("features' south-east corner = %v, want within %v", all.Max, tc.hi)
			}
		})
	}
}

func TestEncodeEmpty(t *testing.T) {
	ix := newTestIndex(t, Layer{Name: "squares", MinZoom: 4, MaxZoom: 12}, gridSquares(), Options{})
	for _, tc := range []struct {
		name string
		tile maptile.Tile
	}{
		{"no feature in the tile", maptile.At(orb.Point{90, 23}, 8)},
		{"far away at MinZoom", maptile.New(15, 0, 4)},
		{"below MinZoom", maptile.New(0, 0, 0)},
		{"just below MinZoom", maptile.At(orb.Point{0.1, 0.1}, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ix.Encode(tc.tile)
			if err != nil || b != nil {
				t.Errorf("Encode(%v) = %d bytes, %v; want nil, nil", tc.tile, len(b), err)
			}
		})
	}
	empty := newTestIndex(t, gridLayer, nil, Options{})
	if b, err := empty.Encode(maptile.New(0, 0, 0)); err != nil || b != nil {
		t.Errorf("Encode on an empty index = %d bytes, %v; want nil, nil", len(b), err)
	}
}

func TestEncodeInvalidTile(t *testing.T) {
	ix := newTestIndex(t, gridLayer, gridSquares(), Options{})
	for _, tile := range []maptile.Tile{maptile.New(8, 0, 3), maptile.New(0, 0, 25)} {
		_, err := ix.Encode(tile)
		if got := guccho.ErrorCode(err); got != guccho.EINVALID {
			t.Errorf("Encode(%v) error code = %q, want %q (err %v)", tile, got, guccho.EINVALID, err)
		}
	}
}

func TestEncodeAboveMaxZoom(t *testing.T) {
	// Beyond MaxZoom tiles are still served (deep links, overzoom), with
	// the MaxZoom geometry.
	ix := newTestIndex(t, Layer{Name: "squares", MaxZoom: 6}, gridSquares(), Options{})
	l := decode(t, ix, maptile.At(orb.Point{0.1, 0.1}, 16))
	if got, want := featureIDs(l), []uint64{5}; !slices.Equal(got, want) {
		t.Errorf("feature ids at z16 = %v, want %v", got, want)
	}
}

func TestEncodeWinding(t *testing.T) {
	// A 2°×2° donut around lon/lat 10,10 with a 1°×1° hole, given with
	// either winding, must come out as MVT 2 wants it: exterior positive
	// area in tile coordinates (what orb calls CCW, clockwise on screen),
	// hole negative. Tile 4/8/7 (lon 0–22.5°, lat 0–21.9°) holds it all.
	outer := orb.Ring{{9, 9}, {11, 9}, {11, 11}, {9, 11}, {9, 9}}
	hole := orb.Ring{{9.5, 9.5}, {9.5, 10.5}, {10.5, 10.5}, {10.5, 9.5}, {9.5, 9.5}}
	reversed := func(r orb.Ring) orb.Ring { r = slices.Clone(r); r.Reverse(); return r }
	for _, tc := range []struct {
		name string
		geom orb.Geometry
	}{
		{"RFC 7946 winding", orb.Polygon{outer, hole}},
		{"reversed winding", orb.Polygon{reversed(outer), reversed(hole)}},
		{"multipolygon", orb.MultiPolygon{{outer, hole}, {{{12, 12}, {13, 12}, {13, 13}, {12, 13}, {12, 12}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := newTestIndex(t, gridLayer, []Feature{{ID: 1, Geometry: tc.geom}}, Options{})
			l := decode(t, ix, maptile.New(8, 7, 4))
			var polys []orb.Polygon
			switch g := l.Features[0].Geometry.(type) {
			case orb.Polygon:
				polys = []orb.Polygon{g}
			case orb.MultiPolygon:
				polys = g
			}
			wantPolys := 1
			if _, ok := tc.geom.(orb.MultiPolygon); ok {
				wantPolys = 2
			}
			if len(polys) != wantPolys {
				t.Fatalf("decoded %d polygons, want %d: %v", len(polys), wantPolys, l.Features[0].Geometry)
			}
			if len(polys[0]) != 2 {
				t.Fatalf("first polygon has %d rings, want exterior and hole", len(polys[0]))
			}
			for _, p := range polys {
				if got := p[0].Orientation(); got != orb.CCW {
					t.Errorf("exterior orientation = %v, want CCW (positive area in tile coordinates)", got)
				}
				for _, h := range p[1:] {
					if got := h.Orientation(); got != orb.CW {
						t.Errorf("hole orientation = %v, want CW", got)
					}
				}
			}
		})
	}
}

func TestEncodeDropsSubPixelPolygons(t *testing.T) {
	// A 0.01° square is about 0.11 units wide at z0 and 116 units at z10.
	tiny := []Feature{{ID: 7, Geometry: square(0.1, 0.1, 0.11, 0.11)}}
	ix := newTestIndex(t, gridLayer, tiny, Options{})
	for _, tc := range []struct {
		name string
		z    maptile.Zoom
		want bool
	}{
		{"invisible at z0", 0, false},
		{"invisible at z4", 4, false},
		{"visible at z10", 10, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tile := maptile.At(orb.Point{0.105, 0.105}, tc.z)
			b, err := ix.Encode(tile)
			if err != nil {
				t.Fatalf("Encode(%v): %v", tile, err)
			}
			if got := b != nil; got != tc.want {
				t.Errorf("Encode(%v) has the feature = %v, want %v", tile, got, tc.want)
			}
		})
	}
}

func TestEncodeDropsDegenerateHoles(t *testing.T) {
	// A hole 0.001° wide vanishes at z4 while its polygon stays.
	p := orb.Polygon{
		{{9, 9}, {11, 9}, {11, 11}, {9, 11}, {9, 9}},
		{{10, 10}, {10, 10.001}, {10.001, 10.001}, {10.001, 10}, {10, 10}},
	}
	ix := newTestIndex(t, gridLayer, []Feature{{ID: 1, Geometry: p}}, Options{})
	l := decode(t, ix, maptile.New(8, 7, 4))
	got, ok := l.Features[0].Geometry.(orb.Polygon)
	if !ok || len(got) != 1 {
		t.Errorf("geometry = %v, want a polygon without its hole", l.Features[0].Geometry)
	}
}

func TestEncodeSimplifiesPerZoom(t *testing.T) {
	// A 1° square whose south edge zigzags every 0.001° by 0.0001° (0.3
	// units at z8, far below half a pixel) is four corners at z8 and keeps
	// the zigzag at z14, where the wiggle is 18 units and a tile 0.022° wide.
	ring := orb.Ring{{0, 0}}
	for i := 1; i < 1000; i++ {
		ring = append(ring, orb.Point{float64(i) / 1000, 0.0001 * float64(i%2)})
	}
	ring = append(ring, orb.Point{1, 0}, orb.Point{1, 1}, orb.Point{0, 1}, orb.Point{0, 0})
	ix := newTestIndex(t, gridLayer, []Feature{{ID: 1, Geometry: orb.Polygon{ring}}}, Options{})

	l := decode(t, ix, maptile.At(orb.Point{0.5, 0.5}, 8))
	if got := len(l.Features[0].Geometry.(orb.Polygon)[0]); got != 5 {
		t.Errorf("z8 ring has %d points, want 5 (four corners, closed)", got)
	}
	l = decode(t, ix, maptile.At(orb.Point{0.5, 0.00005}, 14))
	if got := len(l.Features[0].Geometry.(orb.Polygon)[0]); got < 10 {
		t.Errorf("z14 ring has %d points, want the zigzag kept (≥ 10)", got)
	}
}

// TestNewIndexSimplifiesEveryZoom checks that NewIndex simplifies the layer
// for each zoom it serves, so that the first tile of a zoom costs what any
// other does: encoding it allocates no more than encoding it again. (When
// each zoom was simplified on first use, the first tile of a zoom cloned
// and simplified all 544 upazilas.)
func TestNewIndexSimplifiesEveryZoom(t *testing.T) {
	ix := newTestIndex(t, AdminLayers[2], AdminFeatures(bdtest.UnitsAt(t, geo.Upazila)), Options{})
	mallocs := func(tile maptile.Tile) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := ix.Encode(tile); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	for z := ix.Layer().MinZoom; z <= ix.Layer().MaxZoom; z++ {
		tile := maptile.At(orb.Point{90.41, 23.81}, maptile.Zoom(z))
		first, again := mallocs(tile), mallocs(tile)
		// The margin covers what other goroutines (the runtime's) allocate
		// meanwhile; simplifying a zoom on first use cost thousands.
		if first > again+256 {
			t.Errorf("z%d: the first tile made %d allocations, the same tile again %d", z, first, again)
		}
	}
}

func TestEncodePointsAndLines(t *testing.T) {
	fs := []Feature{
		{ID: 1, Geometry: orb.Point{0.1, 0.1}, Properties: map[string]any{"kind": "shop"}},
		{ID: 2, Geometry: orb.LineString{{-10, 0.2}, {10, 0.2}}},
		{ID: 3, Geometry: orb.Point{50, 50}},
	}
	ix := newTestIndex(t, gridLayer, fs, Options{})
	tile := maptile.At(orb.Point{0.1, 0.1}, 6)
	l := decode(t, ix, tile)
	if got, want := featureIDs(l), []uint64{1, 2}; !slices.Equal(got, want) {
		t.Fatalf("feature ids = %v, want %v", got, want)
	}
	for _, f := range l.Features {
		switch fid(f) {
		case 1:
			want := roundPoint(tileXY(orb.Point{0.1, 0.1}, tile, 4096))
			if got := f.Geometry; got != want {
				t.Errorf("point = %v, want %v", got, want)
			}
		case 2:
			ls, ok := f.Geometry.(orb.LineString)
			if !ok || len(ls) != 2 || ls[0][0] != -64 || ls[1][0] != 4096+64 {
				t.Errorf("line = %v, want one segment clipped at x=-64 and x=4160", f.Geometry)
			}
		}
	}
}

func TestNewIndexCopiesInput(t *testing.T) {
	fs := gridSquares()
	ix := newTestIndex(t, gridLayer, fs, Options{})
	before, _ := ix.Encode(maptile.New(0, 0, 0))
	for _, f := range fs {
		f.Properties["name"] = "changed"
		f.Geometry.(orb.Polygon)[0][0] = orb.Point{50, 50}
	}
	after, _ := ix.Encode(maptile.New(0, 0, 0))
	if !bytes.Equal(before, after) {
		t.Errorf("tile changed after the caller modified its features")
	}
}

func TestNewIndexRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		layer Layer
		fs    []Feature
	}{
		{"layer without a name", Layer{MaxZoom: 12}, nil},
		{"MinZoom above MaxZoom", Layer{Name: "x", MinZoom: 8, MaxZoom: 4}, nil},
		{"MaxZoom too deep", Layer{Name: "x", MaxZoom: 30}, nil},
		{"nil geometry", gridLayer, []Feature{{ID: 1}}},
		{"empty polygon", gridLayer, []Feature{{ID: 1, Geometry: orb.Polygon{}}}},
		{"collection", gridLayer, []Feature{{ID: 1, Geometry: orb.Collection{orb.Point{1, 1}}}}},
		{"property MVT cannot hold", gridLayer, []Feature{{ID: 1, Geometry: orb.Point{1, 1},
			Properties: map[string]any{"at": struct{ X, Y int }{1, 2}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewIndex(tc.layer, tc.fs, Options{})
			if got := guccho.ErrorCode(err); got != guccho.EINVALID {
				t.Errorf("NewIndex error code = %q, want %q (err %v)", got, guccho.EINVALID, err)
			}
		})
	}
}

func TestEncodeConcurrent(t *testing.T) {
	// Every zoom's first request builds its simplified geometry; many
	// goroutines asking at once must all get the bytes a lone caller gets.
	fs := gridSquares()
	tilesToAsk := []maptile.Tile{maptile.New(0, 0, 0), maptile.New(128, 128, 8), maptile.New(127, 127, 8), maptile.At(orb.Point{0, 0}, 12)}
	ix := newTestIndex(t, gridLayer, fs, Options{})
	got := make([][][]byte, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for _, tile := range tilesToAsk {
				b, err := ix.Encode(tile)
				if err != nil {
					t.Errorf("Encode(%v): %v", tile, err)
				}
				got[g] = append(got[g], b)
			}
		})
	}
	wg.Wait()
	lone := newTestIndex(t, gridLayer, fs, Options{})
	for i, tile := range tilesToAsk {
		want, _ := lone.Encode(tile)
		for g := range got {
			if !bytes.Equal(got[g][i], want) {
				t.Errorf("goroutine %d: Encode(%v) differs from a lone caller's", g, tile)
			}
		}
	}
}

func TestIndexesTile(t *testing.T) {
	s := Indexes{"squares": newTestIndex(t, gridLayer, gridSquares(), Options{})}
	if b, err := s.Tile(t.Context(), Request{Layer: "squares", Tile: maptile.New(0, 0, 0)}); err != nil || b == nil {
		t.Errorf("Tile(squares, 0/0/0) = %d bytes, %v; want a tile", len(b), err)
	}
	_, err := s.Tile(t.Context(), Request{Layer: "nope", Tile: maptile.New(0, 0, 0)})
	if got := guccho.ErrorCode(err); got != guccho.ENOTFOUND {
		t.Errorf("Tile(nope) error code = %q, want %q", got, guccho.ENOTFOUND)
	}
}

// fid returns a decoded feature's id; orb decodes ids as float64.
func fid(f *geojson.Feature) uint64 {
	switch id := f.ID.(type) {
	case float64:
		return uint64(id)
	case uint64:
		return id
	}
	return 0
}
