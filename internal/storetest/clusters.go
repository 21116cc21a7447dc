package storetest

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
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
