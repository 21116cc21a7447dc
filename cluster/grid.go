package cluster

import (
	"cmp"
	"math"
	"slices"
)

// grid is the spatial index of one DBSCAN run. Latitude is cut into rows
// of height θ/2 (θ = eps as a central angle); each row into columns whose
// width is chosen so that any two points of one cell are within eps of
// each other (ncols), and which divide 360° exactly so that columns
// wrap around the antimeridian. Points are sorted by (row, column): the
// cells of one row between two columns are one contiguous run of points,
// found by binary search.
//
// Distances are compared as chords of the unit sphere (|u−v|², exactly
// 4·hav of the central angle), which orders pairs as the haversine does
// without a trigonometric call per pair.
type grid struct {
	h       float64   // row height, radians
	rows    int       // number of rows from the south pole
	keys    []uint64  // per sorted position: row<<32 | column
	order   []int32   // per sorted position: index into the input subset
	x, y, z []float64 // per sorted position: unit vector
	ncache  []int32   // columns per row when rows are few enough to cache; 0 = not yet computed
	chord2  float64   // squared chord of eps
	theta   float64   // eps as a central angle
}

const (
	// cellMargin shrinks cells so that pairs in one cell are within eps
	// with room for rounding in the row and column arithmetic.
	cellMargin = 1e-6
)

// newGrid indexes n points given by their lon and lat (degrees) for
// neighbour queries within eps metres.
func newGrid(lon, lat func(int) float64, n int, eps float64) *grid {
	theta := eps / EarthRadius
	g := &grid{h: theta / 2, theta: theta}
	g.rows = int(math.Ceil(math.Pi/g.h)) + 1
	if g.rows <= 1<<22 {
		g.ncache = make([]int32, g.rows)
	}
	c := 2 * math.Sin(theta/2)
	g.chord2 = c * c
	type item struct {
		key uint64
		i   int32
	}
	items := make([]item, n)
	for i := range n {
		items[i] = item{g.key(lon(i)*math.Pi/180, lat(i)*math.Pi/180), int32(i)}
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.i, b.i)
	})
	g.keys = make([]uint64, n)
	g.order = make([]int32, n)
	g.x, g.y, g.z = make([]float64, n), make([]float64, n), make([]float64, n)
	for p, it := range items {
		g.keys[p], g.order[p] = it.key, it.i
		phi, lam := lat(int(it.i))*math.Pi/180, lon(int(it.i))*math.Pi/180
		g.x[p] = math.Cos(phi) * math.Cos(lam)
		g.y[p] = math.Cos(phi) * math.Sin(lam)
		g.z[p] = math.Sin(phi)
	}
	return g
}

// row returns the row of latitude phi (radians).
func (g *grid) row(phi float64) int {
	return min(max(int(math.Floor((phi+math.Pi/2)/g.h)), 0), g.rows-1)
}

// rowSpan returns the latitudes (radians) bounding row r.
func (g *grid) rowSpan(r int) (lo, hi float64) {
	return float64(r)*g.h - math.Pi/2, math.Min(float64(r+1)*g.h-math.Pi/2, math.Pi/2)
}

// ncols returns the number of columns of row r: the fewest that keep every
// pair of points of a cell within eps. With hav(d) = hav(Δφ) +
// cos φ₁ cos φ₂ hav(Δλ), Δφ ≤ h and cos φ ≤ cos φmin of the row, a width w
// with hav(h) + cos²φmin·hav(w) ≤ hav(θ) suffices.
func (g *grid) ncols(r int) int {
	if g.ncache != nil && g.ncache[r] != 0 {
		return int(g.ncache[r])
	}
	n := g.computeCols(r)
	if g.ncache != nil {
		g.ncache[r] = int32(n)
	}
	return n
}

