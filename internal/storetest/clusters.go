package storetest

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/valuechain"
)

// ClusterFixture returns enterprises on the grid (bdtest.Grid) with point
// clusters a reader can check by hand:
//
//	fa-00…fa-59  60 footwear  within 1.1 km of (90.30, 22.30)  union BD10040911 (Amtali)
//	da-00…da-29  30 dairy     within 1.1 km of (90.305, 22.30), mixed with fa
//	fb-00…fb-54  55 footwear  within 1.1 km of (91.70, 23.60)  union BD10065113 (Barisal's Nawabganj)
//	dc-00…dc-69  70 dairy     within 1.1 km of (92.50, 24.50)  union BD10091815 (Bhola's Nawabganj)
//	fs-00…fs-19  20 footwear  8 km or more apart, along lat 22.3 and 22.7 in BD10091811
//	dn-000…119  120 dairy     without GPS, placed by name in union BD10065113
//
// So SMEF (50 within 5 km, per sector) finds three clusters — dc (70), fa
// (60) and fb (55) — and leaves the 30 dairy beside fa and the 20 sparse
// footwear as noise; DBSCAN at the same scale over all sectors joins fa and
// da into one mixed cluster of 90. Jobs: self 1, wage i mod 4.
func ClusterFixture() []*guccho.Enterprise {
	var out []*guccho.Enterprise
	spiral := func(prefix, sector string, n int, lon, lat float64, admin guccho.AdminCodes) {
		for i := 0; i < n; i++ {
			r, a := 0.01*math.Sqrt(float64(i)/float64(n)), float64(i)*2.399963
			pt := orb.Point{lon + r*math.Cos(a), lat + r*math.Sin(a)}
			out = append(out, fixtureEnterprise(fmt.Sprintf("%s-%02d", prefix, i), sector, &pt, admin, i))
		}
	}
	amtali := guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040911"}
	nawabganjB := guccho.AdminCodes{Division: "BD10", District: "BD1006", Upazila: "BD100651", Union: "BD10065113"}
	nawabganjC := guccho.AdminCodes{Division: "BD10", District: "BD1009", Upazila: "BD100918", Union: "BD10091815"}
	spiral("fa", "footwear_leather", 60, 90.30, 22.30, amtali)
	spiral("da", "dairy", 30, 90.305, 22.30, amtali)
	spiral("fb", "footwear_leather", 55, 91.70, 23.60, nawabganjB)
	spiral("dc", "dairy", 70, 92.50, 24.50, nawabganjC)
	for i := 0; i < 20; i++ {
		pt := orb.Point{92.1 + 0.08*float64(i%10), 22.3 + 0.4*float64(i/10)}
		admin := guccho.AdminCodes{Division: "BD10", District: "BD1009", Upazila: "BD100918", Union: "BD10091811"}
		out = append(out, fixtureEnterprise(fmt.Sprintf("fs-%02d", i), "footwear_leather", &pt, admin, i))
	}
	for i := 0; i < 120; i++ {
		e := fixtureEnterprise(fmt.Sprintf("dn-%03d", i), "dairy", nil, nawabganjB, i)
		e.Point, e.DisplayPoint = orb.Point{91.5, 23.5}, true
		e.Geocode = guccho.Geocode{Method: guccho.GeocodeUnion, Score: 1}
		out = append(out, e)
	}
	return out
}

func fixtureEnterprise(id, sector string, gps *orb.Point, admin guccho.AdminCodes, i int) *guccho.Enterprise {
	e := &guccho.Enterprise{ID: id, Name: "Enterprise " + id, Sector: sector, GPS: gps, Admin: admin,
		Geocode:    guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1},
		Employment: guccho.Employment{Self: 1, Wage: i % 4}}
	if gps != nil {
		e.Point = *gps
	}
	return e
}

