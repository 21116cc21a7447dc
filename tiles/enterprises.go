package tiles

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// The enterprises layer carries two kinds of point features, told apart by
// the property "kind":
//
//   - "cell" below PointZoom: counts over a grid of CellsPerSide × CellsPerSide
//     cells per tile, taken from a count pyramid that stores keep up to date
//     on every write. Properties: count, sector (the most frequent),
//     sectors ("dairy:12,footwear_leather:3": the CellSectors most frequent,
//     most frequent first — all of them would make a dense tile too big).
//   - "point" from PointZoom on: one feature per enterprise, with properties
//     id, sector, method, display (a display point inside its unit, not a
//     surveyed location) and synthetic. A tile that would hold more than
//     MaxPointsPerTile enterprises is sent as cells instead, so that no tile
//     grows past a few hundred kilobytes whatever the density.
const (
	PointZoom        = 12
	CellBits         = 6 // a tile holds 2^6 × 2^6 cells
	CellsPerSide     = 1 << CellBits
	MaxPointsPerTile = 5000
	// CellSectors is how many sectors a cell's "sectors" property lists.
	CellSectors = 3
	// MaxCellZoom is the finest pyramid level: the cells of tiles at
	// PointZoom-1, about 300 m wide at Bangladesh's latitude.
	MaxCellZoom = PointZoom - 1 + CellBits
	// MinCellZoom is the coarsest pyramid level: the cells of z0 tiles.
	MinCellZoom = CellBits
)

// EnterpriseLayer is the catalogue entry of the enterprises layer.
var EnterpriseLayer = Layer{
	Name:        "enterprises",
	Description: "Microenterprises: counts per grid cell below z12, individual enterprises from z12",
	MinZoom:     0,
	MaxZoom:     16,
	Fields: map[string]string{
		"kind":      "String: cell (aggregated) or point (one enterprise)",
		"count":     "Number: enterprises in the cell (cells)",
		"sector":    "String: sector code (points), most frequent sector (cells)",
		"sectors":   "String: sector:count pairs of the three most frequent sectors (cells)",
		"id":        "String: the enterprise's id (points)",
		"method":    "String: geocode method (points)",
		"display":   "Boolean: the point is a display point inside its unit, not a surveyed location (points)",
		"synthetic": "Boolean: synthetic demo data (points)",
	},
}

// CellKey names one cell of the count pyramid: the Web Mercator tile
// (X, Y) at zoom Z, used as a cell of the tiles CellBits zooms above.
type CellKey struct {
	Z    int
	X, Y uint32
}

// ID is the cell's feature id in tiles: Z·2^36 + X·2^18 + Y, below 2^53.
func (k CellKey) ID() uint64 { return uint64(k.Z)<<36 | uint64(k.X)<<18 | uint64(k.Y) }

// CellsOf returns the pyramid cells holding p, one per level from
// MinCellZoom to MaxCellZoom. Points outside Web Mercator's latitude range
// are clamped to it.
func CellsOf(p orb.Point) []CellKey {
	x, y := worldXY(p)
	out := make([]CellKey, 0, MaxCellZoom-MinCellZoom+1)
	for z := MinCellZoom; z <= MaxCellZoom; z++ {
		n := math.Exp2(float64(z))
		out = append(out, CellKey{Z: z, X: clampCell(x*n, n), Y: clampCell(y*n, n)})
	}
	return out
}

// CellOf returns the pyramid cell of zoom z holding p: the cell of CellsOf
// at z. A cell at zoom z holds the cells of zoom z+1 whose X and Y shifted
// right by one are its own, so a store may keep only MaxCellZoom's cell of
// a point and derive the others.
func CellOf(p orb.Point, z int) CellKey {
	x, y := worldXY(p)
	n := math.Exp2(float64(z))
	return CellKey{Z: z, X: clampCell(x*n, n), Y: clampCell(y*n, n)}
}

func clampCell(v, n float64) uint32 {
	if v < 0 {
		return 0
	}
	if v >= n {
		return uint32(n - 1)
	}
	return uint32(v)
}

