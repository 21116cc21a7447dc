package valuechain

import (
	"math"
	"math/rand/v2"
	"testing"
)

// With every actor as a pivot the per-source pass must give gonum's exact
// betweenness: the pivot estimate differs only by which sources it sums.
func TestPivotPassWithAllSourcesIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, m = 300, 1500
	from, to := make([]int32, m), make([]int32, m)
	for i := range from {
		from[i], to[i] = int32(rng.IntN(n)), int32(rng.IntN(n))
		if from[i] == to[i] {
			to[i] = (to[i] + 1) % n
		}
	}
	out := newCSR(n, from, to)
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	got, want := pivotBetweenness(out, all), exactBetweenness(n, out)
	for v := range want {
		if math.Abs(got[v]-want[v]) > 1e-9*math.Max(1, want[v]) {
			t.Errorf("actor %d: %g, gonum says %g", v, got[v], want[v])
		}
	}
}

func TestNewCSRMergesRepeatedEdges(t *testing.T) {
	c := newCSR(3, []int32{0, 0, 2, 0}, []int32{2, 1, 0, 2})
	if c.degree(0) != 2 || c.degree(1) != 0 || c.degree(2) != 1 || c.neighbours(0)[0] != 1 {
		t.Errorf("rows %v %v", c.start, c.adj)
	}
}
