package geo_test

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// geocodeCase is one record and where it must land.
type geocodeCase struct {
	name   string
	stated guccho.AdminNames
	gps    *orb.Point
	method string
	finest string   // Admin.Finest(), when within is empty
	within string   // a prefix of Admin.Finest(), for GPS placements
	score  float64  // checked when non-zero (to 1e-9)
	flags  []string // exactly these, in any order
	gpsOut *orb.Point
}

func pt(lon, lat float64) *orb.Point { return &orb.Point{lon, lat} }

func runGeocodeCases(t *testing.T, g *geo.Geocoder, cases []geocodeCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := g.Geocode(geo.GeocodeInput{ID: tt.name, Stated: tt.stated, GPS: tt.gps})
			if res.Geocode.Method != tt.method {
				t.Errorf("method = %q, want %q (admin %+v, flags %v)", res.Geocode.Method, tt.method, res.Admin, res.Geocode.Flags)
			}
			if got := res.Admin.Finest(); tt.within == "" && got != tt.finest {
				t.Errorf("finest code = %q, want %q (flags %v)", got, tt.finest, res.Geocode.Flags)
			} else if tt.within != "" && (len(got) != 10 || !strings.HasPrefix(got, tt.within)) {
				t.Errorf("finest code = %q, want a union in %s", got, tt.within)
			}
			if tt.score != 0 && math.Abs(res.Geocode.Score-tt.score) > 1e-9 {
				t.Errorf("score = %g, want %g", res.Geocode.Score, tt.score)
			}
			got := slices.Sorted(slices.Values(res.Geocode.Flags))
			want := slices.Sorted(slices.Values(tt.flags))
			if !slices.Equal(got, want) {
				t.Errorf("flags = %v, want %v", got, want)
			}
			if tt.gpsOut != nil && (res.GPS == nil || *res.GPS != *tt.gpsOut) {
				t.Errorf("cleaned GPS = %v, want %v", res.GPS, *tt.gpsOut)
			}
			checkPoint(t, res)
		})
	}
}

// checkPoint checks the invariants every result keeps between method,
// point, display flag and GPS.
func checkPoint(t *testing.T, res geo.GeocodeResult) {
	t.Helper()
	switch res.Geocode.Method {
	case guccho.GeocodeNone:
		if res.Point != (orb.Point{}) || res.DisplayPoint || res.Admin != (guccho.AdminCodes{}) {
			t.Errorf("method none: point %v, display %v, admin %+v; want all zero", res.Point, res.DisplayPoint, res.Admin)
		}
	case guccho.GeocodeGPS:
		if res.GPS == nil || res.Point != *res.GPS || res.DisplayPoint {
			t.Errorf("method gps: point %v, GPS %v, display %v; want the GPS point, not a display point", res.Point, res.GPS, res.DisplayPoint)
		}
	default:
		if !res.DisplayPoint {
			t.Errorf("method %s: DisplayPoint false, want true", res.Geocode.Method)
		}
	}
}

