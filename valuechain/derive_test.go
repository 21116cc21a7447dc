package valuechain_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho/valuechain"
)

// deriveFixture is five footwear workshops of Bhairab (BD304811): two buy
// leather from Savar traders (written two ways), two rubber from a Bhairab
// dealer, one nothing recorded; they sell to Bhairab paikars (three, one
// written in the plural), to an exporter at Chattogram, and one names a dealer as its
// buyer, which would run backwards.
func deriveFixture() []valuechain.Enterprise {
	savar := valuechain.Party{Type: "Leather traders", Place: "Savar", Admin: "BD302672", PlaceName: "Savar", Lon: 90.26, Lat: 23.86}
	bhairab := valuechain.Party{Place: "Bhairab", Admin: "BD304811", PlaceName: "Bhairab", Lon: 90.98, Lat: 24.05}
	rubber, paikar, paikars := bhairab, bhairab, bhairab
	rubber.Type, paikar.Type, paikars.Type = "rubber dealer", "paikar", "Paikars"
	port := valuechain.Party{Type: "exporter", Place: "Ctg port"} // not resolved
	leather2 := savar
	leather2.Type = "leather trader"
	backwards := valuechain.Party{Type: "Dealer", Place: "Bhairab"}
	w := func(i int, in, buyer valuechain.Party) valuechain.Enterprise {
		return valuechain.Enterprise{EnterpriseID: fmt.Sprintf("E-%d", i), Name: fmt.Sprintf("Workshop %d", i), Sector: "footwear_leather",
			Admin: "BD304811", Lon: 90.97 + float64(i)/1000, Lat: 24.05, Input: in, Buyer: buyer}
	}
	return []valuechain.Enterprise{
		w(1, savar, paikar),
		w(2, leather2, paikars),
		w(3, rubber, port),
		w(4, rubber, backwards),
		w(5, valuechain.Party{}, paikar),
	}
}

func TestDerive(t *testing.T) {
	scope := valuechain.Chain{ID: "c", Sector: "footwear_leather", Cluster: "smef:footwear_leather:E-1"}
	d := valuechain.Derive(scope, deriveFixture(), nil)
	var actors []string
	for _, a := range d.Actors {
		actors = append(actors, fmt.Sprintf("%s %s %q %q %q %v", a.ID, a.Role, a.Name, a.Admin, a.Location, a.Placed()))
	}
	want := []string{
		`p-E-1 producer "Workshop 1" "BD304811" "" true`,
		`in-1 input_supplier "Leather traders, Savar" "BD302672" "" true`,
		`buy-1 wholesaler "Paikar, Bhairab" "BD304811" "" true`,
		`p-E-2 producer "Workshop 2" "BD304811" "" true`,
		`p-E-3 producer "Workshop 3" "BD304811" "" true`,
		`in-2 input_supplier "Rubber dealer, Bhairab" "BD304811" "" true`,
		`buy-2 exporter "Exporter, Ctg port" "" "Ctg port" false`,
		`p-E-4 producer "Workshop 4" "BD304811" "" true`,
		`p-E-5 producer "Workshop 5" "BD304811" "" true`,
	}
	if !reflect.DeepEqual(actors, want) {
		t.Errorf("actors:\n%s\nwant:\n%s", strings.Join(actors, "\n"), strings.Join(want, "\n"))
	}
	var links []string
	for _, l := range d.Links {
		links = append(links, l.From+">"+l.To+" "+string(l.Flow))
	}
	wantLinks := "in-1>p-E-1 goods, p-E-1>buy-1 goods, in-1>p-E-2 goods, p-E-2>buy-1 goods, in-2>p-E-3 goods, p-E-3>buy-2 goods, in-2>p-E-4 goods, p-E-5>buy-1 goods"
	if got := strings.Join(links, ", "); got != wantLinks {
		t.Errorf("links = %s\nwant    %s", got, wantLinks)
	}
	if d.Producers != 5 || d.Suppliers != 2 || d.Buyers != 2 || d.Reused != 0 {
		t.Errorf("counts: %d producers, %d suppliers, %d buyers, %d reused; want 5, 2, 2, 0", d.Producers, d.Suppliers, d.Buyers, d.Reused)
	}
	if len(d.Skipped) != 1 || d.Skipped[0].EnterpriseID != "E-4" || d.Skipped[0].Field != "buyer_type" ||
		!strings.Contains(d.Skipped[0].Reason, "run backwards") {
		t.Errorf("skipped = %+v, want E-4's buyer_type, running backwards", d.Skipped)
	}
	if p := valuechain.Check(d.Actors, d.Links); len(p) != 0 {
		t.Errorf("Check: %+v", p)
	}
}

