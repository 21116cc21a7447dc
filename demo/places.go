package demo

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/geo"
)

// How the demo writes places the way the field does: names in several
// spellings and scripts, left out or mistyped, and GPS points missing,
// zero, swapped or displaced.

// statedNames writes division, district, upazila and union as the field
// would: spellings, scripts, omissions, one typo now and then.
func (g *Generator) statedNames(division, district, upazila, union *geo.Unit) [4]string {
	w := g.w
	var s [4]string
	if w.chance(pDivisionStated) {
		s[0] = w.dress(w.name(division), geo.Division)
	}
	s[1] = w.dress(w.name(district), geo.District)
	if !w.chance(pUpazilaMissing) {
		s[2] = w.dress(w.upazila(upazila, district), geo.Upazila)
	}
	if !w.chance(pUnionMissing) {
		s[3] = w.dress(w.name(union), geo.Union)
	}
	if w.chance(pTypo) {
		i := 1 + g.r.IntN(3) // district, upazila or union
		for s[i] == "" {
			i--
		}
		s[i] = w.typo(s[i])
	}
	return s
}

// gps writes the GPS columns: empty, the true point, zero, swapped, or a
// point in a neighbouring upazila.
func (g *Generator) gps(pt orb.Point, upazila *geo.Unit) (lat, lon string) {
	if !g.w.chance(pGPS) {
		return "", ""
	}
	format := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	switch x := g.r.Float64(); {
	case x < pGPSZero:
		return "0", "0"
	case x < pGPSZero+pGPSSwapped:
		return format(pt[0]), format(pt[1])
	case x < pGPSZero+pGPSSwapped+pGPSDisplaced:
		pt = g.displace(pt, upazila)
	}
	return format(pt[1]), format(pt[0])
}

// displace moves pt in a random direction, further and further, until it
// lands in another upazila; pt itself if none is found.
func (g *Generator) displace(pt orb.Point, upazila *geo.Unit) orb.Point {
	for _, km := range []float64{1.5, 3, 5, 8, 12, 20, 30} {
		for range 4 {
			th := g.r.Float64() * 2 * math.Pi
			q := offsetKM(pt, km*math.Cos(th), km*math.Sin(th))
			if u, ok := g.atlas.Locate(q); ok && u.Parent != upazila.PCode {
				return q
			}
		}
	}
	return pt
}