// TestGeocodeGrid places records on the hand-checkable grid of
// bdtest.Grid: division Barisal (Barishal), districts Barguna (lon 90–91),
// Barisal (91–92), Bhola (92–93); upazilas Amtali, Nawabganj, Nawabganj;
// unions Dakshin (lat 22–23), Madhya (23–24), Uttar (24–25).
func TestGeocodeGrid(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.GridUnits(t)))
	runGeocodeCases(t, g, []geocodeCase{
		{name: "every level exact", stated: guccho.AdminNames{Division: "Barishal", District: "Barguna", Upazila: "Amtali", Union: "Amtali Uttar"},
			method: "union", finest: "BD10040915", score: 1},
		{name: "repeated upazila name resolved by its district", stated: guccho.AdminNames{District: "Bhola", Upazila: "Nawabganj"},
			method: "upazila", finest: "BD100918", score: 1},
		{name: "the other Nawabganj", stated: guccho.AdminNames{District: "Barisal", Upazila: "Nawabganj"},
			method: "upazila", finest: "BD100651", score: 1},
		{name: "repeated upazila name without district stops above it", stated: guccho.AdminNames{Division: "Barisal", Upazila: "Nawabganj"},
			method: "division", finest: "BD10", score: 0.9, flags: []string{guccho.FlagNameAmbiguous}},
		{name: "repeated upazila name alone places nothing", stated: guccho.AdminNames{Upazila: "Nawabganj"},
			method: "none", flags: []string{guccho.FlagNameAmbiguous}},
		{name: "unique upazila name without district supplies the district", stated: guccho.AdminNames{Upazila: "Amtali"},
			method: "upazila", finest: "BD100409", score: 1},
		{name: "union without upazila, exact and unique in its district", stated: guccho.AdminNames{District: "Bhola", Union: "Nawabganj Madhya"},
			method: "union", finest: "BD10091813", score: 1},
		{name: "upazila outside the stated district is not used", stated: guccho.AdminNames{District: "Barguna", Upazila: "Nawabganj"},
			method: "district", finest: "BD1004", score: 0.9, flags: []string{guccho.FlagParentMismatch}},
		{name: "unknown district", stated: guccho.AdminNames{District: "Dhaka"},
			method: "none", flags: []string{guccho.FlagNameUnknown}},
		{name: "unknown union below a known upazila", stated: guccho.AdminNames{District: "Barguna", Upazila: "Amtali", Union: "Kalapara"},
			method: "upazila", finest: "BD100409", score: 0.9, flags: []string{guccho.FlagNameUnknown}},
		{name: "one typo is a fuzzy match", stated: guccho.AdminNames{District: "Bargunna"},
			method: "district", finest: "BD1004", score: 0.84 * (1 - 1.0/8), flags: []string{guccho.FlagNameFuzzy}},
		{name: "a fuzzy match and an unknown name multiply", stated: guccho.AdminNames{District: "Bargunna", Upazila: "Amtali", Union: "Kalapara"},
			method: "upazila", finest: "BD100409", score: 0.84 * (1 - 1.0/8) * 0.9, flags: []string{guccho.FlagNameFuzzy, guccho.FlagNameUnknown}},
		{name: "swapped letters in a district", stated: guccho.AdminNames{District: "Bhloa"},
			method: "district", finest: "BD1009", score: 0.84 * (1 - 1.0/5), flags: []string{guccho.FlagNameFuzzy}},
		{name: "swapped letters in an upazila of a known district", stated: guccho.AdminNames{District: "Bhola", Upazila: "Nawabgnaj"},
			method: "upazila", finest: "BD100918", score: 0.84 * (1 - 1.0/9), flags: []string{guccho.FlagNameFuzzy}},
		{name: "swapped letters in a repeated upazila name without district", stated: guccho.AdminNames{Division: "Barisal", Upazila: "Nawabgnaj"},
			method: "division", finest: "BD10", score: 0.9, flags: []string{guccho.FlagNameAmbiguous}},
		{name: "form words Bibhag and UP are dropped", stated: guccho.AdminNames{Division: "Barisal Bibhag", District: "Barguna", Upazila: "Amtali", Union: "Amtali Uttar UP"},
			method: "union", finest: "BD10040915", score: 1},
		{name: "Bangla name", stated: guccho.AdminNames{District: "ভোলা"},
			method: "district", finest: "BD1009", score: 1},
		{name: "level words are optional", stated: guccho.AdminNames{District: "BHOLA DISTRICT", Upazila: "Nawabganj Thana"},
			method: "upazila", finest: "BD100918", score: 0.98},
		{name: "GPS alone", gps: pt(90.5, 22.5),
			method: "gps", finest: "BD10040911", score: 1, gpsOut: pt(90.5, 22.5)},
		{name: "GPS agreeing with the names", stated: guccho.AdminNames{District: "Bhola"}, gps: pt(92.5, 24.5),
			method: "gps", finest: "BD10091815", score: 1},
		{name: "GPS in a neighbouring union of the stated upazila agrees", stated: guccho.AdminNames{District: "Barguna", Upazila: "Amtali", Union: "Amtali Dakshin"}, gps: pt(90.5, 23.5),
			method: "gps", finest: "BD10040913", score: 1},
		{name: "GPS in another district than the names", stated: guccho.AdminNames{District: "Barguna", Upazila: "Amtali"}, gps: pt(92.5, 22.5),
			method: "gps", finest: "BD10091811", score: 0.6, flags: []string{guccho.FlagGPSDisagrees}},
		{name: "swapped latitude and longitude are fixed", gps: pt(22.5, 90.5),
			method: "gps", finest: "BD10040911", score: 1, flags: []string{guccho.FlagSwappedLatLon}, gpsOut: pt(90.5, 22.5)},
		{name: "zero GPS is ignored", stated: guccho.AdminNames{District: "Bhola"}, gps: pt(0, 0),
			method: "district", finest: "BD1009", score: 1, flags: []string{guccho.FlagZeroGPS}},
		{name: "near-zero GPS is zero", gps: pt(1e-7, -1e-7),
			method: "none", flags: []string{guccho.FlagZeroGPS}},
		{name: "GPS outside even when swapped", stated: guccho.AdminNames{District: "Bhola"}, gps: pt(88.36, 22.57),
			method: "district", finest: "BD1009", flags: []string{guccho.FlagGPSOutside}},
		{name: "GPS out of range", gps: pt(200, 95),
			method: "none", flags: []string{guccho.FlagGPSInvalid}},
		{name: "GPS not a number", gps: pt(math.NaN(), 22.5),
			method: "none", flags: []string{guccho.FlagGPSInvalid}},
		{name: "nothing stated", method: "none"},
	})
}

