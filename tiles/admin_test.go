package tiles

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

func TestAdminFeatures(t *testing.T) {
	jashore := &geo.Unit{
		PCode: "BD4041", Level: geo.District, Parent: "BD40",
		NameEN: "Jessore", NameENCurrent: "Jashore", NameBN: "যশোর",
		Geometry: orb.MultiPolygon{square(89, 23, 89.5, 23.5)},
	}
	noGeometry := &geo.Unit{PCode: "BD4044", Level: geo.District, Parent: "BD40", NameEN: "Jhenaidah"}
	badCode := &geo.Unit{PCode: "B4047", Level: geo.District, Geometry: orb.MultiPolygon{square(0, 0, 1, 1)}}

	got := AdminFeatures([]*geo.Unit{jashore, noGeometry, badCode})
	if len(got) != 1 {
		t.Fatalf("AdminFeatures returned %d features, want 1 (units without geometry or with a bad P-code left out)", len(got))
	}
	f := got[0]
	if f.ID != 200004041 {
		t.Errorf("ID = %d, want 200004041 (geo.FeatureID of BD4041)", f.ID)
	}
	want := map[string]any{
		"pcode":         "BD4041",
		"name_en":       "Jashore",
		"name_en_codab": "Jessore",
		"name_bn":       "যশোর",
		"level":         2,
		"parent":        "BD40",
	}
	if !maps.Equal(f.Properties, want) {
		t.Errorf("Properties = %v, want %v", f.Properties, want)
	}
	if fields := slices.Sorted(maps.Keys(adminFields)); !slices.Equal(fields, slices.Sorted(maps.Keys(f.Properties))) {
		t.Errorf("properties %v do not match the layer's declared fields %v", slices.Sorted(maps.Keys(f.Properties)), fields)
	}
}

// realAdmin returns indexes of the four admin layers over the shared data.
func realAdmin(tb testing.TB) Indexes {
	tb.Helper()
	ixs, err := AdminIndexes(bdtest.Units(tb), Options{})
	if err != nil {
		tb.Fatalf("AdminIndexes: %v", err)
	}
	return ixs
}

// coverTiles returns the tiles of zoom z over bound b, ordered by x then y.
func coverTiles(tb testing.TB, b orb.Bound, z maptile.Zoom) []maptile.Tile {
	tb.Helper()
	set, err := tilecover.Geometry(b, z)
	if err != nil {
		tb.Fatalf("tilecover: %v", err)
	}
	ts := slices.Collect(maps.Keys(set))
	slices.SortFunc(ts, func(a, b maptile.Tile) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y)) })
	return ts
}

// every returns every nth tile of ts.
func every(ts []maptile.Tile, n int) []maptile.Tile {
	var out []maptile.Tile
	for i := 0; i < len(ts); i += n {
		out = append(out, ts[i])
	}
	return out
}

// maxTileBytes is the largest tile the admin layers may produce.
const maxTileBytes = 500 * 1024

func TestAdminTilesStayUnder500KB(t *testing.T) {
	ixs := realAdmin(t)
	for _, l := range AdminLayers {
		t.Run(l.Name, func(t *testing.T) {
			ix := ixs[l.Name]
			largest, at := 0, maptile.Tile{}
			for z := maptile.Zoom(0); z <= 12; z++ {
				ts := coverTiles(t, bangladesh, z)
				if z > 10 {
					ts = every(ts, 13) // a sample: about 80 tiles at z11, 320 at z12
				}
				for _, tile := range ts {
					b, err := ix.Encode(tile)
					if err != nil {
						t.Fatalf("Encode(%v): %v", tile, err)
					}
					if len(b) > maxTileBytes {
						t.Errorf("tile %d/%d/%d is %d bytes, over %d", tile.Z, tile.X, tile.Y, len(b), maxTileBytes)
					}
					if len(b) > largest {
						largest, at = len(b), tile
					}
				}
			}
			t.Logf("%s: largest tile %d/%d/%d, %d bytes", l.Name, at.Z, at.X, at.Y, largest)
		})
	}
}

func TestAdminLayersCompleteFromMinZoom(t *testing.T) {
	// The MinZoom of each admin layer is where (nearly) all of its units
	// show; see AdminLayers. At z0, where all Bangladesh is three pixels
	// wide, divisions are let off.
	ixs := realAdmin(t)
	for _, l := range AdminLayers {
		z := max(l.MinZoom, 1)
		t.Run(fmt.Sprintf("%s at z%d", l.Name, z), func(t *testing.T) {
			ix := ixs[l.Name]
			seen := make(map[uint64]bool)
			for _, tile := range coverTiles(t, bangladesh, maptile.Zoom(z)) {
				b, err := ix.Encode(tile)
				if err != nil {
					t.Fatalf("Encode(%v): %v", tile, err)
				}
				if b == nil {
					continue
				}
				ls, err := mvt.Unmarshal(b)
				if err != nil {
					t.Fatalf("Unmarshal(%v): %v", tile, err)
				}
				for _, f := range ls[0].Features {
					seen[fid(f)] = true
				}
			}
			if got, want := len(seen), ix.Len()*9/10; got < want {
				t.Errorf("z%d shows %d of %d units, want at least %d", z, got, ix.Len(), want)
			}
			if l.MinZoom > 0 {
				below, err := ix.Encode(maptile.At(bangladesh.Center(), maptile.Zoom(l.MinZoom-1)))
				if err != nil || below != nil {
					t.Errorf("Encode below MinZoom = %d bytes, %v; want nil, nil", len(below), err)
				}
			}
		})
	}
}

func TestAdminTilesAreValidMVT(t *testing.T) {
	// Every polygon decodes with its exterior ring first and wound as MVT 2
	// requires, holes opposite, at a zoom where clipping cuts many units.
	ixs := realAdmin(t)
	for _, l := range AdminLayers {
		t.Run(l.Name, func(t *testing.T) {
			z := maptile.Zoom(max(l.MinZoom, 8))
			for _, tile := range coverTiles(t, bangladesh, z) {
				b, err := ixs[l.Name].Encode(tile)
				if err != nil || b == nil {
					continue
				}
				ls, err := mvt.Unmarshal(b)
				if err != nil {
					t.Fatalf("Unmarshal(%v): %v", tile, err)
				}
				if ls[0].Version != 2 || ls[0].Name != l.Name {
					t.Fatalf("tile %v layer %q version %d, want %q version 2", tile, ls[0].Name, ls[0].Version, l.Name)
				}
				for _, f := range ls[0].Features {
					for _, p := range polygons(f.Geometry) {
						if p[0].Orientation() != orb.CCW {
							t.Errorf("tile %v feature %d: exterior ring not positive in tile coordinates", tile, fid(f))
						}
						for _, h := range p[1:] {
							if h.Orientation() != orb.CW {
								t.Errorf("tile %v feature %d: hole not negative in tile coordinates", tile, fid(f))
							}
						}
					}
				}
			}
		})
	}
}

func polygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}
