package geo

import (
	"container/heap"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Place labels: where a unit's name is written on a map, and how much room
// it has there.

// kmPerDegree is the length of one degree of latitude (and of longitude at
// the equator) on a sphere of the mean Earth radius, 6,371.0088 km.
const kmPerDegree = 6371.0088 * math.Pi / 180

// Label is where a map writes a unit's name.
type Label struct {
	PCode  string
	Level  Level
	NameEN string // current official English name (Unit.DisplayName)
	NameBN string // Bangla name; may be empty
	// Point is the pole of inaccessibility of the unit: the point inside it
	// farthest from its border, in the part (of a multipolygon) where that
	// distance is greatest. Unlike a centroid it always lies inside.
	Point orb.Point
	// RoomKM is the distance in kilometres from Point to the nearest border
	// of the unit: the radius of the largest circle around Point that stays
	// inside. A map can tell from it whether a name fits at a zoom.
	RoomKM  float64
	AreaKM2 float64
	// Rank orders the labels of one level by prominence, 1 first: by area,
	// largest first, then by RoomKM, then by P-code.
	Rank int
}

// Labels returns the labels of units, in the order of the units, each
// level ranked on its own. A unit without geometry keeps its stored label
// point (Unit.Label) with no room (RoomKM 0).
func Labels(units []*Unit) []Label {
	out := make([]Label, len(units))
	for i, u := range units {
		l := Label{PCode: u.PCode, Level: u.Level, NameEN: u.DisplayName(), NameBN: u.NameBN, Point: u.Label, AreaKM2: u.AreaKM2}
		if len(u.Geometry) > 0 {
			l.Point, l.RoomKM = LabelPoint(u.Geometry)
		}
		out[i] = l
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := &out[order[a]], &out[order[b]]
		switch {
		case x.Level != y.Level:
			return x.Level < y.Level
		case x.AreaKM2 != y.AreaKM2:
			return x.AreaKM2 > y.AreaKM2
		case x.RoomKM != y.RoomKM:
			return x.RoomKM > y.RoomKM
		}
		return x.PCode < y.PCode
	})
	rank, level := 0, Level(-1)
	for _, i := range order {
		if out[i].Level != level {
			rank, level = 0, out[i].Level
		}
		rank++
		out[i].Rank = rank
	}
	return out
}

// LabelPoint returns the pole of inaccessibility of mp (EPSG:4326) and its
// distance to mp's border in kilometres. Each polygon is searched on a
// plane where a degree of longitude is shortened by the cosine of the
// polygon's middle latitude, with the quadtree search of Agafonkin's
// "polylabel" (Mapbox, 2016) to within 0.1 % of the polygon's size; the
// polygon whose pole lies farthest from its border wins. Holes count as
// border. An empty multipolygon returns the zero point and 0.
func LabelPoint(mp orb.MultiPolygon) (orb.Point, float64) {
	var best orb.Point
	bestDist := -1.0
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 3 {
			continue
		}
		b := p.Bound()
		k := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
		// No point of p lies farther than half its shorter side from its border.
		if math.Min((b.Max[0]-b.Min[0])*k, b.Max[1]-b.Min[1])/2 <= bestDist {
			continue
		}
		pt, d := pole(p, k)
		if d > bestDist {
			best, bestDist = pt, d
		}
	}
	if bestDist < 0 {
		return orb.Point{}, 0
	}
	return best, bestDist * kmPerDegree
}

// cell is a square of the polylabel search: its centre, half its side, the
// signed distance from its centre to the polygon's border (positive
// inside) and the most any point in it can have.
type cell struct {
	x, y, h, d, max float64
}

func newCell(x, y, h float64, p orb.Polygon, k float64) cell {
	d := signedDistance(x, y, p, k)
	return cell{x: x, y: y, h: h, d: d, max: d + h*math.Sqrt2}
}

// cells is a max-heap of cells by the most they can have.
type cells []cell

func (c cells) Len() int           { return len(c) }
func (c cells) Less(i, j int) bool { return c[i].max > c[j].max }
func (c cells) Swap(i, j int)      { c[i], c[j] = c[j], c[i] }
func (c *cells) Push(x any)        { *c = append(*c, x.(cell)) }
func (c *cells) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

// pole searches polygon p for the point farthest inside it, on the plane
// x = lon·k, y = lat; it returns that point in lon/lat and its distance in
// degrees of latitude.
func pole(p orb.Polygon, k float64) (orb.Point, float64) {
	b := p.Bound()
	x0, y0, x1, y1 := b.Min[0]*k, b.Min[1], b.Max[0]*k, b.Max[1]
	size := math.Min(x1-x0, y1-y0)
	if size <= 0 {
		return orb.Point{p[0][0][0], p[0][0][1]}, 0
	}
	precision := math.Max(x1-x0, y1-y0) / 1000
	h := size / 2
	q := &cells{}
	for x := x0; x < x1; x += size {
		for y := y0; y < y1; y += size {
			heap.Push(q, newCell(x+h, y+h, h, p, k))
		}
	}
	// Start from the widest stretch's middle, which is inside, so a thin or
	// odd shape still gets a point inside it.
	ip := InteriorPoint(orb.MultiPolygon{p})
	best := newCell(ip[0]*k, ip[1], 0, p, k)
	if c := newCell((x0+x1)/2, (y0+y1)/2, 0, p, k); c.d > best.d {
		best = c
	}
	for q.Len() > 0 {
		c := heap.Pop(q).(cell)
		if c.d > best.d {
			best = c
		}
		if c.max-best.d <= precision {
			continue
		}
		h := c.h / 2
		heap.Push(q, newCell(c.x-h, c.y-h, h, p, k))
		heap.Push(q, newCell(c.x+h, c.y-h, h, p, k))
		heap.Push(q, newCell(c.x-h, c.y+h, h, p, k))
		heap.Push(q, newCell(c.x+h, c.y+h, h, p, k))
	}
	return orb.Point{best.x / k, best.y}, best.d
}

// signedDistance is the distance from (x, y) to the border of p on the
// plane x = lon·k, y = lat: positive inside p, negative outside.
func signedDistance(x, y float64, p orb.Polygon, k float64) float64 {
	inside := false
	min := math.Inf(1)
	for _, ring := range p {
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			ax, ay := ring[i][0]*k, ring[i][1]
			bx, by := ring[j][0]*k, ring[j][1]
			if (ay > y) != (by > y) && x < (bx-ax)*(y-ay)/(by-ay)+ax {
				inside = !inside
			}
			if d := segmentDistance2(x, y, ax, ay, bx, by); d < min {
				min = d
			}
		}
	}
	d := math.Sqrt(min)
	if !inside {
		return -d
	}
	return d
}

// segmentDistance2 is the squared distance from (x, y) to the segment
// from (ax, ay) to (bx, by).
func segmentDistance2(x, y, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	if dx != 0 || dy != 0 {
		t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
		switch {
		case t > 1:
			ax, ay = bx, by
		case t > 0:
			ax, ay = ax+dx*t, ay+dy*t
		}
	}
	dx, dy = x-ax, y-ay
	return dx*dx + dy*dy
}
