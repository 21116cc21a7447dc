package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/valuechain"
)

// RunValuechains runs the conformance cases of value-chain storage: every
// write validated over the resulting chain, all or nothing, with an event.
func RunValuechains(t *testing.T, open Opener) {
	t.Run("CreateFindAndList", func(t *testing.T) { testChainCreateFind(t, open(t)) })
	t.Run("ReplaceIsAllOrNothing", func(t *testing.T) { testChainReplace(t, open(t)) })
	t.Run("EditsAreValidated", func(t *testing.T) { testChainEdits(t, open(t)) })
	t.Run("DeletesCascade", func(t *testing.T) { testChainDeletes(t, open(t)) })
	t.Run("WritesAppendEvents", func(t *testing.T) { testChainEvents(t, open(t)) })
}

// fiveActors is a small footwear chain: leather → two workshops → paikar →
// shop, and an MFI lending to one workshop. Two actors are placed.
func fiveActors() (valuechain.Chain, []valuechain.Actor, []valuechain.Link) {
	c := valuechain.Chain{ID: "bhairab-footwear", Name: "Bhairab footwear", NameBN: "ভৈরব পাদুকা", Sector: "footwear_leather",
		Cluster: "c-17", Admin: "BD304811", Synthetic: true}
	as := []valuechain.Actor{
		{ID: "leather", Name: "Leather trader", Role: valuechain.InputSupplier, Admin: "BD302628", Lon: 90.37, Lat: 23.73},
		{ID: "w1", Name: "Workshop 1", NameBN: "কারখানা ১", Role: valuechain.Producer, EnterpriseID: "E-1", Admin: "BD304811", Lon: 90.99, Lat: 24.05},
		{ID: "w2", Name: "Workshop 2", Role: valuechain.Producer, Admin: "BD304811"},
		{ID: "shop", Name: "Shop", Role: valuechain.Retailer, Location: "Dhaka"},
		{ID: "mfi", Name: "MFI", Role: valuechain.Finance},
	}
	ls := []valuechain.Link{
		{From: "leather", To: "w1", Flow: valuechain.Goods, Product: "leather", Volume: 500, Unit: "sq ft", Value: 40000, Period: "2024"},
		{ID: "w1-shop", From: "w1", To: "shop", Flow: valuechain.Goods, Product: "shoes", Volume: 600, Unit: "pairs", Value: 120000},
		{From: "w2", To: "shop", Flow: valuechain.Goods, Product: "shoes", Volume: 300, Unit: "pairs"},
		{From: "mfi", To: "w1", Flow: valuechain.Money, Product: "loan", Value: 20000},
	}
	return c, as, ls
}

func wantChainErr(t *testing.T, what string, err error, code, mention string) {
	t.Helper()
	if guccho.ErrorCode(err) != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, guccho.ErrorCode(err), code)
		return
	}
	if mention != "" && !strings.Contains(guccho.ErrorMessage(err), mention) {
		t.Errorf("%s: error %q does not name %s", what, guccho.ErrorMessage(err), mention)
	}
}

func storeFive(t *testing.T, s store.Store) (valuechain.Chain, []valuechain.Actor, []valuechain.Link) {
	t.Helper()
	c, as, ls := fiveActors()
	if err := s.ReplaceChain(context.Background(), &c, as, ls); err != nil {
		t.Fatalf("ReplaceChain: %v", err)
	}
	return c, as, ls
}

