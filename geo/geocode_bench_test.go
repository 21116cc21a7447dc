package geo_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// BenchmarkGeocode measures Geocode on one core over one record per union
// of the real data, in three kinds: "names" states division, district,
// upazila and union in their COD-AB, current or Bangla spelling; "typos"
// does the same with one letter of the upazila name changed; "gps" gives
// the union's label point and its names. Each reports records/s.
func BenchmarkGeocode(b *testing.B) {
	a := geo.NewAtlas(bdtest.Units(b))
	g := geo.NewGeocoder(a)
	unions := a.Level(geo.Union)
	r := rand.New(rand.NewPCG(1, 2))
	spell := func(u *geo.Unit) string {
		switch r.IntN(3) {
		case 0:
			return u.NameEN
		case 1:
			return u.DisplayName()
		}
		if u.NameBN != "" {
			return u.NameBN
		}
		return u.NameEN
	}
	named := func(u *geo.Unit) guccho.AdminNames {
		ps := a.Parents(u)
		return guccho.AdminNames{Division: spell(ps[0]), District: spell(ps[1]), Upazila: spell(ps[2]), Union: spell(u)}
	}
	kinds := []struct {
		name string
		make func(i int, u *geo.Unit) geo.GeocodeInput
	}{
		{"names", func(i int, u *geo.Unit) geo.GeocodeInput {
			return geo.GeocodeInput{ID: strconv.Itoa(i), Stated: named(u)}
		}},
		{"typos", func(i int, u *geo.Unit) geo.GeocodeInput {
			st := named(u)
			rs := []rune(st.Upazila)
			rs[r.IntN(len(rs))] = 'x'
			st.Upazila = string(rs)
			return geo.GeocodeInput{ID: strconv.Itoa(i), Stated: st}
		}},
		{"gps", func(i int, u *geo.Unit) geo.GeocodeInput {
			p := u.Label
			return geo.GeocodeInput{ID: strconv.Itoa(i), Stated: named(u), GPS: &orb.Point{p[0], p[1]}}
		}},
	}
	for _, k := range kinds {
		ins := make([]geo.GeocodeInput, len(unions))
		for i, u := range unions {
			ins[i] = k.make(i, u)
		}
		b.Run(k.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				g.Geocode(ins[n%len(ins)])
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
