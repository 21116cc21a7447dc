package valuechain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/valuechain"
)

// chain is a hand-checkable five-actor footwear chain around Bhairab:
// a leather supplier sells to two workshops, which sell to a wholesaler in
// Dhaka, who sells to a retailer; an MFI lends to one workshop.
func chain(t *testing.T) *valuechain.Graph {
	t.Helper()
	actors := []valuechain.Actor{
		{ID: "leather", Name: "Leather supplier", Role: valuechain.InputSupplier},
		{ID: "w1", Name: "Workshop 1", Role: valuechain.Producer, Admin: "BD304811"},
		{ID: "w2", Name: "Workshop 2", Role: valuechain.Producer, Admin: "BD304811"},
		{ID: "dhaka", Name: "Wholesaler", Role: valuechain.Wholesaler},
		{ID: "shop", Name: "Retailer", Role: valuechain.Retailer},
		{ID: "mfi", Name: "MFI", Role: valuechain.Finance},
	}
	links := []valuechain.Link{
		{From: "leather", To: "w1", Flow: valuechain.Goods, Value: 100},
		{From: "leather", To: "w2", Flow: valuechain.Goods, Value: 50},
		{From: "w1", To: "dhaka", Flow: valuechain.Goods, Value: 300},
		{From: "w2", To: "dhaka", Flow: valuechain.Goods, Value: 120},
		{From: "dhaka", To: "shop", Flow: valuechain.Goods, Value: 600},
		{From: "mfi", To: "w1", Flow: valuechain.Money, Value: 80},
	}
	g, err := valuechain.NewGraph(actors, links)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestWalkingTheChain(t *testing.T) {
	g := chain(t)
	if got := strings.Join(g.Downstream("leather"), " "); got != "w1 w2 dhaka shop" {
		t.Errorf("Downstream(leather) = %q", got)
	}
	if got := strings.Join(g.Upstream("shop"), " "); got != "dhaka w1 w2 leather" {
		t.Errorf("Upstream(shop) = %q", got)
	}
	if got := g.Downstream("mfi"); len(got) != 0 {
		t.Errorf("money is not a flow of goods: Downstream(mfi) = %v", got)
	}
	if got := g.ValueAdded("w1"); got != 200 {
		t.Errorf("ValueAdded(w1) = %g, want 300 sold − 100 bought = 200", got)
	}
	if a, err := g.Actor("w2"); err != nil || a.Role.Function() != valuechain.Operator {
		t.Errorf("Actor(w2) = %+v, %v", a, err)
	}
	if _, err := g.Actor("nobody"); guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("Actor(nobody) error = %v", err)
	}
	if valuechain.Finance.Function() != valuechain.Supporter || valuechain.Regulator.Function() != valuechain.Enabler {
		t.Error("roles are not grouped as ValueLinks groups them")
	}
	if len(valuechain.Roles()) != 14 {
		t.Errorf("%d roles, want 14", len(valuechain.Roles()))
	}
}