func testChainCreateFind(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, as, ls := storeFive(t, s)
	if ls[0].ID == "" || ls[1].ID != "w1-shop" {
		t.Errorf("link ids after ReplaceChain: %q, %q; want a derived one and w1-shop", ls[0].ID, ls[1].ID)
	}
	got, err := s.FindChainByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &valuechain.Data{Chain: c, Actors: as, Links: ls}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindChainByID =\n%+v\nwant\n%+v", got, want)
	}
	other := valuechain.Chain{ID: "dairy.sirajganj", Sector: "dairy", Admin: "BD5088"}
	if err := s.CreateChain(ctx, &other); err != nil {
		t.Fatal(err)
	}
	wantChainErr(t, "CreateChain twice", s.CreateChain(ctx, &other), guccho.ECONFLICT, "dairy.sirajganj")
	wantChainErr(t, "CreateChain with a bad id", s.CreateChain(ctx, &valuechain.Chain{ID: "a b", Sector: "dairy"}), guccho.EINVALID, `"id"`)
	wantChainErr(t, "CreateChain without a sector", s.CreateChain(ctx, &valuechain.Chain{ID: "x"}), guccho.EINVALID, `"sector"`)
	for _, tc := range []struct {
		name string
		f    valuechain.Filter
		want string
	}{
		{"all", valuechain.Filter{}, "bhairab-footwear 5 4, dairy.sirajganj 0 0"},
		{"sector", valuechain.Filter{Sector: "dairy"}, "dairy.sirajganj 0 0"},
		{"cluster", valuechain.Filter{Cluster: "c-17"}, "bhairab-footwear 5 4"},
		{"admin inside a district", valuechain.Filter{Admin: "BD3048"}, "bhairab-footwear 5 4"},
		{"admin elsewhere", valuechain.Filter{Admin: "BD10"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.FindChains(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, sm := range list {
				parts = append(parts, fmt.Sprintf("%s %d %d", sm.ID, sm.Actors, sm.Links))
			}
			if got := strings.Join(parts, ", "); got != tc.want {
				t.Errorf("FindChains(%+v) = %q, want %q", tc.f, got, tc.want)
			}
		})
	}
	c.Name, c.Cluster = "Bhairab shoes", ""
	if err := s.UpdateChain(ctx, &c); err != nil {
		t.Fatal(err)
	}
	got, err = s.FindChainByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Chain != c || len(got.Actors) != 5 || len(got.Links) != 4 {
		t.Errorf("after UpdateChain: %+v with %d actors, %d links; want %+v with 5, 4", got.Chain, len(got.Actors), len(got.Links), c)
	}
	wantChainErr(t, "UpdateChain of a missing chain", s.UpdateChain(ctx, &valuechain.Chain{ID: "nope", Sector: "dairy"}), guccho.ENOTFOUND, "nope")
	_, err = s.FindChainByID(ctx, "nope")
	wantChainErr(t, "FindChainByID of a missing chain", err, guccho.ENOTFOUND, "nope")
}

