package demo_test

import (
	"testing"

	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/valuechain"
)

func TestDemoChainsAreValidAndSynthetic(t *testing.T) {
	ids := map[string][]string{demo.ChainIDs[0].ID: {"E1", "E2"}}
	chains := demo.Chains(ids)
	if len(chains) != len(demo.ChainIDs) {
		t.Fatalf("%d chains, want %d", len(chains), len(demo.ChainIDs))
	}
	for i, d := range chains {
		if d.Chain.ID != demo.ChainIDs[i].ID || d.Chain.Sector != demo.ChainIDs[i].Sector || d.Chain.Admin != demo.ChainIDs[i].Admin {
			t.Errorf("chain %d = %+v, want %+v", i, d.Chain, demo.ChainIDs[i])
		}
		if !d.Chain.Synthetic {
			t.Errorf("%s is not marked synthetic", d.Chain.ID)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", d.Chain.ID, err)
		}
		for _, a := range d.Actors {
			if !a.Placed() {
				t.Errorf("%s: actor %s has no location", d.Chain.ID, a.ID)
			}
		}
	}
	if w1, w2, w3 := chains[0].Actors[3], chains[0].Actors[4], chains[0].Actors[5]; w1.EnterpriseID != "E1" || w2.EnterpriseID != "E2" || w3.EnterpriseID != "" {
		t.Errorf("producers' enterprise ids %q %q %q, want E1 E2 and none", w1.EnterpriseID, w2.EnterpriseID, w3.EnterpriseID)
	}
}

func TestDemoChainsHaveTheirKeyActors(t *testing.T) {
	for _, tc := range []struct {
		chain           int
		missing         string
		producers       int
		bottleneck      string // the first: most producers cut
		cut             int
		supporterCentre string // the supporter of highest betweenness
	}{
		{0, "processor", 6, "paikar", 3, "csc"},
		{1, "exporter", 5, "ghosh", 3, "vet"},
		{2, "collector processor exporter", 5, "nawabpur", 4, "mfi"},
	} {
		d := demo.Chains(nil)[tc.chain]
		t.Run(d.Chain.ID, func(t *testing.T) {
			g, err := valuechain.NewGraph(d.Actors, d.Links)
			if err != nil {
				t.Fatal(err)
			}
			a, err := g.Analyze(valuechain.Options{})
			if err != nil {
				t.Fatal(err)
			}
			missing := ""
			for i, r := range a.Missing {
				if i > 0 {
					missing += " "
				}
				missing += string(r)
			}
			if missing != tc.missing || a.Producers != tc.producers || a.Connected != tc.producers {
				t.Errorf("missing %q, producers %d, connected %d; want %q, %d, %d", missing, a.Producers, a.Connected, tc.missing, tc.producers, tc.producers)
			}
			if b := a.Bottlenecks[0]; b.Actor != tc.bottleneck || b.CutsOff != tc.cut {
				t.Errorf("first bottleneck %+v, want actor %s cutting off %d", b, tc.bottleneck, tc.cut)
			}
			best, bestB := "", -1.0
			for _, s := range a.Actors {
				if r := valuechain.Role(s.Role); r.Function() == valuechain.Supporter && s.Betweenness > bestB {
					best, bestB = s.ID, s.Betweenness
				}
			}
			if best != tc.supporterCentre {
				t.Errorf("most central supporter %s, want %s", best, tc.supporterCentre)
			}
		})
	}
}
