package geo

import (
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
)

// Locator answers "which unit contains this point" over a fixed set of
// non-overlapping units, typically the 5,160 unions (level 4).
//
// It is built once by NewLocator and is then read-only: Locate is safe for
// concurrent use by any number of goroutines.
//
// # Borders
//
// Every unit is treated as a closed set (its boundary belongs to it), and a
// point on a border shared by several units is given to exactly one of them,
// deterministically:
//
//   - On a border shared by two units, the point belongs to the unit on its
//     east side; where the border runs exactly east–west, to the unit on its
//     north side. At a corner shared by several units, it belongs to the unit
//     that holds the points just north-east of the corner. Formally, a point
//     (x, y) on a shared border is located as the point (x+ε, y+ε²) for an
//     infinitesimal ε.
//   - A point on the outer boundary of the whole set (the coast, the
//     international border, the rim of a hole that no unit fills) belongs to
//     the unit whose boundary it lies on, the smallest P-code if several.
//
// Holes are honoured: a point inside a unit's hole is not in that unit; it is
// in the enclave unit that fills the hole, if one was given. If units do
// overlap (invalid data), the unit with the smallest P-code among those
// containing the point wins. "On a border" means on it as computed in float64
// arithmetic on the stored coordinates.
type Locator struct {
	units []*Unit // the indexed units, sorted by P-code

	// The grid: nx × ny square cells of side size degrees whose south-west
	// corner is (minX, minY). inv is 1/size.
	minX, minY, size, inv float64
	nx, ny                int

	// cellOff[c]:cellOff[c+1] are the candidates of cell c in cands,
	// ordered by P-code. Most cells have none (outside every unit) or a
	// single full one (inside one unit).
	cellOff []uint32
	cands   []candidate
	// edges holds, for each unit and each grid row it spans, that unit's
	// edges overlapping the row, sorted by easternmost x, largest first.
	edges []edge
}

// candidate is one unit that may contain points of a grid cell.
type candidate struct {
	unit uint32 // index in Locator.units
	// full reports that the unit contains the whole cell: no edge test is
	// needed.
	full bool
	// edges[lo:hi] are the unit's edges that may cross an eastward ray
	// from any point of the cell: those overlapping the cell's row and
	// reaching at least as far east as the cell's west side.
	lo, hi uint32
}

// edge is one boundary segment from (ax, ay) to (bx, by), stored with its
// lower end first (ay <= by) so that a border shared by two units is the very
// same edge, computed the same way, in both.
type edge struct{ ax, ay, bx, by float64 }

// cellsPerEdge sets the grid resolution: the grid has about this many cells
// per boundary edge. On the 5,160 unions (226,000 edges) that is a grid of
// 0.011° (about 1.2 km): 54 % of its cells lie outside every unit, 18 %
// inside one, 28 % on a border; the index takes 12.8 MB. Finer grids were
// barely faster (a quarter faster at 8 cells per edge for 2.8 times the
// memory).
const cellsPerEdge = 1

// maxCells bounds the grid so that a few huge sparse polygons cannot blow up
// memory.
const maxCells = 1 << 23

// NewLocator indexes units for Locate. Units without geometry are ignored;
// units are expected not to overlap (the COD-AB units of one level do not).
// The Locator keeps the *Unit pointers it is given and returns them from
// Locate; it does not modify them.
func NewLocator(units []*Unit) *Locator {
	l := &Locator{}
	for _, u := range units {
		if u != nil && len(u.Geometry) > 0 {
			l.units = append(l.units, u)
		}
	}
	slices.SortStableFunc(l.units, func(a, b *Unit) int {
		switch {
		case a.PCode < b.PCode:
			return -1
		case a.PCode > b.PCode:
			return 1
		}
		return 0
	})

	// Collect every unit's edges, normalised lower end first.
	unitEdges := make([][]edge, len(l.units))
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	total := 0
	for i, u := range l.units {
		unitEdges[i] = ringEdges(u.Geometry)
		for _, e := range unitEdges[i] {
			ext = ext.Extend(orb.Point{e.ax, e.ay}).Extend(orb.Point{e.bx, e.by})
		}
		total += len(unitEdges[i])
	}
	l.cellOff = []uint32{0}
	if total == 0 {
		return l
	}
	l.layoutGrid(ext, total)

	// Build each unit's row bands and its candidate entries, then sort the
	// entries into cells (a counting sort, stable, so cells keep P-code
	// order).
	var pairs []cellCand
	for i := range l.units {
		pairs = l.indexUnit(uint32(i), unitEdges[i], pairs)
	}
	ncell := l.nx * l.ny
	l.cellOff = make([]uint32, ncell+1)
	for _, p := range pairs {
		l.cellOff[p.cell+1]++
	}
	for c := 0; c < ncell; c++ {
		l.cellOff[c+1] += l.cellOff[c]
	}
	l.cands = make([]candidate, len(pairs))
	next := slices.Clone(l.cellOff[:ncell])
	for _, p := range pairs {
		l.cands[next[p.cell]] = p.cand
		next[p.cell]++
	}
	return l
}