// LoadClusterFixture creates the enterprises of ClusterFixture in s, whose
// boundaries must be the grid's.
func LoadClusterFixture(t testing.TB, s store.Store) {
	t.Helper()
	for _, e := range ClusterFixture() {
		if err := s.CreateEnterprise(context.Background(), e); err != nil {
			t.Fatalf("creating %s: %v", e.ID, err)
		}
	}
}

// AssembleFixture is ClusterFixture with the survey's input-source and buyer
// answers on the footwear cluster fa (Amtali, BD100409, district Barguna
// BD1004), for assembling its value chain by hand:
//
//	input source  fa-i, i mod 3 = 0: "leather traders", "Barishal" (the district BD1006, not the division)
//	              otherwise:         "rubber dealer", "Amtali" (the upazila BD100409)
//	buyer         i mod 4 = 0: "paikar", "Amtali"
//	              i mod 4 = 1: "exporter", "Bhola" (the district BD1009)
//	              i mod 4 = 2: "dealer", "Amtali" (runs backwards: skipped)
//	              i mod 4 = 3: nothing
//
// So the chain has 60 producers, 2 suppliers, 2 buyers (60 + 30 links) and
// 15 skipped answers. fa-59 is shown on the map at a display point of its
// stated union, far from its GPS point (as the geocoder does when they
// disagree): it is clustered, and in the chain, by its GPS point.
func AssembleFixture() []*guccho.Enterprise {
	es := ClusterFixture()
	es[59].Point, es[59].DisplayPoint = orb.Point{90.5, 24.5}, true
	es[59].Geocode = guccho.Geocode{Method: guccho.GeocodeUnion, Score: 1}
	for i, e := range es[:60] { // fa-00 … fa-59
		a := map[string]string{guccho.AttrInputSourceType: "rubber dealer", guccho.AttrInputSourcePlace: "Amtali"}
		if i%3 == 0 {
			a[guccho.AttrInputSourceType], a[guccho.AttrInputSourcePlace] = "leather traders", "Barishal"
		}
		switch i % 4 {
		case 0:
			a[guccho.AttrBuyerType], a[guccho.AttrBuyerPlace] = "paikar", "Amtali"
		case 1:
			a[guccho.AttrBuyerType], a[guccho.AttrBuyerPlace] = "exporter", "Bhola"
		case 2:
			a[guccho.AttrBuyerType], a[guccho.AttrBuyerPlace] = "dealer", "Amtali"
		}
		e.Attributes = a
	}
	return es
}

// NeighbourChain is a stored footwear chain around Amtali whose wholesaler
// (BD100409) the assembled chain reuses for its paikar and whose MFI it
// adds; its Barguna retailer, which no answer names, stays out.
func NeighbourChain() (valuechain.Chain, []valuechain.Actor, []valuechain.Link) {
	c := valuechain.Chain{ID: "amtali-footwear", Name: "Amtali footwear", Sector: "footwear_leather", Admin: "BD100409"}
	as := []valuechain.Actor{
		{ID: "trader", Name: "Amtali Bazar traders", Role: valuechain.Wholesaler, Admin: "BD100409", Lon: 90.31, Lat: 22.31},
		{ID: "shop", Name: "Barguna shop", Role: valuechain.Retailer, Admin: "BD1004", Lon: 90.5, Lat: 22.5},
		{ID: "mfi", Name: "Amtali MFI", Role: valuechain.Finance, Admin: "BD10040911"},
	}
	ls := []valuechain.Link{{From: "trader", To: "shop", Flow: valuechain.Goods}}
	return c, as, ls
}

// LoadAssembleFixture creates the enterprises of AssembleFixture and the
// NeighbourChain in s, whose boundaries must be the grid's.
func LoadAssembleFixture(t testing.TB, s store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, e := range AssembleFixture() {
		if err := s.CreateEnterprise(ctx, e); err != nil {
			t.Fatalf("creating %s: %v", e.ID, err)
		}
	}
	c, as, ls := NeighbourChain()
	if err := s.ReplaceChain(ctx, &c, as, ls); err != nil {
		t.Fatal(err)
	}
}
