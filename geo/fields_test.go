package geo_test

import (
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// TestGeocodeFieldWays places names written as field officers write them:
// several units in one field, police-station and administrative words,
// romanisation variants, a district in the upazila or union field. An
// ambiguous name still stays unplaced.
func TestGeocodeFieldWays(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.Units(t)))
	upazila := func(name string) guccho.AdminNames { return guccho.AdminNames{Upazila: name} }
	ambiguous := []string{guccho.FlagNameAmbiguous}
	cases := []geocodeCase{
		// Several units in one field.
		{name: "upazila, district", stated: upazila("Bhairab, Kishoreganj"), method: "upazila", finest: "BD304811", score: 1},
		{name: "upazila (district)", stated: upazila("Bhairab (Kishoreganj)"), method: "upazila", finest: "BD304811", score: 1},
		{name: "upazila - district", stated: upazila("Amtali - Barguna"), method: "upazila", finest: "BD100409", score: 1},
		{name: "upazila / district", stated: upazila("Amtali/Barguna"), method: "upazila", finest: "BD100409", score: 1},
		{name: "Bangla, upazila, district", stated: upazila("ভৈরব, কিশোরগঞ্জ"), method: "upazila", finest: "BD304811", score: 1},
		{name: "union, upazila, district in the union field", stated: guccho.AdminNames{Union: "Amtali, Amtali, Barguna"}, method: "union", finest: "BD10040913", score: 1},
		{name: "a municipality named for itself, upazila, district in the union field", stated: guccho.AdminNames{Union: "Arani Paurashava, Bagha, Rajshahi"},
			method: "union", finest: "BD50811000", score: 1},
		{name: "a municipality of a repeated name, told apart by its district", stated: guccho.AdminNames{Union: "Sherpur Paurashava, Sherpur, Bogura"},
			method: "union", finest: "BD50108899", score: 1},
		{name: "a ward split between thanas, its thana, district in the union field", stated: guccho.AdminNames{Union: "Ward No-40 (Part), Sher-e-bangla Nagar, Dhaka"},
			method: "union", finest: "BD30268040", score: 1},
		{name: "a ward with its thana in the union field", stated: guccho.AdminNames{Union: "Ward 5, Barisal Sadar, Barishal"},
			method: "union", finest: "BD10065105", score: 1},
		{name: "union, district in the union field", stated: guccho.AdminNames{Union: "Savar, Dhaka"}, method: "union", finest: "BD30267278", score: 1},
		{name: "the district field wins over a part", stated: guccho.AdminNames{District: "Dhaka", Upazila: "Bhairab, Kishoreganj"},
			method: "district", finest: "BD3026", score: 0.9, flags: []string{guccho.FlagNameUnknown}},
		{name: "a repeated upazila with its district in the field", stated: upazila("Kotwali (Dhaka)"), method: "upazila", finest: "BD302640", score: 1},
		{name: "a name with parentheses stays whole", stated: upazila("Barisal Sadar (Kotwali)"), method: "upazila", finest: "BD100651", score: 1},
		// Administrative words.
		{name: "P.S. with the district", stated: guccho.AdminNames{District: "Chattogram", Upazila: "Kotwali P.S."}, method: "upazila", finest: "BD201541", score: 1},
		{name: "PS and the district in one field", stated: upazila("Kotwali PS, Chattogram"), method: "upazila", finest: "BD201541", score: 1},
		{name: "Uz.", stated: upazila("Amtali Uz."), method: "upazila", finest: "BD100409", score: 1},
		{name: "Bangla upazila word", stated: upazila("আমতলী উপজেলা"), method: "upazila", finest: "BD100409", score: 0.98},
		{name: "Sadar Thana", stated: guccho.AdminNames{District: "Bogura", Upazila: "Sadar Thana"}, method: "upazila", finest: "BD501020", score: 0.98},
		{name: "Zila after the district", stated: upazila("Bhairab, Kishoreganj Zila"), method: "upazila", finest: "BD304811", score: 0.98},
		{name: "Pourashava of an upazila", stated: guccho.AdminNames{District: "Barguna", Upazila: "Amtali Pourashava"}, method: "union", finest: "BD10040999", score: 1},
		{name: "Paurashava named after its upazila", stated: guccho.AdminNames{Union: "Savar Paurashava", Upazila: "Savar", District: "Dhaka"}, method: "union", finest: "BD30267299", score: 1},
		{name: "Bangla paurashava word", stated: guccho.AdminNames{District: "Barguna", Union: "আমতলী পৌরসভা"}, method: "union", finest: "BD10040999", score: 1},
		{name: "Ward N", stated: guccho.AdminNames{District: "Barishal", Upazila: "Barisal Sadar", Union: "Ward 5"}, method: "union", finest: "BD10065105", score: 1},
		{name: "Ward No. N", stated: guccho.AdminNames{District: "Barishal", Upazila: "Barisal Sadar", Union: "Ward No. 5"}, method: "union", finest: "BD10065105", score: 1},
		{name: "Bangla ward", stated: guccho.AdminNames{District: "Barishal", Upazila: "Barisal Sadar", Union: "ওয়ার্ড ৫"}, method: "union", finest: "BD10065105", score: 1},
		// Romanisation variants: their own score, no fuzzy flag.
		{name: "oo for u", stated: guccho.AdminNames{District: "Bogoora"}, method: "district", finest: "BD5010", score: 0.95},
		{name: "oo and sh", stated: guccho.AdminNames{District: "Kooshtia"}, method: "district", finest: "BD4050", score: 0.95},
		{name: "y for i", stated: guccho.AdminNames{District: "Noakhaly"}, method: "district", finest: "BD2075", score: 0.95},
		{name: "z for j and gonj", stated: guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab", Union: "Zibonpur"}, method: "upazila", finest: "BD304811",
			score: 0.9, flags: []string{guccho.FlagNameUnknown}},
		// A district named only in the upazila or union field.
		{name: "district in the union field", stated: guccho.AdminNames{Union: "Kishoreganj District"}, method: "district", finest: "BD3048", score: 0.98},
		{name: "a paurashava named in the union field stays a union", stated: guccho.AdminNames{District: "Narayanganj", Upazila: "Rupganj", Union: "Kanchan Paurashava UP"},
			method: "union", finest: "BD30676800", score: 1},
		// Never a wrong place: ambiguous names stay unplaced.
		{name: "Nawabganj with no district", stated: upazila("Nawabganj"), method: "none", flags: ambiguous},
		{name: "Kotwali P.S. with no district", stated: upazila("Kotwali P.S."), method: "none", flags: ambiguous},
		{name: "Sadar Thana with no district", stated: upazila("Sadar Thana"), method: "none", flags: []string{guccho.FlagNameUnknown}},
	}
	runGeocodeCases(t, g, cases)
}