// cellCand is a candidate waiting to be sorted into its cell.
type cellCand struct {
	cell uint32
	cand candidate
}

// ringEdges returns the non-degenerate edges of every ring of mp, lower end
// first. Rings may be closed (first point repeated) or not.
func ringEdges(mp orb.MultiPolygon) []edge {
	var out []edge
	for _, poly := range mp {
		for _, r := range poly {
			n := len(r)
			for i := 0; i < n; i++ {
				a, b := r[i], r[(i+1)%n]
				if a == b {
					continue
				}
				if a[1] > b[1] || (a[1] == b[1] && a[0] > b[0]) {
					a, b = b, a
				}
				out = append(out, edge{a[0], a[1], b[0], b[1]})
			}
		}
	}
	return out
}

// layoutGrid chooses the cell size for nedges edges over the extent ext.
func (l *Locator) layoutGrid(ext orb.Bound, nedges int) {
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	size := math.Sqrt(w * h / (cellsPerEdge * float64(nedges)))
	if size == 0 || math.IsNaN(size) { // all edges on one line
		size = math.Max(w, h) / float64(nedges)
	}
	if size == 0 {
		size = 1
	}
	for (int(w/size)+1)*(int(h/size)+1) > maxCells {
		size *= 1.25
	}
	l.minX, l.minY = ext.Min[0], ext.Min[1]
	l.size, l.inv = size, 1/size
	l.nx, l.ny = int(w/size)+1, int(h/size)+1
}

// col and row return the grid column and row of x and y, clamped to the
// grid.
func (l *Locator) col(x float64) int {
	return min(max(int((x-l.minX)*l.inv), 0), l.nx-1)
}

func (l *Locator) row(y float64) int {
	return min(max(int((y-l.minY)*l.inv), 0), l.ny-1)
}

// indexUnit appends unit ui's row bands to l.edges and its candidate entries
// to pairs.
//
// All cell rectangles here are widened by a margin far larger than float64
// rounding (and far smaller than any real feature) so that a point which
// Locate's arithmetic puts in a cell is always covered by what was computed
// for that cell.
func (l *Locator) indexUnit(ui uint32, edges []edge, pairs []cellCand) []cellCand {
	m := l.size * 1e-6
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, e := range edges {
		b = b.Extend(orb.Point{e.ax, e.ay}).Extend(orb.Point{e.bx, e.by})
	}
	c0, c1 := l.col(b.Min[0]-m), l.col(b.Max[0]+m)
	r0, r1 := l.row(b.Min[1]-m), l.row(b.Max[1]+m)
	w := c1 - c0 + 1

	bands := make([][]edge, r1-r0+1)
	touched := make([]bool, w*(r1-r0+1))
	for _, e := range edges {
		er0, er1 := l.row(e.ay-m), l.row(e.by+m)
		for r := er0; r <= er1; r++ {
			bands[r-r0] = append(bands[r-r0], e)
		}
		ec0, ec1 := l.col(min(e.ax, e.bx)-m), l.col(max(e.ax, e.bx)+m)
		for r := er0; r <= er1; r++ {
			for c := ec0; c <= ec1; c++ {
				if !touched[(r-r0)*w+c-c0] && e.touches(l.cellRect(c, r, m)) {
					touched[(r-r0)*w+c-c0] = true
				}
			}
		}
	}

	for r := r0; r <= r1; r++ {
		band := bands[r-r0]
		slices.SortFunc(band, func(p, q edge) int {
			// Largest easternmost x first.
			px, qx := max(p.ax, p.bx), max(q.ax, q.bx)
			switch {
			case px > qx:
				return -1
			case px < qx:
				return 1
			}
			return 0
		})
		lo := uint32(len(l.edges))
		l.edges = append(l.edges, band...)
		for c := c0; c <= c1; c++ {
			cell := uint32(r*l.nx + c)
			rect := l.cellRect(c, r, m)
			if touched[(r-r0)*w+c-c0] {
				n := sort.Search(len(band), func(i int) bool {
					return max(band[i].ax, band[i].bx) < rect.Min[0]
				})
				pairs = append(pairs, cellCand{cell, candidate{unit: ui, lo: lo, hi: lo + uint32(n)}})
				continue
			}
			// No edge of the unit comes near the cell: the unit holds all
			// of it or none of it, and its centre decides which.
			if crosses(band, rect.Center()) {
				pairs = append(pairs, cellCand{cell, candidate{unit: ui, full: true}})
			}
		}
	}
	return pairs
}

