package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/geo"
)

func ExampleLocator_Locate() {
	square := func(pcode string, x0, y0 float64) *geo.Unit {
		return &geo.Unit{PCode: pcode, Level: geo.Union, Geometry: orb.MultiPolygon{{{
			{x0, y0}, {x0 + 1, y0}, {x0 + 1, y0 + 1}, {x0, y0 + 1}, {x0, y0},
		}}}}
	}
	loc := geo.NewLocator([]*geo.Unit{
		square("BD10010101", 90, 23),
		square("BD10010102", 91, 23),
	})
	for _, pt := range []orb.Point{{90.5, 23.5}, {91, 23.5}, {92, 23.5}, {93, 23.5}} {
		if u, ok := loc.Locate(pt); ok {
			fmt.Println(pt, u.PCode)
		} else {
			fmt.Println(pt, "outside")
		}
	}
	// Output:
	// [90.5 23.5] BD10010101
	// [91 23.5] BD10010102
	// [92 23.5] BD10010102
	// [93 23.5] outside
}