func (g *grid) computeCols(r int) int {
	lo, hi := g.rowSpan(r)
	minAbs := 0.0
	if lo > 0 {
		minAbs = lo
	} else if hi < 0 {
		minAbs = -hi
	}
	cosMin := math.Cos(minAbs)
	hav := func(a float64) float64 { s := math.Sin(a / 2); return s * s }
	hw := (hav(g.theta)*(1-cellMargin) - hav(g.h)) / (cosMin * cosMin)
	if hw >= 1 {
		return 1
	}
	w := 2 * math.Asin(math.Sqrt(hw))
	return int(math.Min(math.Ceil(2*math.Pi/w), 1<<30))
}

// key returns the cell key of a point given in radians.
func (g *grid) key(lam, phi float64) uint64 {
	r := g.row(phi)
	nc := g.ncols(r)
	c := min(int(math.Floor((lam+math.Pi)/(2*math.Pi)*float64(nc))), nc-1)
	return uint64(r)<<32 | uint64(c)
}

// span is a run [lo, hi) of sorted positions.
type span struct{ lo, hi int32 }

// near appends to dst the runs of points that may lie within eps of some
// point of the cell holding sorted position p: rows within two of it, and
// in each the columns within the longitude slack that eps allows there.
// Runs are in key order and do not overlap.
func (g *grid) near(dst []span, p int) []span {
	k := g.keys[p]
	r, c := int(k>>32), int(uint32(k))
	nc := g.ncols(r)
	cellLo := float64(c)/float64(nc)*2*math.Pi - math.Pi
	cellHi := float64(c+1)/float64(nc)*2*math.Pi - math.Pi
	r0, r1 := max(r-2, 0), min(r+2, g.rows-1)
	// The largest |latitude| of the rows scanned bounds cos φ₁ cos φ₂
	// from below: hav(Δλ) ≤ hav(θ) / cos²φmax.
	lo, _ := g.rowSpan(r0)
	_, hi := g.rowSpan(r1)
	cosMax := math.Cos(math.Max(math.Abs(lo), math.Abs(hi)))
	s := math.Sin(g.theta / 2)
	var slack float64
	if cosMax <= 0 || s/cosMax >= 1 {
		slack = 2 * math.Pi
	} else {
		slack = 2*math.Asin(s/cosMax)*(1+cellMargin) + 1e-12
	}
	for rr := r0; rr <= r1; rr++ {
		n := g.ncols(rr)
		if slack >= math.Pi || n == 1 {
			dst = g.run(dst, rr, 0, n-1)
			continue
		}
		f := float64(n) / (2 * math.Pi)
		a := int(math.Floor((cellLo - slack + math.Pi) * f))
		b := int(math.Floor((cellHi + slack + math.Pi) * f))
		switch {
		case b-a+1 >= n:
			dst = g.run(dst, rr, 0, n-1)
		case a < 0:
			dst = g.run(dst, rr, 0, b)
			dst = g.run(dst, rr, a+n, n-1)
		case b >= n:
			dst = g.run(dst, rr, 0, b-n)
			dst = g.run(dst, rr, a, n-1)
		default:
			dst = g.run(dst, rr, a, b)
		}
	}
	return dst
}

// run appends the positions of row r between columns a and b inclusive.
func (g *grid) run(dst []span, r, a, b int) []span {
	ka, kb := uint64(r)<<32|uint64(a), uint64(r)<<32|uint64(b)
	lo, _ := slices.BinarySearch(g.keys, ka)
	hi, _ := slices.BinarySearch(g.keys[lo:], kb+1)
	hi += lo
	if hi > lo {
		dst = append(dst, span{int32(lo), int32(hi)})
	}
	return dst
}

// within reports whether sorted positions p and q are within eps.
func (g *grid) within(p, q int) bool {
	dx, dy, dz := g.x[p]-g.x[q], g.y[p]-g.y[q], g.z[p]-g.z[q]
	return dx*dx+dy*dy+dz*dz <= g.chord2
}

