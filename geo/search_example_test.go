package geo_test

import (
	"fmt"

	"github.com/guccho/guccho/geo"
)

func ExampleNormalize() {
	fmt.Println(geo.Normalize("  Cox's Bazar  Sadar"))
	fmt.Println(geo.Normalize("ওয়ার্ড নং-০৭"))
	// Output:
	// coxs bazar sadar
	// ওয়ার্ড নং 07
}

func ExampleGazetteer_Search() {
	g := geo.NewGazetteer([]*geo.Unit{
		{PCode: "BD40", Level: geo.Division, NameEN: "Khulna", NameBN: "খুলনা"},
		{PCode: "BD4041", Level: geo.District, Parent: "BD40", NameEN: "Jessore", NameENCurrent: "Jashore", NameBN: "যশোর"},
		{PCode: "BD404147", Level: geo.Upazila, Parent: "BD4041", NameEN: "Kotwali", NameBN: "কোতোয়ালী",
			AltNames: []geo.Name{{Text: "Jessore Sadar", Lang: "en", Source: "nuhil"}}},
	})
	for _, q := range []string{"Jashore", "যশোর", "Jesore", "Jessore Sadar"} {
		for _, m := range g.Search(q, geo.SearchOptions{}) {
			fmt.Printf("%s: %s %s (%s, %.2f)\n", q, m.Unit.PCode, m.Name, m.Kind, m.Score)
		}
	}
	// Output:
	// Jashore: BD4041 Jashore (exact, 1.00)
	// যশোর: BD4041 যশোর (exact, 1.00)
	// Jesore: BD4041 Jessore (fuzzy, 0.72)
	// Jesore: BD404147 Jessore Sadar (fuzzy, 0.72)
	// Jessore Sadar: BD404147 Jessore Sadar (exact, 1.00)
	// Jessore Sadar: BD4041 Jessore (exact, 0.98)
}
