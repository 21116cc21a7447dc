package profile

import (
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
)

// NearestCentre returns the centre closest to pt (lon, lat in degrees) and
// its great-circle distance in metres (haversine, cluster.Distance). Ties go
// to the centre listed first. ok is false when cs is empty.
func NearestCentre(pt orb.Point, cs []*guccho.Centre) (nearest *guccho.Centre, metres float64, ok bool) {
	for _, c := range cs {
		d := cluster.Distance(pt[0], pt[1], c.Point[0], c.Point[1])
		if !ok || d < metres {
			nearest, metres, ok = c, d, true
		}
	}
	return nearest, metres, ok
}
