package valuechain_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/guccho/guccho/valuechain"
)

// golden is one graph of testdata/networkx.json (see networkx_golden.py).
type golden struct {
	Nodes                 []string
	Edges                 [][2]string
	Degree                map[string]float64
	InDegree              map[string]float64 `json:"in_degree"`
	OutDegree             map[string]float64 `json:"out_degree"`
	Betweenness           map[string]float64
	BetweennessNormalized map[string]float64 `json:"betweenness_normalized"`
}

func readGolden(t *testing.T) map[string]golden {
	t.Helper()
	b, err := os.ReadFile("testdata/networkx.json")
	if err != nil {
		t.Fatal(err)
	}
	var g map[string]json.RawMessage
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	out := map[string]golden{}
	for _, name := range []string{"bhairab", "random200"} {
		var x golden
		if err := json.Unmarshal(g[name], &x); err != nil {
			t.Fatal(err)
		}
		out[name] = x
	}
	return out
}

// graphOf builds a chain from a golden graph: every node a finance actor,
// every edge a money link, so no stage rule applies.
func graphOf(t testing.TB, nodes []string, edges [][2]string) *valuechain.Graph {
	t.Helper()
	actors := make([]valuechain.Actor, len(nodes))
	for i, id := range nodes {
		actors[i] = valuechain.Actor{ID: id, Role: valuechain.Finance}
	}
	links := make([]valuechain.Link, len(edges))
	for i, e := range edges {
		links[i] = valuechain.Link{From: e[0], To: e[1], Flow: valuechain.Money}
	}
	g, err := valuechain.NewGraph(actors, links)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestCentralityAgreesWithNetworkx compares degree and betweenness
// centrality with networkx 2.8 (directed; betweenness unnormalised and
// normalised by (n−1)(n−2)) to 1e-9.
func TestCentralityAgreesWithNetworkx(t *testing.T) {
	gold := readGolden(t)
	graphs := map[string]*valuechain.Graph{
		"bhairab":   bhairab(t),
		"random200": graphOf(t, gold["random200"].Nodes, gold["random200"].Edges),
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			want := gold[name]
			a, err := g.Analyze(valuechain.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Actors) != len(want.Nodes) {
				t.Fatalf("%d actors, want %d", len(a.Actors), len(want.Nodes))
			}
			n := float64(len(a.Actors) - 1)
			for _, s := range a.Actors {
				for _, c := range []struct {
					what      string
					got, want float64
				}{
					{"degree", s.Degree, want.Degree[s.ID]},
					{"in-degree", float64(s.In) / n, want.InDegree[s.ID]},
					{"out-degree", float64(s.Out) / n, want.OutDegree[s.ID]},
					{"betweenness", s.Betweenness, want.Betweenness[s.ID]},
					{"normalised betweenness", s.BetweennessNorm, want.BetweennessNormalized[s.ID]},
				} {
					if math.Abs(c.got-c.want) > 1e-9 {
						t.Errorf("%s of %s = %.12g, want %.12g", c.what, s.ID, c.got, c.want)
					}
				}
			}
		})
	}
}