// cellRect returns the rectangle of cell (c, r) widened by m on every side.
func (l *Locator) cellRect(c, r int, m float64) orb.Bound {
	x0 := l.minX + float64(c)*l.size
	y0 := l.minY + float64(r)*l.size
	return orb.Bound{
		Min: orb.Point{x0 - m, y0 - m},
		Max: orb.Point{x0 + l.size + m, y0 + l.size + m},
	}
}

// touches reports whether the segment meets the closed rectangle r.
func (e edge) touches(r orb.Bound) bool {
	if max(e.ax, e.bx) < r.Min[0] || min(e.ax, e.bx) > r.Max[0] || e.by < r.Min[1] || e.ay > r.Max[1] {
		return false
	}
	// The bounding boxes overlap: the segment misses the rectangle only if
	// all four corners lie strictly on one side of its line.
	var pos, neg bool
	for _, p := range [4]orb.Point{r.Min, r.Max, {r.Min[0], r.Max[1]}, {r.Max[0], r.Min[1]}} {
		s := e.side(p[0], p[1])
		pos = pos || s >= 0
		neg = neg || s <= 0
	}
	return pos && neg
}

// side returns a positive number when (x, y) lies left of the edge directed
// from its lower to its upper end, negative when right, zero when on its
// line.
func (e edge) side(x, y float64) float64 {
	return (e.bx-e.ax)*(y-e.ay) - (e.by-e.ay)*(x-e.ax)
}

// crosses reports whether an eastward ray from p crosses an odd number of
// edges: the crossing-number test. An edge counts when p's y lies in
// [ay, by) and p lies strictly left of it, which places points on an edge
// on its east side (and on a horizontal edge, above it).
func crosses(edges []edge, p orb.Point) bool {
	x, y := p[0], p[1]
	in := false
	for i := range edges {
		e := &edges[i]
		if e.ay <= y && y < e.by && (e.bx-e.ax)*(y-e.ay) > (e.by-e.ay)*(x-e.ax) {
			in = !in
		}
	}
	return in
}

// Locate returns the unit containing pt (longitude, latitude), following the
// border rules in the Locator documentation. It returns false when no unit
// contains pt, including for NaN coordinates.
func (l *Locator) Locate(pt orb.Point) (*Unit, bool) {
	fx := (pt[0] - l.minX) * l.inv
	fy := (pt[1] - l.minY) * l.inv
	if !(fx >= 0 && fy >= 0 && fx < float64(l.nx) && fy < float64(l.ny)) {
		return nil, false
	}
	c := int(fy)*l.nx + int(fx)
	cands := l.cands[l.cellOff[c]:l.cellOff[c+1]]
	for i := range cands {
		cd := &cands[i]
		if cd.full || crosses(l.edges[cd.lo:cd.hi], pt) {
			return l.units[cd.unit], true
		}
	}
	// Not inside any unit by the half-open rule; it may still lie on the
	// outer boundary of one.
	for i := range cands {
		for _, e := range l.edges[cands[i].lo:cands[i].hi] {
			if e.on(pt) {
				return l.units[cands[i].unit], true
			}
		}
	}
	return nil, false
}

// on reports whether p lies on the closed segment.
func (e edge) on(p orb.Point) bool {
	return e.ay <= p[1] && p[1] <= e.by &&
		min(e.ax, e.bx) <= p[0] && p[0] <= max(e.ax, e.bx) &&
		e.side(p[0], p[1]) == 0
}

// memSize returns the bytes held by the index (not counting the units).
func (l *Locator) memSize() int {
	return len(l.units)*8 + len(l.cellOff)*4 + len(l.cands)*16 + len(l.edges)*32
}
