package cluster

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/geo"
)

// Locator finds the admin unit holding a point; geo.Atlas and geo.Locator
// are Locators. Describe counts members in the district and upazila of
// the unit found (and the unit itself when it is one of those).
type Locator interface {
	Locate(pt orb.Point) (*geo.Unit, bool)
}

// UnitCount is how many members of a cluster lie in one admin unit.
type UnitCount struct {
	PCode string
	Level geo.Level // geo.District or geo.Upazila
	Count int
}

// Profile describes one cluster.
type Profile struct {
	Cluster
	Centre  orb.Point   // lon, lat: the members' mean direction on the sphere
	RadiusM float64     // the largest distance from Centre to a member, metres
	Outline orb.Polygon // see Outline
	Concave bool        // whether Outline is a concave hull (else convex)
	// Units counts the members per district and per upazila: districts
	// first, then upazilas, each by count (largest first) and P-code;
	// members no unit holds are Unlocated.
	Units     []UnitCount
	Unlocated int
}

// Describe profiles cluster c of points. maxEdgeM is the outline's longest
// edge before it is dug (see Outline; the clustering's eps is a good
// value). loc may be nil: Units is then empty.
func Describe(points []Point, c Cluster, maxEdgeM float64, loc Locator) Profile {
	pr := Profile{Cluster: c}
	if len(c.Members) == 0 {
		return pr
	}
	var x, y, z float64
	pts := make([]orb.Point, len(c.Members))
	for i, m := range c.Members {
		p := points[m]
		pts[i] = orb.Point{p.Lon, p.Lat}
		phi, lam := p.Lat*math.Pi/180, p.Lon*math.Pi/180
		x += math.Cos(phi) * math.Cos(lam)
		y += math.Cos(phi) * math.Sin(lam)
		z += math.Sin(phi)
	}
	pr.Centre = orb.Point{math.Atan2(y, x) * 180 / math.Pi, math.Atan2(z, math.Hypot(x, y)) * 180 / math.Pi}
	for _, p := range pts {
		pr.RadiusM = math.Max(pr.RadiusM, Distance(pr.Centre[0], pr.Centre[1], p[0], p[1]))
	}
	pr.Outline, pr.Concave = Outline(pts, maxEdgeM)
	if loc == nil {
		return pr
	}
	counts := map[string]int{}
	for _, p := range pts {
		u, ok := loc.Locate(p)
		if !ok {
			pr.Unlocated++
			continue
		}
		for _, code := range append(geo.ParentCodes(u.PCode), u.PCode) {
			if l, err := geo.PCodeLevel(code); err == nil && (l == geo.District || l == geo.Upazila) {
				counts[code]++
			}
		}
	}
	for code, n := range counts {
		l, _ := geo.PCodeLevel(code)
		pr.Units = append(pr.Units, UnitCount{PCode: code, Level: l, Count: n})
	}
	slices.SortFunc(pr.Units, func(a, b UnitCount) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(b.Count, a.Count), cmp.Compare(a.PCode, b.PCode))
	})
	return pr
}
