package geo

import (
	"hash/fnv"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// The points of the geocoder: surveyed GPS points checked and placed, and
// display points for records placed by name.

// cleanGPS checks a surveyed point and returns it (swapped back if need be)
// with the union containing it, or a nil union when the point is absent or
// rejected.
func (g *Geocoder) cleanGPS(p *orb.Point, flags *flagSet) (orb.Point, *Unit) {
	if p == nil {
		return orb.Point{}, nil
	}
	x, y := p[0], p[1]
	switch {
	case math.Abs(x) < zeroGPS && math.Abs(y) < zeroGPS:
		flags.add(guccho.FlagZeroGPS)
		return orb.Point{}, nil
	case math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0):
		flags.add(guccho.FlagGPSInvalid)
		return orb.Point{}, nil
	}
	pt := orb.Point{x, y}
	if inRange(pt) {
		if u, ok := g.atlas.locator.Locate(pt); ok {
			return pt, u
		}
	}
	if sw := (orb.Point{y, x}); inRange(sw) {
		if u, ok := g.atlas.locator.Locate(sw); ok {
			flags.add(guccho.FlagSwappedLatLon)
			return sw, u
		}
	}
	if !inRange(pt) {
		flags.add(guccho.FlagGPSInvalid)
	} else {
		flags.add(guccho.FlagGPSOutside)
	}
	return orb.Point{}, nil
}

// inRange reports whether pt is a longitude in [-180, 180] and a latitude
// in [-90, 90].
func inRange(pt orb.Point) bool {
	return pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90
}

// DisplayPoint returns the point at which a record placed by name in unit u
// is drawn: deterministic for (id, u), spread over the unit so that records
// of one unit do not stack, and inside the unit. From a 64-bit FNV-1a hash
// of id it draws up to 32 points uniformly in u's bounding box (splitmix64
// sequence) and returns the first that lies in u, by the Locator's rule;
// failing that, u's label point. Records with equal ids share a point.
func (g *Geocoder) DisplayPoint(id string, u *Unit) orb.Point {
	h := fnv.New64a()
	h.Write([]byte(id))
	state := h.Sum64()
	b := u.Bound
	for range displayTries {
		x := b.Min[0] + unitFloat(&state)*(b.Max[0]-b.Min[0])
		y := b.Min[1] + unitFloat(&state)*(b.Max[1]-b.Min[1])
		pt := orb.Point{x, y}
		if in, ok := g.atlas.locator.Locate(pt); ok && strings.HasPrefix(in.PCode, u.PCode) {
			return pt
		}
	}
	return u.Label
}

// unitFloat advances a splitmix64 state and returns a float64 in [0, 1).
func unitFloat(state *uint64) float64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}
