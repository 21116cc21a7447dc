package tiles_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

func ExampleIndex_Encode() {
	layer := tiles.Layer{Name: "sites", MinZoom: 0, MaxZoom: 14}
	ix, err := tiles.NewIndex(layer, []tiles.Feature{
		{ID: 1, Geometry: orb.Point{90.4125, 23.8103}, Properties: map[string]any{"name": "Dhaka"}},
		{ID: 2, Geometry: orb.Point{91.8123, 22.3569}, Properties: map[string]any{"name": "Chattogram"}},
	}, tiles.Options{})
	if err != nil {
		panic(err)
	}

	t, err := tiles.ParseTile("12", "3076", "1768") // the z12 tile over Dhaka
	if err != nil {
		panic(err)
	}
	raw, err := ix.Encode(t)
	if err != nil {
		panic(err)
	}
	layers, _ := mvt.Unmarshal(raw)
	for _, f := range layers[0].Features {
		fmt.Println(layers[0].Name, "version", layers[0].Version, "feature", f.ID, f.Properties["name"], f.Geometry)
	}

	_, err = tiles.ParseTile("3", "9", "0")
	fmt.Println(guccho.ErrorCode(err), guccho.ErrorMessage(err))
	// Output:
	// sites version 2 feature 1 Dhaka [2840 3849]
	// invalid tile x=9 out of range for z=3 (0–7)
}
