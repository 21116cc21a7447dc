package tiles

import (
	"math/bits"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// PointKeyZoom is the zoom of the Web Mercator grid whose cells PointKey
// numbers: 2^31 cells a side, under 2 cm at the equator, finer than any
// surveyed coordinate.
const PointKeyZoom = 31

// KeyRange is an inclusive range of point keys, Lo ≤ Hi.
type KeyRange struct{ Lo, Hi int64 }

// PointKey is the Morton (Z-order) code of p: the bits of the x and y of
// p's cell at PointKeyZoom (CellOf) interleaved, each bit of x above the
// same bit of y. It is in [0, 2^62). Sorted by key, points follow the Z
// curve, so the points of any tile of zoom ≤ PointKeyZoom — placed as
// CellOf places them — are exactly those whose keys are in TileKeys of
// that tile: a store keyed by PointKey reads a tile as one range. Points
// beyond Web Mercator's latitudes are clamped as CellOf clamps them.
func PointKey(p orb.Point) int64 {
	c := CellOf(p, PointKeyZoom)
	return int64(interleave(c.X, c.Y))
}

// TileKeys is the range of the keys of the points in tile t (for a tile
// deeper than PointKeyZoom, that of its ancestor at PointKeyZoom).
func TileKeys(t maptile.Tile) KeyRange {
	z, x, y := int(t.Z), t.X, t.Y
	if z > PointKeyZoom {
		x, y, z = x>>(z-PointKeyZoom), y>>(z-PointKeyZoom), PointKeyZoom
	}
	shift := 2 * (PointKeyZoom - z)
	lo := int64(interleave(x, y)) << shift
	return KeyRange{lo, lo + (1 << shift) - 1}
}

// PointTileBound is the box whose points a point tile of t carries: t's
// box in lon/lat with PointBuffer tile units around it.
func PointTileBound(t maptile.Tile) orb.Bound {
	b := t.Bound()
	pad := orb.Point{(b.Max[0] - b.Min[0]) * PointBuffer / 4096, (b.Max[1] - b.Min[1]) * PointBuffer / 4096}
	return orb.Bound{Min: orb.Point{b.Min[0] - pad[0], b.Min[1] - pad[1]}, Max: orb.Point{b.Max[0] + pad[0], b.Max[1] + pad[1]}}
}

// coverBits sets how finely BoundKeys follows a box's edges: with cells
// of at most 2^-coverBits of the box's side (between 64 and 128 across
// it), the cells it takes in along the edges but beyond them hold a few
// per cent of the box's points, in at most a few hundred ranges (a thin
// box, up to a few thousand).
const coverBits = 7

// BoundKeys returns key ranges, sorted and disjoint, that hold the key of
// every point in b (edges included) and few others: the cells of a grid
// fine enough to follow b's edges (coverBits) that meet b, merged where
// they follow one another in key order. A reader scans the ranges and
// keeps the points that are in b.
func BoundKeys(b orb.Bound) []KeyRange {
	tl := CellOf(orb.Point{b.Min[0], b.Max[1]}, PointKeyZoom)
	br := CellOf(orb.Point{b.Max[0], b.Min[1]}, PointKeyZoom)
	// One cell more on each side, against the rounding of the projection.
	const last = 1<<PointKeyZoom - 1
	x0, y0 := tl.X-min(tl.X, 1), tl.Y-min(tl.Y, 1)
	x1, y1 := min(br.X+1, last), min(br.Y+1, last)
	// The level whose cells are at most 2^-coverBits of the smaller side,
	// or 2^-(coverBits+3) of the larger one for a thin box.
	depth := min(PointKeyZoom, PointKeyZoom-bits.Len32(min(x1-x0, y1-y0))+coverBits,
		PointKeyZoom-bits.Len32(max(x1-x0, y1-y0))+coverBits+3)
	var out []KeyRange
	var walk func(z int, x, y uint32)
	walk = func(z int, x, y uint32) {
		shift := PointKeyZoom - z
		cx0, cy0 := uint64(x)<<shift, uint64(y)<<shift
		cx1, cy1 := cx0+(1<<shift)-1, cy0+(1<<shift)-1
		if cx1 < uint64(x0) || cx0 > uint64(x1) || cy1 < uint64(y0) || cy0 > uint64(y1) {
			return
		}
		inside := cx0 >= uint64(x0) && cx1 <= uint64(x1) && cy0 >= uint64(y0) && cy1 <= uint64(y1)
		if inside || z == depth {
			r := TileKeys(maptile.New(x, y, maptile.Zoom(z)))
			if n := len(out); n > 0 && out[n-1].Hi+1 == r.Lo {
				out[n-1].Hi = r.Hi
			} else {
				out = append(out, r)
			}
			return
		}
		// The children in key order: x's bit above y's.
		walk(z+1, 2*x, 2*y)
		walk(z+1, 2*x, 2*y+1)
		walk(z+1, 2*x+1, 2*y)
		walk(z+1, 2*x+1, 2*y+1)
	}
	walk(0, 0, 0)
	return out
}

// interleave puts the bits of x at the odd and those of y at the even
// positions of a 64-bit code.
func interleave(x, y uint32) uint64 { return spread(x)<<1 | spread(y) }

// spread moves bit i of v to bit 2i.
func spread(v uint32) uint64 {
	u := uint64(v)
	u = (u | u<<16) & 0x0000FFFF0000FFFF
	u = (u | u<<8) & 0x00FF00FF00FF00FF
	u = (u | u<<4) & 0x0F0F0F0F0F0F0F0F
	u = (u | u<<2) & 0x3333333333333333
	u = (u | u<<1) & 0x5555555555555555
	return u
}