// TestGeocodeGridPoints checks where records placed by name are drawn:
// inside their unit, spread over it, and the same on every run.
func TestGeocodeGridPoints(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.GridUnits(t)))
	in := func(id string) geo.GeocodeInput {
		return geo.GeocodeInput{ID: id, Stated: guccho.AdminNames{District: "Barisal", Upazila: "Nawabganj"}}
	}
	seen := map[orb.Point]bool{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		res := g.Geocode(in(id))
		p := res.Point
		if !res.DisplayPoint || p[0] < 91 || p[0] > 92 || p[1] < 22 || p[1] > 25 {
			t.Errorf("record %s: point %v (display %v), want a display point in BD100651 (lon 91–92, lat 22–25)", id, p, res.DisplayPoint)
		}
		if again := g.Geocode(in(id)).Point; again != p {
			t.Errorf("record %s: point %v, then %v; want the same", id, p, again)
		}
		seen[p] = true
	}
	if len(seen) < 8 {
		t.Errorf("8 records share %d distinct points, want 8", len(seen))
	}
	// Both other Nawabganj districts' records stay in theirs.
	res := g.Geocode(geo.GeocodeInput{ID: "a", Stated: guccho.AdminNames{District: "Bhola", Upazila: "Nawabganj", Union: "Nawabganj Uttar"}})
	if p := res.Point; p[0] < 92 || p[0] > 93 || p[1] < 24 || p[1] > 25 {
		t.Errorf("union BD10091815: point %v, want inside lon 92–93, lat 24–25", p)
	}
}