func TestNewGraphRejectsBrokenChains(t *testing.T) {
	a := valuechain.Actor{ID: "a", Role: valuechain.Producer}
	b := valuechain.Actor{ID: "b", Role: valuechain.Retailer}
	tests := []struct {
		name   string
		actors []valuechain.Actor
		links  []valuechain.Link
		want   string
	}{
		{"empty id", []valuechain.Actor{{Role: valuechain.Producer}}, nil, `field "id": empty`},
		{"unknown role", []valuechain.Actor{{ID: "x", Role: "wizard"}}, nil, `unknown role "wizard"`},
		{"duplicate id", []valuechain.Actor{a, a}, nil, "duplicate id"},
		{"unknown actor", []valuechain.Actor{a}, []valuechain.Link{{From: "a", To: "z", Flow: valuechain.Goods}}, `no actor "z"`},
		{"unknown flow", []valuechain.Actor{a, b}, []valuechain.Link{{From: "a", To: "b", Flow: "love"}}, `"love" is not goods`},
		{"self link", []valuechain.Actor{a}, []valuechain.Link{{From: "a", To: "a", Flow: valuechain.Goods}}, "links to itself"},
		{"negative value", []valuechain.Actor{a, b}, []valuechain.Link{{From: "a", To: "b", Flow: valuechain.Money, Value: -1}}, `field "value": negative`},
		{"negative volume", []valuechain.Actor{a, b}, []valuechain.Link{{From: "a", To: "b", Flow: valuechain.Goods, Volume: -2, Unit: "t"}}, `field "volume": negative`},
		{"volume without unit", []valuechain.Actor{a, b}, []valuechain.Link{{From: "a", To: "b", Flow: valuechain.Goods, Volume: 2}}, `field "unit": a volume needs a unit`},
		{"goods backwards", []valuechain.Actor{a, b}, []valuechain.Link{{From: "b", To: "a", Flow: valuechain.Goods}}, "goods run backwards"},
		{"mixed units", []valuechain.Actor{a, b, {ID: "c", Role: valuechain.Retailer}}, []valuechain.Link{
			{From: "a", To: "b", Flow: valuechain.Goods, Product: "shoes", Volume: 10, Unit: "pairs"},
			{From: "a", To: "c", Flow: valuechain.Goods, Product: "shoes", Volume: 1, Unit: "dozen"},
		}, `link 2 (a → c): field "unit": unit "dozen" differs from "pairs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := valuechain.NewGraph(tt.actors, tt.links)
			if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want EINVALID mentioning %q", err, tt.want)
			}
		})
	}
}

func TestMoneyAndServicesMayRunUpstream(t *testing.T) {
	actors := []valuechain.Actor{{ID: "p", Role: valuechain.Producer}, {ID: "r", Role: valuechain.Retailer}}
	links := []valuechain.Link{
		{From: "r", To: "p", Flow: valuechain.Money, Value: 500},
		{From: "r", To: "p", Flow: valuechain.Services},
		{From: "p", To: "r", Flow: valuechain.Goods, Product: "shoes", Volume: 10, Unit: "pairs"},
		{From: "p", To: "r", Flow: valuechain.Goods, Product: "sandals", Volume: 1, Unit: "dozen"},
	}
	if _, err := valuechain.NewGraph(actors, links); err != nil {
		t.Errorf("NewGraph: %v; payments and services may run against the goods, and each product has its own unit", err)
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	actors := []valuechain.Actor{{ID: "p", Role: valuechain.Producer}, {ID: "p", Role: "wizard"}}
	links := []valuechain.Link{{From: "p", To: "nobody", Flow: valuechain.Goods, Value: -1}}
	var got []string
	for _, p := range valuechain.Check(actors, links) {
		got = append(got, fmt.Sprintf("%v %d %s", p.Link, p.Index, p.Field))
	}
	want := "false 1 id|false 1 role|true 0 to|true 0 value"
	if strings.Join(got, "|") != want {
		t.Errorf("problems = %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestStagesRunFromInputsToEndMarkets(t *testing.T) {
	for i, r := range valuechain.Stages() {
		if r.Stage() != i+1 || r.Function() != valuechain.Operator {
			t.Errorf("%s: stage %d, function %s", r, r.Stage(), r.Function())
		}
	}
	if valuechain.Finance.Stage() != 0 || !valuechain.Exporter.EndMarket() || valuechain.Wholesaler.EndMarket() {
		t.Error("supporters have no stage; retailers and exporters are the end markets")
	}
}

// TestCheckKeepsRecordsWithinTheLimits: actor ids must fit one URL path
// segment (/api/valuechains/{id}/actors/{actor}), and text stays within
// guccho's limits, as enterprise text does.
func TestCheckKeepsRecordsWithinTheLimits(t *testing.T) {
	actors := []valuechain.Actor{
		{ID: "a/b", Role: valuechain.Producer},
		{ID: "..", Role: valuechain.Producer},
		{ID: "p", Role: valuechain.Producer, Name: strings.Repeat("x", guccho.MaxNameBytes+1)},
		{ID: "w", Role: valuechain.Wholesaler, NameBN: "পাইকার\x00"},
	}
	links := []valuechain.Link{{ID: "..", From: "p", To: "w", Flow: valuechain.Goods, Product: strings.Repeat("p", guccho.MaxTextBytes+1)}}
	var got []string
	for _, p := range valuechain.Check(actors, links) {
		got = append(got, fmt.Sprintf("%v %d %s: %s", p.Link, p.Index, p.Field, p.Reason))
	}
	want := []string{
		`false 0 id: "a/b" may not contain "/" (ids must fit one URL path segment)`,
		`false 1 id: ".." is not an id`,
		`false 2 name: 1001 bytes is longer than the limit of 1000 bytes`,
		`false 3 name_bn: contains the control character U+0000`,
		`true 0 id: "..": use letters, digits, '-', '_' or '.' (at most 64)`,
		`true 0 product: 4097 bytes is longer than the limit of 4096 bytes`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
