package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// BorderDistanceKM exposes the distance the label search maximises: from pt
// to the border of mp in kilometres, positive inside, on the plane of the
// part of mp where it is greatest.
func BorderDistanceKM(mp orb.MultiPolygon, pt orb.Point) float64 {
	best := math.Inf(-1)
	for _, p := range mp {
		b := p.Bound()
		k := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
		best = math.Max(best, signedDistance(pt[0]*k, pt[1], p, k))
	}
	return best * kmPerDegree
}
