package embedded_test

import "github.com/paulmach/orb"

func bdtestBound(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}