// The Bhairab chain, by hand: goods run leather/sole → w1, w2, w3 → paikar
// (w1, w2) or dhaka (w3) → dhaka → shop.
func TestAnalyzeBhairab(t *testing.T) {
	a, err := bhairab(t).Analyze(valuechain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stage := func(r valuechain.Role) valuechain.StageStats { return a.Stages[r.Stage()-1] }
	tests := []struct {
		name      string
		got, want float64
	}{
		{"producers sold", stage(valuechain.Producer).Sold, 1200000 + 900000 + 380000},
		{"producers bought", stage(valuechain.Producer).Bought, 400000 + 240000 + 120000 + 60000},
		{"producers' value added", stage(valuechain.Producer).ValueAdded, 2480000 - 820000},
		{"producers' margin", stage(valuechain.Producer).Margin, 1660000.0 / 2480000},
		{"input suppliers' value added (no purchases recorded)", stage(valuechain.InputSupplier).ValueAdded, 820000},
		{"collector's value added", stage(valuechain.Collector).ValueAdded, 2420000 - 2100000},
		{"wholesaler's margin", stage(valuechain.Wholesaler).Margin, 450000.0 / 3250000},
		{"producers' inputs from outside Kishoreganj, by value", stage(valuechain.Producer).InputsOutside, 640000.0 / 820000},
		{"producers' inputs from outside, by links", stage(valuechain.Producer).InputsOutsideLinks, 2.0 / 4},
		{"producers' sales outside, by value", stage(valuechain.Producer).SalesOutside, 380000.0 / 2480000},
		{"producers' sales outside, by links", stage(valuechain.Producer).SalesOutsideLinks, 1.0 / 3},
		{"retail actors", float64(stage(valuechain.Retailer).Actors), 1},
		{"connected producers", float64(a.Connected), 3},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-9 {
			t.Errorf("%s = %g, want %g", tt.name, tt.got, tt.want)
		}
	}
	if va := stage(valuechain.Retailer).ValueAdded; !math.IsNaN(va) {
		t.Errorf("retailers' value added = %g, want NaN: their sales to consumers are not in the chain", va)
	}
	if got := fmt.Sprint(stage(valuechain.Producer).Volumes); got != "[{shoes pairs 13000}]" {
		t.Errorf("producer volumes = %s", got)
	}
	if got := fmt.Sprint(stage(valuechain.InputSupplier).Volumes); got != "[{leather sq ft 8000} {soles pairs 6000}]" {
		t.Errorf("input volumes = %s; units must not be added together", got)
	}
	if got := fmt.Sprint(a.Missing); got != "[processor exporter]" {
		t.Errorf("missing stages = %s", got)
	}
	var bn []string
	for _, b := range a.Bottlenecks {
		if b.Actor != "" {
			bn = append(bn, fmt.Sprintf("%s:%d", b.Actor, b.CutsOff))
		} else {
			bn = append(bn, fmt.Sprintf("%s→%s:%d", b.From, b.To, b.CutsOff))
		}
	}
	want := "dhaka:3 shop:3 dhaka→shop:3 paikar:2 paikar→dhaka:2 w1→paikar:1 w2→paikar:1 w3→dhaka:1"
	if got := strings.Join(bn, " "); got != want {
		t.Errorf("bottlenecks\n got %s\nwant %s", got, want)
	}
}

func TestBottlenecksSkipAlternativeRoutes(t *testing.T) {
	actors := []valuechain.Actor{
		{ID: "p", Role: valuechain.Producer}, {ID: "q", Role: valuechain.Producer}, {ID: "lone", Role: valuechain.Producer},
		{ID: "c1", Role: valuechain.Collector}, {ID: "c2", Role: valuechain.Collector},
		{ID: "r", Role: valuechain.Retailer}, {ID: "x", Role: valuechain.Exporter},
	}
	links := []valuechain.Link{
		{From: "p", To: "c1", Flow: valuechain.Goods}, {From: "p", To: "c2", Flow: valuechain.Goods},
		{From: "q", To: "c1", Flow: valuechain.Goods},
		{From: "c1", To: "r", Flow: valuechain.Goods}, {From: "c1", To: "x", Flow: valuechain.Goods},
		{From: "c2", To: "r", Flow: valuechain.Goods},
		{From: "c1", To: "r", Flow: valuechain.Goods}, // a second link on the same route changes nothing
	}
	g, err := valuechain.NewGraph(actors, links)
	if err != nil {
		t.Fatal(err)
	}
	a, err := g.Analyze(valuechain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var bn []string
	for _, b := range a.Bottlenecks {
		bn = append(bn, fmt.Sprintf("%s%s→%s:%d", b.Actor, b.From, b.To, b.CutsOff))
	}
	// p has two routes; q only one, through c1; c1 sells to two markets.
	if got, want := strings.Join(bn, " "), "c1→:1 q→c1:1"; got != want {
		t.Errorf("bottlenecks = %q, want %q", got, want)
	}
	if a.Producers != 3 || a.Connected != 2 {
		t.Errorf("producers %d, connected %d; want 3, 2 (lone sells to nobody)", a.Producers, a.Connected)
	}
}

// TestPivotsEstimateBetweenness measures the random-pivot estimate against
// the exact betweenness on a random graph of 2,000 actors and 10,000 links,
// with a sample of 10% of the actors as pivots, and checks that the error is
// what the estimator promises: small against the largest values, and the
// top actors found.
func TestPivotsEstimateBetweenness(t *testing.T) {
	if testing.Short() {
		t.Skip("exact betweenness on 2,000 actors takes a few seconds")
	}
	g := randomChain(t, rand.New(rand.NewPCG(3, 4)), 2000, 10000)
	exact, err := g.Analyze(valuechain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	approx, err := g.Analyze(valuechain.Options{Pivots: 200, Rand: rand.New(rand.NewPCG(5, 6))})
	if err != nil {
		t.Fatal(err)
	}
	if approx.Pivots != 200 || exact.Pivots != 0 {
		t.Fatalf("pivots %d and %d", approx.Pivots, exact.Pivots)
	}
	maxB, maxErr, sumErr := 0.0, 0.0, 0.0
	for i := range exact.Actors {
		e := exact.Actors[i].BetweennessNorm
		d := math.Abs(approx.Actors[i].BetweennessNorm - e)
		maxB = math.Max(maxB, e)
		maxErr = math.Max(maxErr, d)
		sumErr += d
	}
	top := overlap(exact.Actors, approx.Actors, 20)
	t.Logf("2,000 actors, 10,000 links, 200 pivots: max |error| %.2g, mean |error| %.2g (normalised; largest value %.2g); %d of the top 20 found",
		maxErr, sumErr/float64(len(exact.Actors)), maxB, top)
	if maxErr > 0.25*maxB || top < 14 {
		t.Errorf("max error %.3g against a largest value %.3g, %d of the top 20", maxErr, maxB, top)
	}
}

// overlap counts the actors among the k of highest betweenness in both.
func overlap(a, b []valuechain.ActorStats, k int) int {
	topOf := func(s []valuechain.ActorStats) map[string]bool {
		c := append([]valuechain.ActorStats(nil), s...)
		sortByBetweenness(c)
		m := map[string]bool{}
		for _, x := range c[:k] {
			m[x.ID] = true
		}
		return m
	}
	ta, tb := topOf(a), topOf(b)
	n := 0
	for id := range ta {
		if tb[id] {
			n++
		}
	}
	return n
}
