package cluster

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// MaxConcaveMembers is the largest number of distinct member locations
// Outline digs a concave hull for; larger clusters get their convex hull,
// as the digging costs up to members × hull vertices steps.
const MaxConcaveMembers = 20_000

// degenerateBuffer is how far (degrees, about a metre) the outline of
// members that all lie on one line or point is drawn around them.
const degenerateBuffer = 1e-5

// vec is a point in the local plane: x = lon·cos φ₀, y = lat, in degrees.
type vec struct{ x, y float64 }

func (a vec) sub(b vec) vec       { return vec{a.x - b.x, a.y - b.y} }
func (a vec) cross(b vec) float64 { return a.x*b.y - a.y*b.x }
func (a vec) dot(b vec) float64   { return a.x*b.x + a.y*b.y }
func (a vec) dist(b vec) float64  { return math.Hypot(a.x-b.x, a.y-b.y) }
func orient(a, b, c vec) float64  { return b.sub(a).cross(c.sub(a)) }
func onSegment(a, b, p vec) bool  { return orient(a, b, p) == 0 && p.sub(a).dot(p.sub(b)) <= 0 }

// Outline returns a polygon around pts (lon, lat): a concave hull that
// follows the points more closely than their convex hull, and whether it
// is concave (false means the convex hull). The polygon is valid — one
// closed, counter-clockwise ring that does not cross itself — and every
// point lies inside it or on its boundary.
//
// The concave hull is a χ-shape (Duckham et al., Pattern Recognition 41,
// 2008) found without a triangulation: starting from the convex hull, an
// edge a-b longer than maxEdgeM metres is replaced by the two edges to the
// inner point that sees a-b under the widest angle — the third vertex of
// the Delaunay triangle on a-b — when they cross no edge of the ring;
// digging goes on until no edge can be dug. Distances are
// planar in an equirectangular projection centred on the points, which is
// within 0.1 % of the geodesic over a cluster's few kilometres.
//
// Fewer than 4 distinct points, more than MaxConcaveMembers, or a dig that
// changes nothing give the convex hull; points on one line or one spot get
// a ring about a metre around them. Points must not straddle the
// antimeridian.
func Outline(pts []orb.Point, maxEdgeM float64) (orb.Polygon, bool) {
	if len(pts) == 0 {
		return nil, false
	}
	var lat0 float64
	for _, p := range pts {
		lat0 += p[1]
	}
	k := math.Cos(lat0 / float64(len(pts)) * math.Pi / 180)
	vs := make([]vec, 0, len(pts))
	for _, p := range pts {
		vs = append(vs, vec{p[0] * k, p[1]})
	}
	slices.SortFunc(vs, func(a, b vec) int {
		if a.x != b.x {
			return cmp.Compare(a.x, b.x)
		}
		return cmp.Compare(a.y, b.y)
	})
	vs = slices.Compact(vs)
	ring := convexHull(vs)
	concave := false
	if len(ring) < 3 {
		// One spot or one line: the hull of the points pushed out a little.
		d := degenerateBuffer
		var wide []vec
		for _, v := range vs {
			wide = append(wide, vec{v.x - d*k, v.y - d}, vec{v.x + d*k, v.y - d}, vec{v.x - d*k, v.y + d}, vec{v.x + d*k, v.y + d})
		}
		slices.SortFunc(wide, func(a, b vec) int {
			if a.x != b.x {
				return cmp.Compare(a.x, b.x)
			}
			return cmp.Compare(a.y, b.y)
		})
		vs, ring = wide, convexHull(wide)
	} else if len(vs) >= 4 && len(vs) <= MaxConcaveMembers {
		maxEdge := maxEdgeM / EarthRadius * 180 / math.Pi
		var dug bool
		ring, dug = dig(vs, ring, maxEdge)
		concave = dug
	}
	out := make(orb.Ring, 0, len(ring)+1)
	for _, i := range ring {
		out = append(out, orb.Point{vs[i].x / k, vs[i].y})
	}
	out = append(out, out[0])
	return orb.Polygon{out}, concave
}

// convexHull returns the indices of the convex hull of vs (sorted by x
// then y, distinct) counter-clockwise, without collinear points: Andrew's
// monotone chain.
func convexHull(vs []vec) []int {
	if len(vs) < 3 {
		return nil
	}
	var h []int
	for pass := 0; pass < 2; pass++ {
		start := len(h)
		for j := range vs {
			i := j
			if pass == 1 {
				i = len(vs) - 1 - j
			}
			for len(h) >= start+2 && orient(vs[h[len(h)-2]], vs[h[len(h)-1]], vs[i]) <= 0 {
				h = h[:len(h)-1]
			}
			h = append(h, i)
		}
		h = h[:len(h)-1]
	}
	if len(h) < 3 {
		return nil
	}
	return h
}

