package valuechain_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/guccho/guccho/valuechain"
)

// BenchmarkAnalyze runs the whole analysis on synthetic chains (see
// randomChain). Exact betweenness is O(n·m): it is timed on the small
// chain only; the large one uses random pivots. Run with -benchtime=1x for
// the large one:
//
//	go test ./valuechain -run '^$' -bench Analyze -benchtime 1x
func BenchmarkAnalyze(b *testing.B) {
	cases := []struct {
		name   string
		n, m   int
		pivots int
	}{
		{"2k_actors_10k_links/exact", 2000, 10000, 0},
		{"2k_actors_10k_links/200_pivots", 2000, 10000, 200},
		{"100k_actors_1M_links/100_pivots", 100000, 1000000, 100},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			g := randomChain(b, rand.New(rand.NewPCG(7, 8)), c.n, c.m)
			runtime.GC() // the generator's garbage is not the analysis's
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				opt := valuechain.Options{Pivots: c.pivots, Rand: rand.New(rand.NewPCG(1, uint64(i)))}
				if _, err := g.Analyze(opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewGraph times validating and indexing 100,000 actors and
// 1,000,000 links.
func BenchmarkNewGraph(b *testing.B) {
	g := randomChain(b, rand.New(rand.NewPCG(7, 8)), 100000, 1000000)
	actors, links := g.Actors(), g.Links()
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := valuechain.NewGraph(actors, links); err != nil {
			b.Fatal(err)
		}
	}
}
