package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// World coordinates are Web Mercator scaled to the unit square: x from 0 at
// 180°W to 1 at 180°E, y from 0 at the northern limit of the projection to 1
// at the southern one, so that tile (z, x, y) covers
// [x/2^z, (x+1)/2^z] × [y/2^z, (y+1)/2^z].

// maxLat is the latitude at which Web Mercator becomes a square.
const maxLat = 85.05112877980659

// toWorld projects an EPSG:4326 lon/lat point to world coordinates.
// Latitudes beyond ±maxLat are clamped.
func toWorld(p orb.Point) orb.Point {
	lat := math.Max(-maxLat, math.Min(maxLat, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return orb.Point{
		(p[0] + 180) / 360,
		0.5 - math.Log((1+s)/(1-s))/(4*math.Pi),
	}
}

// toLonLat is the inverse of toWorld.
func toLonLat(p orb.Point) orb.Point {
	n := math.Pi - 2*math.Pi*p[1]
	return orb.Point{p[0]*360 - 180, 180 / math.Pi * math.Atan(math.Sinh(n))}
}

// transform returns a copy of g with f applied to every point. It supports
// the point, line and polygon types and their multi forms; other types
// return nil.
func transform(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		return orb.MultiPoint(transformPoints(g, f))
	case orb.LineString:
		return orb.LineString(transformPoints(g, f))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			out[i] = transformPoints(ls, f)
		}
		return out
	case orb.Ring:
		return orb.Polygon{transformPoints(g, f)}
	case orb.Polygon:
		return transformPolygon(g, f)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = transformPolygon(p, f)
		}
		return out
	case orb.Bound:
		return transformPolygon(g.ToPolygon(), f)
	}
	return nil
}

func transformPolygon(p orb.Polygon, f func(orb.Point) orb.Point) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = transformPoints(r, f)
	}
	return out
}

func transformPoints[S ~[]orb.Point](ps S, f func(orb.Point) orb.Point) S {
	out := make(S, len(ps))
	for i, p := range ps {
		out[i] = f(p)
	}
	return out
}

// ringArea returns twice the signed area of r by the shoelace formula:
// positive when r turns counter-clockwise in a y-up frame, which is
// clockwise on screen in a y-down frame such as tile coordinates. The ring
// may be closed or open.
func ringArea(r []orb.Point) float64 {
	if len(r) < 3 {
		return 0
	}
	var a float64
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i < len(r)-1; i++ {
		a += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return a
}

// quantize rounds a geometry in tile coordinates to whole units and drops
// what rounding makes degenerate: repeated points, rings with fewer than
// three distinct corners or no area, lines with fewer than two distinct
// points. Polygon rings come out wound as MVT version 2 requires: exterior
// rings with positive area in tile coordinates (clockwise on screen, y
// down), holes negative. It returns nil when nothing is left.
func quantize(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return roundPoint(g)
	case orb.MultiPoint:
		out := make(orb.MultiPoint, len(g))
		for i, p := range g {
			out[i] = roundPoint(p)
		}
		return out
	case orb.LineString:
		if ls := quantizeLine(g); ls != nil {
			return ls
		}
	case orb.MultiLineString:
		var out orb.MultiLineString
		for _, ls := range g {
			if q := quantizeLine(ls); q != nil {
				out = append(out, q)
			}
		}
		if len(out) > 0 {
			return out
		}
	case orb.Polygon:
		if p := quantizePolygon(g); p != nil {
			return p
		}
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for _, p := range g {
			if q := quantizePolygon(p); q != nil {
				out = append(out, q)
			}
		}
		switch len(out) {
		case 0:
		case 1:
			return out[0]
		default:
			return out
		}
	}
	return nil
}

func roundPoint(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]), math.Round(p[1])}
}

// roundDedup rounds ps in place and removes consecutive repeats.
func roundDedup(ps []orb.Point) []orb.Point {
	n := 0
	for _, p := range ps {
		p = roundPoint(p)
		if n > 0 && ps[n-1] == p {
			continue
		}
		ps[n] = p
		n++
	}
	return ps[:n]
}

func quantizeLine(ls orb.LineString) orb.LineString {
	ls = roundDedup(ls)
	if len(ls) < 2 {
		return nil
	}
	return ls
}

func quantizePolygon(p orb.Polygon) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		r = quantizeRing(r, i == 0)
		if r == nil {
			if i == 0 {
				return nil // no exterior, so no polygon
			}
			continue
		}
		out = append(out, append(r, r[0]))
	}
	return out
}

// quantizeRing rounds ring r (tile coordinates) in place, removes repeated
// points and the closing point, and winds it as MVT wants an exterior ring
// (positive area in tile coordinates) or a hole (negative). It returns the
// open ring, or nil when fewer than three corners or no area are left.
func quantizeRing(r []orb.Point, exterior bool) []orb.Point {
	r = roundDedup(r)
	if len(r) > 1 && r[0] == r[len(r)-1] {
		r = r[:len(r)-1]
	}
	a := ringArea(r)
	if len(r) < 3 || a == 0 {
		return nil
	}
	if exterior != (a > 0) {
		reverse(r)
	}
	return r
}

func reverse(ps []orb.Point) {
	for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
		ps[i], ps[j] = ps[j], ps[i]
	}
}
