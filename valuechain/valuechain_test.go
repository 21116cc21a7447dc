package valuechain_test

import (
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
		{"negative value", []valuechain.Actor{a, b}, []valuechain.Link{{From: "a", To: "b", Flow: valuechain.Money, Value: -1}}, "negative"},
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
