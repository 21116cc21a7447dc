package valuechain_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/guccho/guccho/valuechain"
)

// randomChain makes a synthetic chain of n actors and m links: operators
// spread over the stages (half of them producers), a few supporters; 85% of
// the links are goods sold to the same stage or up to two stages on, 10%
// payments back from buyer to seller, 5% services from supporters; actors
// sit in one of eight districts. It is the chain of the benchmarks and of
// the pivot-error test.
func randomChain(tb testing.TB, rng *rand.Rand, n, m int) *valuechain.Graph {
	tb.Helper()
	weights := []struct {
		role valuechain.Role
		w    float64
	}{
		{valuechain.InputSupplier, 0.06}, {valuechain.Producer, 0.5}, {valuechain.Collector, 0.1},
		{valuechain.Processor, 0.05}, {valuechain.Wholesaler, 0.1}, {valuechain.Retailer, 0.14},
		{valuechain.Exporter, 0.02}, {valuechain.Finance, 0.02}, {valuechain.BusinessServices, 0.01},
	}
	districts := []string{"BD3048", "BD3026", "BD3033", "BD3061", "BD2015", "BD5010", "BD4041", "BD6036"}
	actors := make([]valuechain.Actor, n)
	byStage := make([][]int, 8) // stage → actors; 0 holds supporters
	for i := range actors {
		x, role := rng.Float64(), weights[len(weights)-1].role
		for _, w := range weights {
			if x < w.w {
				role = w.role
				break
			}
			x -= w.w
		}
		actors[i] = valuechain.Actor{ID: fmt.Sprintf("a%d", i), Role: role,
			Admin: districts[rng.IntN(len(districts))] + fmt.Sprintf("%02d", 1+rng.IntN(20))}
		byStage[role.Stage()] = append(byStage[role.Stage()], i)
	}
	pick := func(s int) (int, bool) {
		if len(byStage[s]) == 0 {
			return 0, false
		}
		return byStage[s][rng.IntN(len(byStage[s]))], true
	}
	links := make([]valuechain.Link, 0, m)
	for len(links) < m {
		x := rng.Float64()
		from, ok := pick(1 + rng.IntN(7))
		if !ok {
			continue
		}
		s := actors[from].Role.Stage()
		to, ok := pick(min(7, s+rng.IntN(3)))
		if !ok || to == from {
			continue
		}
		l := valuechain.Link{From: actors[from].ID, To: actors[to].ID, Flow: valuechain.Goods,
			Product: "shoes", Volume: float64(1 + rng.IntN(1000)), Unit: "pairs", Value: float64(rng.IntN(100000))}
		switch {
		case x < 0.10:
			l = valuechain.Link{From: l.To, To: l.From, Flow: valuechain.Money, Value: l.Value}
		case x < 0.15:
			sup, ok := pick(0)
			if !ok {
				continue
			}
			l = valuechain.Link{From: actors[sup].ID, To: l.To, Flow: valuechain.Services}
		}
		links = append(links, l)
	}
	g, err := valuechain.NewGraph(actors, links)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// sortByBetweenness orders actors by falling betweenness, then id.
func sortByBetweenness(s []valuechain.ActorStats) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Betweenness != s[j].Betweenness {
			return s[i].Betweenness > s[j].Betweenness
		}
		return s[i].ID < s[j].ID
	})
}
