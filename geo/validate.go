package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho"
)

// Extent is the box every boundary must lie in: Bangladesh (lon 88.01–92.68,
// lat 20.59–26.63) with a margin of about half a degree for other editions
// of the data.
var Extent = orb.Bound{Min: orb.Point{87.5, 20.0}, Max: orb.Point{93.2, 27.2}}

// Validate checks a whole boundary set before it is stored: P-codes are
// well formed, unique and of the unit's level; every parent exists at the
// level above and is the prefix of its child's code; every level from
// division to union is present; geometries are valid (ValidGeometry) and lie
// inside Extent. Errors are EINVALID and name the P-code and field.
func Validate(units []*Unit) error {
	byCode := make(map[string]*Unit, len(units))
	var perLevel [Union + 1]int
	for _, u := range units {
		l, err := PCodeLevel(u.PCode)
		if err != nil {
			return err
		}
		if l != u.Level {
			return guccho.Errorf(guccho.EINVALID, "unit %s: field \"level\": %d, but the P-code is of level %d", u.PCode, u.Level, l)
		}
		if _, dup := byCode[u.PCode]; dup {
			return guccho.Errorf(guccho.EINVALID, "unit %s: duplicate P-code", u.PCode)
		}
		byCode[u.PCode] = u
		perLevel[l]++
	}
	for _, l := range Levels {
		if perLevel[l] == 0 {
			return guccho.Errorf(guccho.EINVALID, "no units of level %d (%s)", l, l)
		}
	}
	for _, u := range units {
		if u.Level == Country {
			continue
		}
		want := u.PCode[:len(u.PCode)-2]
		if u.Parent != want {
			return guccho.Errorf(guccho.EINVALID, "unit %s: field \"parent\": %q, want %q (the code without its last two digits)", u.PCode, u.Parent, want)
		}
		if _, ok := byCode[u.Parent]; !ok && u.Level > Division {
			return guccho.Errorf(guccho.EINVALID, "unit %s: field \"parent\": no unit %s in the set", u.PCode, u.Parent)
		}
		if u.NameEN == "" {
			return guccho.Errorf(guccho.EINVALID, "unit %s: field \"name_en\": empty", u.PCode)
		}
		if err := ValidGeometry(u.Geometry); err != nil {
			return guccho.Errorf(guccho.EINVALID, "unit %s: field \"geometry\": %s", u.PCode, guccho.ErrorMessage(err))
		}
		b := u.Geometry.Bound()
		if !Extent.Contains(b.Min) || !Extent.Contains(b.Max) {
			return guccho.Errorf(guccho.EINVALID, "unit %s: field \"geometry\": extent %v–%v lies outside Bangladesh (%v–%v); are longitude and latitude swapped?", u.PCode, b.Min, b.Max, Extent.Min, Extent.Max)
		}
	}
	return nil
}

// ValidGeometry checks that a multipolygon is usable for point-in-polygon
// work: at least one polygon; every ring closed, with at least four points,
// finite coordinates, a non-zero area and no crossing or touching of its own
// edges. (Rings of one polygon are not tested against each other.) Errors
// are EINVALID and name the polygon and ring.
func ValidGeometry(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return guccho.Errorf(guccho.EINVALID, "empty geometry")
	}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return guccho.Errorf(guccho.EINVALID, "polygon %d has no rings", pi)
		}
		for ri, ring := range poly {
			if err := validRing(ring); err != nil {
				return guccho.Errorf(guccho.EINVALID, "polygon %d ring %d: %s", pi, ri, guccho.ErrorMessage(err))
			}
		}
	}
	return nil
}

func validRing(r orb.Ring) error {
	if len(r) < 4 {
		return guccho.Errorf(guccho.EINVALID, "%d points, need at least 4", len(r))
	}
	for i, p := range r {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return guccho.Errorf(guccho.EINVALID, "point %d is not a finite number", i)
		}
	}
	if r[0] != r[len(r)-1] {
		return guccho.Errorf(guccho.EINVALID, "not closed (first point %v, last %v)", r[0], r[len(r)-1])
	}
	if planar.Area(r) == 0 {
		return guccho.Errorf(guccho.EINVALID, "zero area")
	}
	if i, j, ok := selfIntersection(r); ok {
		return guccho.Errorf(guccho.EINVALID, "self-intersection between edges %d and %d near %v", i, j, r[i])
	}
	return nil
}

// selfIntersection finds two non-adjacent edges of a closed ring that meet,
// by a sweep over edges sorted by their smallest x.
func selfIntersection(r orb.Ring) (int, int, bool) {
	n := len(r) - 1 // edges; edge i runs from r[i] to r[i+1]
	type edge struct {
		i          int
		minX, maxX float64
	}
	edges := make([]edge, 0, n)
	for i := 0; i < n; i++ {
		if r[i] == r[i+1] {
			continue // repeated point: a zero-length edge
		}
		edges = append(edges, edge{i, math.Min(r[i][0], r[i+1][0]), math.Max(r[i][0], r[i+1][0])})
	}
	sort.Slice(edges, func(a, b int) bool { return edges[a].minX < edges[b].minX })
	adjacent := func(i, j int) bool {
		d := i - j
		if d < 0 {
			d = -d
		}
		return d == 1 || d == n-1
	}
	for a := range edges {
		ea := edges[a]
		for b := a + 1; b < len(edges) && edges[b].minX <= ea.maxX; b++ {
			eb := edges[b]
			if adjacent(ea.i, eb.i) {
				continue
			}
			if segmentsMeet(r[ea.i], r[ea.i+1], r[eb.i], r[eb.i+1]) {
				i, j := ea.i, eb.i
				if i > j {
					i, j = j, i
				}
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// orient is the sign of the cross product (b-a)×(c-a).
func orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsMeet reports whether segments pq and rs share any point.
func segmentsMeet(p, q, r, s orb.Point) bool {
	if math.Max(p[1], q[1]) < math.Min(r[1], s[1]) || math.Max(r[1], s[1]) < math.Min(p[1], q[1]) {
		return false
	}
	o1, o2, o3, o4 := orient(p, q, r), orient(p, q, s), orient(r, s, p), orient(r, s, q)
	if o1 != o2 && o3 != o4 {
		return true
	}
	return (o1 == 0 && onSegment(p, q, r)) || (o2 == 0 && onSegment(p, q, s)) ||
		(o3 == 0 && onSegment(r, s, p)) || (o4 == 0 && onSegment(r, s, q))
}

// InteriorPoint returns a point inside mp, for labels when the data gives
// none: on the horizontal line through the middle of the largest polygon's
// bounding box, the midpoint of the widest stretch that lies inside it.
func InteriorPoint(mp orb.MultiPolygon) orb.Point {
	var best orb.Polygon
	bestArea := -1.0
	for _, p := range mp {
		if a := math.Abs(planar.Area(p)); a > bestArea {
			best, bestArea = p, a
		}
	}
	if best == nil {
		return orb.Point{}
	}
	b := best.Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, ring := range best {
		for i := 0; i+1 < len(ring); i++ {
			a, c := ring[i], ring[i+1]
			if (a[1] > y) != (c[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	var pt orb.Point
	widest := -1.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > widest {
			widest, pt = w, orb.Point{(xs[i] + xs[i+1]) / 2, y}
		}
	}
	if widest < 0 {
		return b.Center()
	}
	return pt
}