func testChainReplace(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, as, ls := storeFive(t, s)
	for _, tc := range []struct {
		name    string
		edit    func(as []valuechain.Actor, ls []valuechain.Link) ([]valuechain.Actor, []valuechain.Link)
		mention string
	}{
		{"link to an unknown actor", func(as []valuechain.Actor, ls []valuechain.Link) ([]valuechain.Actor, []valuechain.Link) {
			return as, append(ls, valuechain.Link{From: "w1", To: "ghost", Flow: valuechain.Goods})
		}, `field "to": no actor "ghost"`},
		{"goods backwards", func(as []valuechain.Actor, ls []valuechain.Link) ([]valuechain.Actor, []valuechain.Link) {
			return as, append(ls, valuechain.Link{From: "shop", To: "w2", Flow: valuechain.Goods})
		}, "goods run backwards"},
		{"actor outside Bangladesh", func(as []valuechain.Actor, ls []valuechain.Link) ([]valuechain.Actor, []valuechain.Link) {
			as[3].Lon, as[3].Lat = 2.35, 48.85
			return as, ls
		}, `field "lon"`},
		{"duplicate link id", func(as []valuechain.Actor, ls []valuechain.Link) ([]valuechain.Actor, []valuechain.Link) {
			ls[2].ID = "w1-shop"
			return as, ls
		}, `field "id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, as2, ls2 := fiveActors()
			as2, ls2 = tc.edit(as2, ls2)
			c2 := c
			c2.Name = "changed"
			wantChainErr(t, "ReplaceChain", s.ReplaceChain(ctx, &c2, as2, ls2), guccho.EINVALID, tc.mention)
			got, err := s.FindChainByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := (&valuechain.Data{Chain: c, Actors: as, Links: ls}); !reflect.DeepEqual(got, want) {
				t.Errorf("after a refused ReplaceChain the chain changed: %+v", got)
			}
		})
	}
	// A valid replacement replaces everything.
	as2 := []valuechain.Actor{{ID: "a", Role: valuechain.Producer}, {ID: "b", Role: valuechain.Exporter}}
	ls2 := []valuechain.Link{{From: "a", To: "b", Flow: valuechain.Goods}}
	if err := s.ReplaceChain(ctx, &c, as2, ls2); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindChainByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Actors, as2) || !reflect.DeepEqual(got.Links, ls2) {
		t.Errorf("after ReplaceChain: %+v, %+v; want %+v, %+v", got.Actors, got.Links, as2, ls2)
	}
}

func testChainEdits(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, _, _ := storeFive(t, s)
	id := c.ID
	paikar := valuechain.Actor{ID: "paikar", Name: "Paikar", Role: valuechain.Collector, Lon: 91.0, Lat: 24.0}
	if err := s.CreateActor(ctx, id, &paikar); err != nil {
		t.Fatal(err)
	}
	l := valuechain.Link{From: "w2", To: "paikar", Flow: valuechain.Goods, Product: "shoes", Unit: "pairs", Volume: 100}
	if err := s.CreateLink(ctx, id, &l); err != nil {
		t.Fatal(err)
	}
	if l.ID == "" {
		t.Error("CreateLink left the link without an id")
	}
	for _, tc := range []struct {
		name    string
		write   func() error
		code    string
		mention string
	}{
		{"actor id taken", func() error { return s.CreateActor(ctx, id, &valuechain.Actor{ID: "w1", Role: valuechain.Producer}) }, guccho.ECONFLICT, "w1"},
		{"unknown role", func() error { return s.CreateActor(ctx, id, &valuechain.Actor{ID: "x", Role: "cobbler"}) }, guccho.EINVALID, `field "role"`},
		{"actor in a missing chain", func() error { return s.CreateActor(ctx, "nope", &valuechain.Actor{ID: "x", Role: valuechain.Producer}) }, guccho.ENOTFOUND, "nope"},
		{"updating a missing actor", func() error { return s.UpdateActor(ctx, id, &valuechain.Actor{ID: "ghost", Role: valuechain.Producer}) }, guccho.ENOTFOUND, "ghost"},
		{"role change turns goods backwards", func() error {
			return s.UpdateActor(ctx, id, &valuechain.Actor{ID: "paikar", Role: valuechain.InputSupplier})
		}, guccho.EINVALID, "goods run backwards"},
		{"link to an unknown actor", func() error {
			return s.CreateLink(ctx, id, &valuechain.Link{From: "w1", To: "ghost", Flow: valuechain.Goods})
		}, guccho.EINVALID, `field "to"`},
		{"link with mixed units", func() error {
			return s.CreateLink(ctx, id, &valuechain.Link{From: "paikar", To: "shop", Flow: valuechain.Goods, Product: "shoes", Volume: 10, Unit: "dozen"})
		}, guccho.EINVALID, `field "unit"`},
		{"link id taken", func() error {
			return s.CreateLink(ctx, id, &valuechain.Link{ID: "w1-shop", From: "w2", To: "shop", Flow: valuechain.Money})
		}, guccho.ECONFLICT, "w1-shop"},
		{"updating a link backwards", func() error {
			return s.UpdateLink(ctx, id, &valuechain.Link{ID: "w1-shop", From: "shop", To: "w1", Flow: valuechain.Goods})
		}, guccho.EINVALID, "goods run backwards"},
		{"updating a missing link", func() error {
			return s.UpdateLink(ctx, id, &valuechain.Link{ID: "l-0", From: "w1", To: "shop", Flow: valuechain.Goods})
		}, guccho.ENOTFOUND, "l-0"},
		{"deleting a missing link", func() error { return s.DeleteLink(ctx, id, "l-0") }, guccho.ENOTFOUND, "l-0"},
		{"deleting a missing actor", func() error { return s.DeleteActor(ctx, id, "ghost") }, guccho.ENOTFOUND, "ghost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := s.FindChainByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			wantChainErr(t, tc.name, tc.write(), tc.code, tc.mention)
			after, err := s.FindChainByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, after) {
				t.Errorf("a refused write changed the chain:\n%+v\nnow\n%+v", before, after)
			}
		})
	}
	// Valid updates are stored in place, keeping the order.
	paikar.Name, paikar.Lon, paikar.Lat = "Bhairab paikar", 0, 0
	if err := s.UpdateActor(ctx, id, &paikar); err != nil {
		t.Fatal(err)
	}
	l.Value = 25000
	if err := s.UpdateLink(ctx, id, &l); err != nil {
		t.Fatal(err)
	}
	d, err := s.FindChainByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Actors[5]; got != paikar {
		t.Errorf("actor 6 = %+v, want %+v", got, paikar)
	}
	if got := d.Links[4]; got != l {
		t.Errorf("link 5 = %+v, want %+v", got, l)
	}
	if err := s.DeleteLink(ctx, id, l.ID); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.FindChainByID(ctx, id); len(d.Links) != 4 {
		t.Errorf("after DeleteLink %d links, want 4", len(d.Links))
	}
}

func testChainDeletes(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, _, _ := storeFive(t, s)
	if err := s.DeleteActor(ctx, c.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	d, err := s.FindChainByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range d.Links {
		got = append(got, l.From+">"+l.To)
	}
	if len(d.Actors) != 4 || strings.Join(got, " ") != "w2>shop" {
		t.Errorf("after deleting w1: %d actors, links %v; want 4 and [w2>shop]", len(d.Actors), got)
	}
	if err := s.DeleteChain(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindChainByID(ctx, c.ID)
	wantChainErr(t, "FindChainByID after DeleteChain", err, guccho.ENOTFOUND, c.ID)
	wantChainErr(t, "DeleteChain twice", s.DeleteChain(ctx, c.ID), guccho.ENOTFOUND, c.ID)
	// The id is free again, with nothing left over.
	c2 := valuechain.Chain{ID: c.ID, Sector: "footwear_leather"}
	if err := s.CreateChain(ctx, &c2); err != nil {
		t.Fatal(err)
	}
	if d, err := s.FindChainByID(ctx, c.ID); err != nil || len(d.Actors)+len(d.Links) != 0 {
		t.Errorf("a re-created chain holds %+v (%v), want nothing", d, err)
	}
}

func testChainEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	start, err := s.LatestEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ := storeFive(t, s)
	waitSignal(t, s)
	steps := []func() error{
		func() error { return s.CreateActor(ctx, c.ID, &valuechain.Actor{ID: "x", Role: valuechain.Training}) },
		func() error { return s.DeleteActor(ctx, c.ID, "x") },
		func() error {
			return s.CreateLink(ctx, c.ID, &valuechain.Link{From: "mfi", To: "w2", Flow: valuechain.Money})
		},
		func() error { return s.CreateActor(ctx, c.ID, &valuechain.Actor{ID: "w1", Role: valuechain.Producer}) }, // refused: no event
		func() error { return s.DeleteChain(ctx, c.ID) },
	}
	for i, step := range steps {
		if err := step(); err != nil && i != 3 {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	evs, err := s.EventsAfter(ctx, start, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		if e.Type != guccho.EventValuechainsChanged {
			t.Errorf("event %d has type %q, want %q", e.ID, e.Type, guccho.EventValuechainsChanged)
		}
		var ch valuechain.ChainChange
		if err := json.Unmarshal(e.Payload, &ch); err != nil {
			t.Fatal(err)
		}
		got = append(got, ch.Action+" "+ch.Chain+" "+ch.Sector)
	}
	want := []string{"replaced", "updated", "updated", "updated", "deleted"}
	for i := range want {
		want[i] += " bhairab-footwear footwear_leather"
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n%q\nwant\n%q", got, want)
	}
}

// SyntheticChain makes a chain of n actors: 10% input suppliers, 60%
// producers, 10% collectors, 10% wholesalers, 10% retailers, each selling
// goods to three actors of later stages, placed around
// Bhairab: the same chain for the same n, for benchmarks.
func SyntheticChain(n int) ([]valuechain.Actor, []valuechain.Link) {
	rng := rand.New(rand.NewPCG(7, 0))
	roles := []valuechain.Role{valuechain.InputSupplier, valuechain.Producer, valuechain.Producer, valuechain.Producer,
		valuechain.Producer, valuechain.Producer, valuechain.Producer, valuechain.Collector, valuechain.Wholesaler, valuechain.Retailer}
	as := make([]valuechain.Actor, n)
	byStage := map[int][]int{}
	for i := range as {
		r := roles[i%len(roles)]
		as[i] = valuechain.Actor{ID: fmt.Sprintf("a%d", i), Name: fmt.Sprintf("Actor %d", i), Role: r,
			Lon: 90.9 + rng.Float64()*0.2, Lat: 24.0 + rng.Float64()*0.1}
		byStage[r.Stage()] = append(byStage[r.Stage()], i)
	}
	var ls []valuechain.Link
	for i, a := range as {
		if a.Role == valuechain.Retailer {
			continue
		}
		for k := 0; k < 3; k++ {
			next := []int{}
			for s := a.Role.Stage() + 1; s <= valuechain.Retailer.Stage(); s++ {
				next = append(next, byStage[s]...)
			}
			j := next[rng.IntN(len(next))]
			ls = append(ls, valuechain.Link{From: as[i].ID, To: as[j].ID, Flow: valuechain.Goods, Product: "shoes",
				Volume: float64(100 + rng.IntN(1000)), Unit: "pairs", Value: float64(10000 + rng.IntN(100000))})
		}
	}
	return as, ls
}

// BenchValuechains times, on s, storing a 10,000-actor chain whole
// (ReplaceChain), reading it back (FindChainByID) and editing one actor
// (UpdateActor, which checks the whole chain again). Each store's benchmark
// calls it, so the figures compare.
func BenchValuechains(b *testing.B, s valuechain.Store) {
	ctx := context.Background()
	as, ls := SyntheticChain(10_000)
	c := valuechain.Chain{ID: "big", Sector: "footwear_leather"}
	b.Run("ReplaceChain", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := s.ReplaceChain(ctx, &c, as, ls); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FindChainByID", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.FindChainByID(ctx, "big"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateActor", func(b *testing.B) {
		a := as[1]
		for i := 0; i < b.N; i++ {
			a.Name = "renamed"
			if err := s.UpdateActor(ctx, "big", &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