// worldXY projects lon/lat to Web Mercator in [0, 1) × [0, 1), y down.
func worldXY(p orb.Point) (float64, float64) {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return (p[0] + 180) / 360, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// CellRange returns the pyramid level and the inclusive cell ranges that
// make up tile t's cells: 64 × 64 cells of level t.Z + CellBits, or, for
// tiles at PointZoom and beyond, the fewer, coarser cells of MaxCellZoom
// that cover it.
func CellRange(t maptile.Tile) (z int, x0, y0, x1, y1 uint32) {
	z = min(int(t.Z)+CellBits, MaxCellZoom)
	shift := z - int(t.Z)
	if shift < 0 {
		x, y := uint32(t.X)>>-shift, uint32(t.Y)>>-shift
		return z, x, y, x, y
	}
	x0, y0 = uint32(t.X)<<shift, uint32(t.Y)<<shift
	return z, x0, y0, x0 + 1<<shift - 1, y0 + 1<<shift - 1
}

// CellDeltas accumulates changes to the count pyramid: +1 for every cell
// of an enterprise that appears, −1 for one that goes. Stores apply the
// deltas in the transaction of the write that caused them.
type CellDeltas map[CellSector]int

// CellSector is one pyramid counter: the enterprises of one sector in one
// cell.
type CellSector struct {
	Cell   CellKey
	Sector string
}

// Add counts an enterprise of sector at p with sign +1 (added) or −1
// (removed).
func (d CellDeltas) Add(p orb.Point, sector string, sign int) {
	for _, c := range CellsOf(p) {
		k := CellSector{c, sector}
		if v := d[k] + sign; v == 0 {
			delete(d, k)
		} else {
			d[k] = v
		}
	}
}

// Cell is one cell of a tile with its counts per sector.
type Cell struct {
	Key    CellKey
	Counts map[string]int
}

// PointFeature is one enterprise in a point tile.
type PointFeature struct {
	FeatureID int64
	ID        string
	Point     orb.Point // lon/lat
	Sector    string
	Method    string
	Display   bool
	Synthetic bool
}

// pointInTile projects lon/lat into tile t's units (extent 4096).
func pointInTile(t maptile.Tile, p orb.Point) orb.Point {
	x, y := worldXY(p)
	n := math.Exp2(float64(t.Z))
	return orb.Point{math.Round((x*n - float64(t.X)) * 4096), math.Round((y*n - float64(t.Y)) * 4096)}
}

// PointBuffer is how far, in tile units, point tiles reach beyond their
// edges, so that circles straddling a tile edge are drawn whole.
const PointBuffer = 64

// EncodePoints encodes enterprises as the enterprises layer of tile t
// (MVT 2, extent 4096); points farther than PointBuffer outside the tile
// are skipped. It returns nil when none is left.
func EncodePoints(t maptile.Tile, pts []PointFeature) ([]byte, error) {
	layer := &mvt.Layer{Name: EnterpriseLayer.Name, Version: 2, Extent: 4096}
	for _, p := range pts {
		xy := pointInTile(t, p.Point)
		if xy[0] < -PointBuffer || xy[0] > 4096+PointBuffer || xy[1] < -PointBuffer || xy[1] > 4096+PointBuffer {
			continue
		}
		f := geojson.NewFeature(xy)
		f.ID = uint64(p.FeatureID)
		f.Properties = geojson.Properties{"kind": "point", "id": p.ID, "sector": p.Sector, "method": p.Method,
			"display": p.Display, "synthetic": p.Synthetic}
		layer.Features = append(layer.Features, f)
	}
	return marshalLayer(layer)
}

// EncodeCells encodes pyramid cells as the enterprises layer of tile t: a
// point at each cell's centre with its count, most frequent sector and
// sector breakdown. Cells with no enterprises are skipped; nil when none.
func EncodeCells(t maptile.Tile, cells []Cell) ([]byte, error) {
	layer := &mvt.Layer{Name: EnterpriseLayer.Name, Version: 2, Extent: 4096}
	for _, c := range cells {
		type sc struct {
			s string
			n int
		}
		var list []sc
		total := 0
		for s, n := range c.Counts {
			if n > 0 {
				list = append(list, sc{s, n})
				total += n
			}
		}
		// The cell's centre in tile units.
		scale := math.Exp2(float64(int(t.Z) - c.Key.Z))
		center := orb.Point{((float64(c.Key.X)+0.5)*scale - float64(t.X)) * 4096, ((float64(c.Key.Y)+0.5)*scale - float64(t.Y)) * 4096}
		if total == 0 || center[0] < 0 || center[0] >= 4096 || center[1] < 0 || center[1] >= 4096 {
			continue
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].n != list[j].n {
				return list[i].n > list[j].n
			}
			return list[i].s < list[j].s
		})
		parts := make([]string, 0, CellSectors)
		for _, e := range list[:min(len(list), CellSectors)] {
			parts = append(parts, e.s+":"+strconv.Itoa(e.n))
		}
		f := geojson.NewFeature(center)
		f.ID = c.Key.ID()
		f.Properties = geojson.Properties{"kind": "cell", "count": total, "sector": list[0].s, "sectors": strings.Join(parts, ",")}
		layer.Features = append(layer.Features, f)
	}
	return marshalLayer(layer)
}

func marshalLayer(l *mvt.Layer) ([]byte, error) {
	if len(l.Features) == 0 {
		return nil, nil
	}
	return mvt.Marshal(mvt.Layers{l})
}

// SectorSet returns a membership test for a sector filter; an empty filter
// admits every sector.
func SectorSet(sectors []string) func(string) bool {
	if len(sectors) == 0 {
		return func(string) bool { return true }
	}
	m := make(map[string]bool, len(sectors))
	for _, s := range sectors {
		m[s] = true
	}
	return func(s string) bool { return m[s] }
}
