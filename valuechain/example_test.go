package valuechain_test

import (
	"fmt"

	"github.com/guccho/guccho/valuechain"
)

// Two workshops sell through one paikar to a shop: the paikar is the
// bottleneck and carries every shortest path.
func ExampleGraph_Analyze() {
	actors := []valuechain.Actor{
		{ID: "w1", Role: valuechain.Producer}, {ID: "w2", Role: valuechain.Producer},
		{ID: "paikar", Role: valuechain.Collector}, {ID: "shop", Role: valuechain.Retailer},
	}
	links := []valuechain.Link{
		{From: "w1", To: "paikar", Flow: valuechain.Goods, Value: 100},
		{From: "w2", To: "paikar", Flow: valuechain.Goods, Value: 80},
		{From: "paikar", To: "shop", Flow: valuechain.Goods, Value: 240},
	}
	g, err := valuechain.NewGraph(actors, links)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := g.Analyze(valuechain.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := a.Actors[2]
	fmt.Printf("%s: betweenness %g (normalised %.3f), cuts off %d producers\n", p.ID, p.Betweenness, p.BetweennessNorm, p.CutsOff)
	c := a.Stages[valuechain.Collector.Stage()-1]
	fmt.Printf("collector stage: value added %g taka, margin %.2f\n", c.ValueAdded, c.Margin)
	// Output:
	// paikar: betweenness 2 (normalised 0.333), cuts off 2 producers
	// collector stage: value added 60 taka, margin 0.25
}