// TestDeriveReusesNearbyActors takes a stored supplier of the same role and
// unit in place of a derived one, and adds nearby supporters unlinked; a
// nearby operator no answer names stays out.
func TestDeriveReusesNearbyActors(t *testing.T) {
	nearby := []valuechain.Actor{
		{ID: "tannery", Name: "Savar tannery estate", NameBN: "সাভার ট্যানারি", Role: valuechain.InputSupplier, Admin: "BD302672", Lon: 90.25, Lat: 23.85},
		{ID: "shop", Name: "Dhaka shop", Role: valuechain.Retailer, Admin: "BD302640"},
		{ID: "mfi", Name: "Partner organisation", Role: valuechain.Finance, Admin: "BD304811"},
	}
	d := valuechain.Derive(valuechain.Chain{ID: "c", Sector: "footwear_leather"}, deriveFixture(), nearby)
	var got []string
	for _, a := range d.Actors {
		if a.Role != valuechain.Producer {
			got = append(got, a.ID+" "+a.Name)
		}
	}
	want := "in-1 Savar tannery estate, buy-1 Paikar, Bhairab, in-2 Rubber dealer, Bhairab, buy-2 Exporter, Ctg port, near-1 Partner organisation"
	if strings.Join(got, ", ") != want {
		t.Errorf("actors = %s\nwant     %s", strings.Join(got, ", "), want)
	}
	if d.Reused != 1 || d.Supporters != 1 {
		t.Errorf("reused %d, supporters %d; want 1, 1", d.Reused, d.Supporters)
	}
	if p := valuechain.Check(d.Actors, d.Links); len(p) != 0 {
		t.Errorf("Check: %+v", p)
	}
}

// TestDeriveSkips reports answers that make no link, and still makes the
// producer.
func TestDeriveSkips(t *testing.T) {
	d := valuechain.Derive(valuechain.Chain{ID: "c", Sector: "dairy"}, []valuechain.Enterprise{
		{EnterpriseID: "a", Input: valuechain.Party{Place: "Savar"}, Buyer: valuechain.Party{Type: "astrologer", Place: "Savar"}},
		{EnterpriseID: "b", Buyer: valuechain.Party{Place: "Savar"}},
	}, nil)
	var got []string
	for _, s := range d.Skipped {
		got = append(got, s.EnterpriseID+" "+s.Field+" "+s.Reason)
	}
	want := []string{
		"a input_source_type a place (Savar) without a type",
		"a buyer_type not a known type of buyer (paikar, aratdar, wholesaler, retailer, local market, processor, exporter, …)",
		"b buyer_type a place (Savar) without a type",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(d.Actors) != 2 || d.Actors[0].Name != "Enterprise a" || len(d.Links) != 0 {
		t.Errorf("actors %+v, links %+v; want the two producers and no link", d.Actors, d.Links)
	}
}

func TestBuyerRole(t *testing.T) {
	for _, tc := range []struct {
		text string
		want valuechain.Role
	}{
		{"paikar", valuechain.Wholesaler},
		{"Paikari traders", valuechain.Wholesaler},
		{"পাইকারি বিক্রেতা", valuechain.Wholesaler},
		{"Dhaka wholesalers (Chawk Bazar)", valuechain.Wholesaler},
		{"trader", valuechain.Wholesaler},
		{"aratdar", valuechain.Collector},
		{"আড়তদার", valuechain.Collector},
		{"milk collector", valuechain.Collector},
		{"Milk Vita", valuechain.Processor},
		{"garment factories", valuechain.Processor},
		{"local market", valuechain.Retailer},
		{"haat", valuechain.Retailer},
		{"স্থানীয় বাজার", valuechain.Retailer},
		{"exporter", valuechain.Exporter},
		{"রপ্তানিকারক", valuechain.Exporter},
		{"feed dealer", valuechain.InputSupplier},
		{"other workshops", valuechain.Producer},
		{"astrologer", ""},
		{"", ""},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got, ok := valuechain.BuyerRole(tc.text)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("BuyerRole(%q) = %q, %v; want %q", tc.text, got, ok, tc.want)
			}
		})
	}
}

func TestClusterChainID(t *testing.T) {
	for _, tc := range []struct{ cluster, want string }{
		{"smef:footwear_leather:fa-00", "cluster-smef-footwear_leather-fa-00"},
		{"dbscan:all:E 1/2", "cluster-dbscan-all-E-1-2"},
		{"smef:dairy:" + strings.Repeat("x", 60), "cluster-smef-dairy-" + strings.Repeat("x", 34) + "-"},
	} {
		got := valuechain.ClusterChainID(tc.cluster)
		if !strings.HasPrefix(got, tc.want) || len(got) > 64 {
			t.Errorf("ClusterChainID(%q) = %q, want %q… of at most 64", tc.cluster, got, tc.want)
		}
		if err := (&valuechain.Chain{ID: got, Sector: "dairy"}).Validate(); err != nil {
			t.Errorf("ClusterChainID(%q) = %q: %v", tc.cluster, got, err)
		}
	}
}

// TestDeriveMergesAnswersThatReuseOneActor: two ways of naming the buyers of
// one upazila that both match the same stored wholesaler make one actor.
func TestDeriveMergesAnswersThatReuseOneActor(t *testing.T) {
	bhairab := valuechain.Party{Admin: "BD304811", Place: "Bhairab"}
	en, bn := bhairab, bhairab
	en.Type, bn.Type = "paikar", "পাইকার"
	nearby := []valuechain.Actor{{ID: "w", Name: "Bhairab bazar wholesaler", Role: valuechain.Wholesaler, Admin: "BD304811"}}
	d := valuechain.Derive(valuechain.Chain{ID: "c", Sector: "footwear_leather"}, []valuechain.Enterprise{
		{EnterpriseID: "1", Buyer: en}, {EnterpriseID: "2", Buyer: bn}}, nearby)
	if d.Buyers != 1 || d.Reused != 1 || len(d.Actors) != 3 || d.Links[0].To != "buy-1" || d.Links[1].To != "buy-1" {
		t.Errorf("buyers %d, reused %d, actors %+v, links %+v; want one buyer, buy-1, for both", d.Buyers, d.Reused, d.Actors, d.Links)
	}
}
