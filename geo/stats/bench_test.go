package stats

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// Benchmarks on the 5,160 real unions, each beside a naive baseline run in
// the same invocation, so that the ratio, not the wall clock, is the figure:
//
//	go test -run '^$' -bench . -benchtime 3x ./geo/stats/
//
// Gi*: the conditional-permutation loop (partial Fisher–Yates over one
// reused buffer) against the textbook loop that copies and shuffles the
// n−1 other values for every unit and draw; both report ns per permutation.
// Contiguity: the grid-indexed build against all pairs of units whose
// bounding boxes meet, vertices against edges.

func unionWeights(b *testing.B) (*Weights, []float64) {
	b.Helper()
	ids, polys := unitPolys(bdtest.UnitsAt(b, geo.Union))
	w, err := ContiguityWeights(ids, polys, Queen, DefaultTolerance)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	y := make([]float64, w.N())
	for i := range y {
		y[i] = float64(rng.IntN(200))
	}
	return w, y
}

func BenchmarkGiStarPermutations(b *testing.B) {
	w, y := unionWeights(b)
	b.Run("allocation-free/999", func(b *testing.B) {
		opt := Options{Permutations: 999, Rand: rand.New(rand.NewPCG(1, 2))}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := LocalG(y, w, true, opt); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*999), "ns/perm")
	})
	b.Run("naive/19", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		r, err := LocalG(y, w, true, Options{})
		if err != nil {
			b.Fatal(err)
		}
		off := w.Transformed(Row)
		sum := 0.0
		for _, v := range y {
			sum += v
		}
		b.ReportAllocs()
		for b.Loop() {
			naiveGiStarPermutations(off, y, r.Stat, sum, 19, rng)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*19), "ns/perm")
	})
}

// naiveGiStarPermutations is the baseline: for each unit and draw, copy the
// other values, shuffle them all and take the first k. (Its weights differ
// from Gi*'s by the self weight; the work is the same.)
func naiveGiStarPermutations(w *Weights, y, obs []float64, sum float64, R int, rng *rand.Rand) []float64 {
	p := make([]float64, w.N())
	for i := range w.N() {
		js, vs := w.Row(i)
		atLeast, atMost := 0, 0
		for range R {
			others := make([]float64, 0, len(y)-1)
			others = append(append(others, y[:i]...), y[i+1:]...)
			rng.Shuffle(len(others), func(a, b int) { others[a], others[b] = others[b], others[a] })
			s := 0.0
			for k := range js {
				s += vs[k] * others[k]
			}
			v := (s + y[i]) / sum
			if v >= obs[i] {
				atLeast++
			}
			if v <= obs[i] {
				atMost++
			}
		}
		p[i] = pseudoP(atLeast, atMost, R)
	}
	return p
}

func BenchmarkContiguity(b *testing.B) {
	ids, polys := unitPolys(bdtest.UnitsAt(b, geo.Union))
	b.Run("indexed", func(b *testing.B) {
		for b.Loop() {
			if _, err := ContiguityWeights(ids, polys, Queen, DefaultTolerance); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("all-pairs", func(b *testing.B) {
		for b.Loop() {
			naiveQueenPairs(polys, DefaultTolerance)
		}
	})
}

// naiveQueenPairs compares every pair of units whose bounding boxes meet
// (padded by the tolerance), every vertex of one against every edge of the
// other.
func naiveQueenPairs(polys []orb.MultiPolygon, tol float64) int {
	g := &edgeGrid{lon0: 90.35} // only for its projection
	proj := make([][]orb.Ring, len(polys))
	bounds := make([]orb.Bound, len(polys))
	for u, mp := range polys {
		for _, poly := range mp {
			for _, ring := range poly {
				pr := make(orb.Ring, len(ring))
				for k, p := range ring {
					pr[k] = g.project(p)
				}
				proj[u] = append(proj[u], pr)
			}
		}
		bounds[u] = proj[u][0].Bound()
		for _, r := range proj[u][1:] {
			bounds[u] = bounds[u].Union(r.Bound())
		}
		bounds[u] = bounds[u].Pad(tol)
	}
	n := 0
	for a := range polys {
		for b := a + 1; b < len(polys); b++ {
			if !bounds[a].Intersects(bounds[b]) {
				continue
			}
			if touches(proj[a], proj[b], tol) || touches(proj[b], proj[a], tol) {
				n++
			}
		}
	}
	return n
}

func touches(a, b []orb.Ring, tol float64) bool {
	for _, ra := range a {
		for _, p := range ra {
			for _, rb := range b {
				for k := 1; k < len(rb); k++ {
					if segDist2(p, rb[k-1], rb[k]) <= tol*tol {
						return true
					}
				}
			}
		}
	}
	return false
}