// gridDBSCAN runs DBSCAN on points[idx[j]] (all points when idx is nil)
// and returns labels and core flags in the order of idx.
func gridDBSCAN(points []Point, idx []int32, eps float64, minPts int) ([]int, []bool) {
	n := len(points)
	at := func(j int) *Point { return &points[j] }
	if idx != nil {
		n = len(idx)
		at = func(j int) *Point { return &points[idx[j]] }
	}
	g := newGrid(func(j int) float64 { return at(j).Lon }, func(j int) float64 { return at(j).Lat }, n, eps)

	// Cells: cell[p] is the cell of sorted position p, start[c] its first
	// position (start[len] = n).
	cell := make([]int32, n)
	var start []int32
	for p := range n {
		if p == 0 || g.keys[p] != g.keys[p-1] {
			start = append(start, int32(p))
		}
		cell[p] = int32(len(start) - 1)
	}
	start = append(start, int32(n))
	ncell := len(start) - 1

	// Core points: a cell of at least minPts points is all core; otherwise
	// count the cell and then the neighbours within eps, stopping at minPts.
	core := make([]bool, n) // by sorted position
	hasCore := make([]bool, ncell)
	var spans []span
	for c := range ncell {
		a, b := int(start[c]), int(start[c+1])
		if b-a >= minPts {
			for p := a; p < b; p++ {
				core[p] = true
			}
			hasCore[c] = true
			continue
		}
		spans = g.near(spans[:0], a)
		for p := a; p < b; p++ {
			count := b - a
		scan:
			for _, s := range spans {
				for q := int(s.lo); q < int(s.hi); q++ {
					if (q < a || q >= b) && g.within(p, q) {
						if count++; count >= minPts {
							break scan
						}
					}
				}
			}
			if count >= minPts {
				core[p] = true
				hasCore[c] = true
			}
		}
	}

	// Join cells: two cells with cores are in one cluster when some core
	// of one lies within eps of some core of the other.
	parent := make([]int32, ncell)
	for c := range parent {
		parent[c] = int32(c)
	}
	find := func(c int32) int32 {
		for parent[c] != c {
			parent[c] = parent[parent[c]]
			c = parent[c]
		}
		return c
	}
	for c := range ncell {
		if !hasCore[c] {
			continue
		}
		a, b := int(start[c]), int(start[c+1])
		spans = g.near(spans[:0], a)
		for _, s := range spans {
			for d := int(cell[s.lo]); d <= int(cell[s.hi-1]); d++ {
				if d <= c || !hasCore[d] || find(int32(c)) == find(int32(d)) {
					continue
				}
				if g.coresMeet(core, a, b, int(start[d]), int(start[d+1])) {
					parent[find(int32(d))] = find(int32(c))
				}
			}
		}
	}

	// Labels in the order of each cluster's lowest-index core point.
	pos := make([]int32, n)
	for p, j := range g.order {
		pos[j] = int32(p)
	}
	labels := make([]int, n)
	coreOut := make([]bool, n)
	rootLabel := map[int32]int{}
	for j := range n {
		labels[j] = Noise
		p := pos[j]
		if !core[p] {
			continue
		}
		coreOut[j] = true
		root := find(cell[p])
		l, ok := rootLabel[root]
		if !ok {
			l = len(rootLabel)
			rootLabel[root] = l
		}
		labels[j] = l
	}

	// Border points: the lowest label among the cores within eps.
	for c := range ncell {
		a, b := int(start[c]), int(start[c+1])
		spans = spans[:0]
		for p := a; p < b; p++ {
			if core[p] {
				continue
			}
			if len(spans) == 0 {
				spans = g.near(spans, a)
			}
			best := Noise
			for _, s := range spans {
				for q := int(s.lo); q < int(s.hi); q++ {
					if core[q] && ((q >= a && q < b) || g.within(p, q)) {
						if l := labels[g.order[q]]; best == Noise || l < best {
							best = l
						}
					}
				}
			}
			labels[g.order[p]] = best
		}
	}
	return labels, coreOut
}

// coresMeet reports whether a core in positions [a, b) lies within eps of
// a core in [c, d).
func (g *grid) coresMeet(core []bool, a, b, c, d int) bool {
	for p := a; p < b; p++ {
		if !core[p] {
			continue
		}
		for q := c; q < d; q++ {
			if core[q] && g.within(p, q) {
				return true
			}
		}
	}
	return false
}