// TestGeocodeReal places records on the shared boundary data: the
// spellings, scripts and repeated names of real surveys.
func TestGeocodeReal(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.Units(t)))
	district := func(name string) guccho.AdminNames { return guccho.AdminNames{District: name} }
	cases := []geocodeCase{
		{name: "Jessore", stated: district("Jessore"), method: "district", finest: "BD4041", score: 1},
		{name: "Jashore", stated: district("Jashore"), method: "district", finest: "BD4041", score: 1},
		{name: "Bogra", stated: district("Bogra"), method: "district", finest: "BD5010", score: 1},
		{name: "Bogura", stated: district("Bogura"), method: "district", finest: "BD5010", score: 1},
		{name: "Chittagong", stated: district("Chittagong"), method: "district", finest: "BD2015", score: 1},
		{name: "Chattogram", stated: district("Chattogram"), method: "district", finest: "BD2015", score: 1},
		{name: "Comilla", stated: district("Comilla"), method: "district", finest: "BD2019", score: 1},
		{name: "Cumilla", stated: district("Cumilla"), method: "district", finest: "BD2019", score: 1},
		{name: "Barisal", stated: district("Barisal"), method: "district", finest: "BD1006", score: 1},
		{name: "Barishal", stated: district("Barishal"), method: "district", finest: "BD1006", score: 1},
		{name: "Bangla district", stated: district("ঢাকা"), method: "district", finest: "BD3026", score: 1},
		{name: "Bangla division", stated: guccho.AdminNames{Division: "ঢাকা"}, method: "division", finest: "BD30", score: 1},
		{name: "old name of Chapainawabganj", stated: district("Nawabganj"), method: "district", finest: "BD5070", score: 1},
		{name: "current name of Chapainawabganj", stated: district("Chapainawabganj"), method: "district", finest: "BD5070", score: 1},
		{name: "gonj for ganj is a romanisation variant, not a typo", stated: district("Narayangonj"), method: "district", finest: "BD3067", score: 0.95},
		{name: "typo", stated: district("Narayangamj"), method: "district", finest: "BD3067", flags: []string{guccho.FlagNameFuzzy}},
		{name: "Kaliganj in Gazipur", stated: guccho.AdminNames{District: "Gazipur", Upazila: "Kaliganj"}, method: "upazila", finest: "BD303334", score: 1},
		{name: "Kaliganj in Jhenaidah", stated: guccho.AdminNames{District: "Jhenaidah", Upazila: "Kaliganj"}, method: "upazila", finest: "BD404433", score: 1},
		{name: "Kaliganj in Lalmonirhat", stated: guccho.AdminNames{District: "Lalmonirhat", Upazila: "Kaliganj"}, method: "upazila", finest: "BD555239", score: 1},
		{name: "Kaliganj in Satkhira", stated: guccho.AdminNames{District: "Satkhira", Upazila: "Kaliganj"}, method: "upazila", finest: "BD408747", score: 1},
		{name: "Kaliganj in Khulna division is still ambiguous", stated: guccho.AdminNames{Division: "Khulna", Upazila: "Kaliganj"},
			method: "division", finest: "BD40", score: 0.9, flags: []string{guccho.FlagNameAmbiguous}},
		{name: "Kaliganj in Rangpur division is one", stated: guccho.AdminNames{Division: "Rangpur", Upazila: "Kaliganj"},
			method: "upazila", finest: "BD555239", score: 1},
		{name: "Kaliganj without district", stated: guccho.AdminNames{Upazila: "Kaliganj"}, method: "none", flags: []string{guccho.FlagNameAmbiguous}},
		{name: "Sadar alone is the district's Sadar upazila", stated: guccho.AdminNames{District: "Bogura", Upazila: "Sadar"}, method: "upazila", finest: "BD501020", score: 0.98},
		{name: "Sadar under another spelling of the district", stated: guccho.AdminNames{District: "Jashore", Upazila: "Jashore Sadar Upazila"}, method: "upazila", finest: "BD404147", score: 0.98},
		{name: "Sadar in Bangla", stated: guccho.AdminNames{District: "যশোর", Upazila: "যশোর সদর"}, method: "upazila", finest: "BD404147", score: 1},
		{name: "Sadar upazila without Sadar", stated: guccho.AdminNames{District: "Bogra", Upazila: "Bogra"}, method: "upazila", finest: "BD501020", score: 0.98},
		{name: "Sadar misspelt", stated: guccho.AdminNames{District: "Cox's Bazar", Upazila: "Saddar Upazila"}, method: "upazila", finest: "BD202224",
			score: 0.84 * (1 - 1.0/5), flags: []string{guccho.FlagNameFuzzy}},
		{name: "two Sadar upazilas in Comilla", stated: guccho.AdminNames{District: "Comilla", Upazila: "Sadar"},
			method: "district", finest: "BD2019", score: 0.9, flags: []string{guccho.FlagNameAmbiguous}},
		{name: "thana suffix", stated: guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Thana"}, method: "upazila", finest: "BD304811", score: 0.98},
		{name: "Bogura with swapped letters", stated: district("Bgoura"), method: "district", finest: "BD5010", flags: []string{guccho.FlagNameFuzzy}},
		{name: "union parishad", stated: guccho.AdminNames{District: "Sirajganj", Upazila: "Shahjadpur", Union: "Porjana UP"}, method: "union", finest: "BD50886765", score: 1},
		{name: "upper case", stated: guccho.AdminNames{District: "KISHOREGANJ", Upazila: "BHAIRAB"}, method: "upazila", finest: "BD304811", score: 1},
		{name: "swapped coordinates near Bhairab", gps: pt(24.05, 90.99), method: "gps", within: "BD3048", flags: []string{guccho.FlagSwappedLatLon}, gpsOut: pt(90.99, 24.05)},
		{name: "Kolkata is outside", stated: district("Jashore"), gps: pt(88.36, 22.57), method: "district", finest: "BD4041", flags: []string{guccho.FlagGPSOutside}},
		{name: "Bhairab by name, GPS in Dhaka", stated: guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab"}, gps: pt(90.4125, 23.7104),
			method: "gps", within: "BD3026", score: 0.6, flags: []string{guccho.FlagGPSDisagrees}},
	}
	runGeocodeCases(t, g, cases)
}

// TestGeocodeConcurrent geocodes from several goroutines at once and gets
// the same answers as one at a time (run with -race).
func TestGeocodeConcurrent(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.GridUnits(t)))
	ins := []geo.GeocodeInput{
		{ID: "1", Stated: guccho.AdminNames{District: "Bhola", Upazila: "Nawabgnaj"}},
		{ID: "2", Stated: guccho.AdminNames{District: "Bargunna"}},
		{ID: "3", GPS: pt(22.5, 90.5)},
		{ID: "4", Stated: guccho.AdminNames{Upazila: "Nawabganj"}},
	}
	want := make([]geo.GeocodeResult, len(ins))
	for i, in := range ins {
		want[i] = g.Geocode(in)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				for i, in := range ins {
					got := g.Geocode(in)
					if got.Admin != want[i].Admin || got.Point != want[i].Point || got.Geocode.Score != want[i].Geocode.Score {
						t.Errorf("record %s: concurrent result %+v, want %+v", in.ID, got, want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
