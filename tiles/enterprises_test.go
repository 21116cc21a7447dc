package tiles_test

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/tiles"
)

var bhairab = orb.Point{90.99, 24.05}

func TestCellsOfNestFromCoarseToFine(t *testing.T) {
	cells := tiles.CellsOf(bhairab)
	if got, want := len(cells), tiles.MaxCellZoom-tiles.MinCellZoom+1; got != want {
		t.Fatalf("got %d levels, want %d", got, want)
	}
	for i := 1; i < len(cells); i++ {
		fine, coarse := cells[i], cells[i-1]
		if fine.Z != coarse.Z+1 || fine.X>>1 != coarse.X || fine.Y>>1 != coarse.Y {
			t.Errorf("cell %v does not nest in %v", fine, coarse)
		}
	}
	// The finest cell is the z17 tile holding the point.
	want := maptile.At(bhairab, tiles.MaxCellZoom)
	if last := cells[len(cells)-1]; last.X != want.X || last.Y != want.Y {
		t.Errorf("finest cell %v, want tile %v", last, want)
	}
}

func TestCellOfIsTheCellOfCellsOfAtItsZoom(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    orb.Point
	}{
		{"Bhairab", bhairab},
		{"a z17 cell's corner", orb.Point{90, 0}},
		{"the antimeridian", orb.Point{180, 89}},
		{"beyond Web Mercator", orb.Point{-180, -89.9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, want := range tiles.CellsOf(tc.p) {
				if got := tiles.CellOf(tc.p, want.Z); got != want {
					t.Errorf("CellOf(%v, %d) = %v, want %v", tc.p, want.Z, got, want)
				}
				// Coarser cells are the finest one's shifted right.
				fine := tiles.CellOf(tc.p, tiles.MaxCellZoom)
				if s := tiles.MaxCellZoom - want.Z; fine.X>>s != want.X || fine.Y>>s != want.Y {
					t.Errorf("the z%d cell %v is not the finest %v shifted by %d", want.Z, want, fine, s)
				}
			}
		})
	}
}

func TestCellRangeCoversTheTile(t *testing.T) {
	tile := maptile.At(bhairab, 8)
	z, x0, y0, x1, y1 := tiles.CellRange(tile)
	c := tiles.CellsOf(bhairab)[8]
	if z != 14 || c.Z != 14 || c.X < x0 || c.X > x1 || c.Y < y0 || c.Y > y1 || x1-x0 != 63 || y1-y0 != 63 {
		t.Errorf("CellRange(%v) = z%d [%d–%d]×[%d–%d]; the point's cell %v must lie inside 64×64 cells", tile, z, x0, x1, y0, y1, c)
	}
}

func TestCellDeltasCancel(t *testing.T) {
	d := tiles.CellDeltas{}
	d.Add(bhairab, "footwear_leather", +1)
	d.Add(bhairab, "footwear_leather", +1)
	d.Add(orb.Point{90.4, 23.8}, "dairy", +1)
	if len(d) != 2*12 {
		t.Errorf("%d counters, want 24 (12 levels × 2 sector-places)", len(d))
	}
	d.Add(bhairab, "footwear_leather", -1)
	d.Add(bhairab, "footwear_leather", -1)
	d.Add(orb.Point{90.4, 23.8}, "dairy", -1)
	if len(d) != 0 {
		t.Errorf("after removing everything, %d counters remain", len(d))
	}
}

func TestEncodeCells(t *testing.T) {
	tile := maptile.At(bhairab, 8)
	c := tiles.CellsOf(bhairab)[8]
	outside := tiles.CellKey{Z: 14, X: 0, Y: 0}
	raw, err := tiles.EncodeCells(tile, []tiles.Cell{
		{Key: c, Counts: map[string]int{"footwear_leather": 70, "dairy": 3}},
		{Key: outside, Counts: map[string]int{"dairy": 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil || len(layers) != 1 || layers[0].Name != "enterprises" || layers[0].Version != 2 {
		t.Fatalf("layers %v, %v", layers, err)
	}
	fs := layers[0].Features
	if len(fs) != 1 {
		t.Fatalf("%d features, want the one cell inside the tile", len(fs))
	}
	p := fs[0].Properties
	if p["kind"] != "cell" || p["count"] != float64(73) || p["sector"] != "footwear_leather" || p["sectors"] != "footwear_leather:70,dairy:3" {
		t.Errorf("properties %v", p)
	}
	if id, _ := fs[0].ID.(float64); uint64(id) != c.ID() {
		t.Errorf("id %v, want %d", fs[0].ID, c.ID())
	}
	// The cell's centre lies within the cell's 64-unit square.
	pt := fs[0].Geometry.(orb.Point)
	_, x0, y0, _, _ := tiles.CellRange(tile)
	if lx, ly := float64(c.X-x0)*64, float64(c.Y-y0)*64; pt[0] < lx || pt[0] > lx+64 || pt[1] < ly || pt[1] > ly+64 {
		t.Errorf("centre %v not in the cell at (%g, %g)", pt, lx, ly)
	}
	if raw, _ := tiles.EncodeCells(tile, nil); raw != nil {
		t.Error("no cells should give a nil tile")
	}
}

func TestEncodePoints(t *testing.T) {
	tile := maptile.At(bhairab, 13)
	raw, err := tiles.EncodePoints(tile, []tiles.PointFeature{
		{FeatureID: 7, ID: "E-7", Point: bhairab, Sector: "footwear_leather", Method: "gps"},
		{FeatureID: 8, ID: "E-8", Point: bhairab, Sector: "dairy", Method: "upazila", Display: true, Synthetic: true},
		{FeatureID: 9, ID: "E-9", Point: orb.Point{88, 22}, Sector: "dairy", Method: "gps"}, // far outside
	})
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := mvt.Unmarshal(raw)
	fs := layers[0].Features
	if len(fs) != 2 {
		t.Fatalf("%d features, want the 2 inside the tile", len(fs))
	}
	if p := fs[1].Properties; p["kind"] != "point" || p["id"] != "E-8" || p["display"] != true || p["synthetic"] != true || p["method"] != "upazila" {
		t.Errorf("properties %v", p)
	}
}

func TestCellRangeBeyondThePyramid(t *testing.T) {
	tile := maptile.At(bhairab, 13)
	z, x0, y0, x1, y1 := tiles.CellRange(tile)
	if z != tiles.MaxCellZoom || x1-x0 != 15 || y1-y0 != 15 {
		t.Errorf("CellRange at z13 = z%d %d×%d cells, want 16×16 cells of z%d", z, x1-x0+1, y1-y0+1, tiles.MaxCellZoom)
	}
	tile = maptile.At(bhairab, 18)
	z, x0, _, x1, _ = tiles.CellRange(tile)
	if z != tiles.MaxCellZoom || x0 != x1 {
		t.Errorf("CellRange at z18 = z%d [%d–%d], want the one covering cell", z, x0, x1)
	}
}