// dig turns the convex hull ring into a concave one (see Outline).
func dig(vs []vec, ring []int, maxEdge float64) ([]int, bool) {
	n := len(vs)
	next := make([]int, n)
	onRing := make([]bool, n)
	for j, i := range ring {
		next[i] = ring[(j+1)%len(ring)]
		onRing[i] = true
	}
	count := len(ring)
	// crossesRing reports whether segment p-q (p on the ring) meets a ring
	// edge anywhere but at p itself.
	crossesRing := func(p, q int, skipA, skipB int) bool {
		a0 := ring[0]
		a := a0
		for {
			b := next[a]
			if !(a == skipA && b == skipB) && segmentsMeet(vs, p, q, a, b) {
				return true
			}
			a = b
			if a == a0 {
				return false
			}
		}
	}
	type cand struct {
		i int
		d float64 // cosine of the angle a, i, b
	}
	dug := false
	stack := slices.Clone(ring)
	var cands []cand
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b := next[a]
		l := vs[a].dist(vs[b])
		if l <= maxEdge {
			continue
		}
		// The inner point that sees a-b under the widest angle: no point
		// lies inside triangle a, q, b (it would see a-b wider still), so
		// cutting the triangle off leaves every point inside.
		cands = cands[:0]
		for i := range vs {
			if onRing[i] || orient(vs[a], vs[b], vs[i]) <= 0 {
				continue
			}
			u, w := vs[a].sub(vs[i]), vs[b].sub(vs[i])
			c := cand{i, u.dot(w) / (math.Hypot(u.x, u.y) * math.Hypot(w.x, w.y))}
			// Keep the 8 widest angles, sorted.
			if len(cands) == 8 && c.d >= cands[7].d {
				continue
			}
			if len(cands) < 8 {
				cands = append(cands, c)
			} else {
				cands[7] = c
			}
			for j := len(cands) - 1; j > 0 && cands[j].d < cands[j-1].d; j-- {
				cands[j], cands[j-1] = cands[j-1], cands[j]
			}
		}
		for _, c := range cands {
			q := c.i
			if crossesRing(a, q, a, b) || crossesRing(b, q, a, b) || pointInTriangle(vs, a, q, b, onRing) {
				continue
			}
			next[a], next[q] = q, b
			onRing[q] = true
			ring[0] = a // keep a ring vertex as the walk's start
			count++
			stack = append(stack, a, q)
			dug = true
			break
		}
	}
	out := make([]int, 0, count)
	a0 := ring[0]
	for a := a0; ; {
		out = append(out, a)
		if a = next[a]; a == a0 {
			break
		}
	}
	return out, dug
}

// segmentsMeet reports whether segment p-q, whose end p is a ring vertex,
// meets segment a-b anywhere but at a shared end point that is p (or the
// shared end of two consecutive ring edges).
func segmentsMeet(vs []vec, p, q, a, b int) bool {
	if a == p || b == p {
		// Sharing p: they meet elsewhere only if collinear and overlapping.
		o := b
		if b == p {
			o = a
		}
		return orient(vs[p], vs[q], vs[o]) == 0 && vs[o].sub(vs[p]).dot(vs[q].sub(vs[p])) > 0
	}
	if a == q || b == q {
		return true // q would become a second visit of a ring vertex
	}
	P, Q, A, B := vs[p], vs[q], vs[a], vs[b]
	d1, d2 := orient(P, Q, A), orient(P, Q, B)
	d3, d4 := orient(A, B, P), orient(A, B, Q)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return onSegment(P, Q, A) || onSegment(P, Q, B) || onSegment(A, B, P) || onSegment(A, B, Q)
}

// pointInTriangle reports whether some point not on the ring lies strictly
// inside triangle a, q, b (q excluded): cutting it off would leave that
// point outside.
func pointInTriangle(vs []vec, a, q, b int, onRing []bool) bool {
	A, Q, B := vs[a], vs[q], vs[b]
	minX, maxX := min(A.x, Q.x, B.x), max(A.x, Q.x, B.x)
	minY, maxY := min(A.y, Q.y, B.y), max(A.y, Q.y, B.y)
	for i, v := range vs {
		if onRing[i] || i == q || v.x < minX || v.x > maxX || v.y < minY || v.y > maxY {
			continue
		}
		// The triangle a→q→b is clockwise (q lies left of a→b).
		if orient(A, Q, v) <= 0 && orient(Q, B, v) <= 0 && orient(B, A, v) <= 0 {
			return true
		}
	}
	return false
}

// segDist is the distance from p to segment a-b.
func segDist(a, b, p vec) float64 {
	ab := b.sub(a)
	t := p.sub(a).dot(ab) / ab.dot(ab)
	t = math.Max(0, math.Min(1, t))
	return p.dist(vec{a.x + t*ab.x, a.y + t*ab.y})
}
