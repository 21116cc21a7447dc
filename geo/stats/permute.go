package stats

// conditionalPermutation returns the pseudo p-values of a local statistic
// by conditional permutation (Anselin 1995): for each observation i and
// each of opt.Permutations draws, the values x of its neighbours are
// replaced by k_i values drawn without replacement from the other n−1
// observations, and stat(i, Σ_k w_ik x_draw(k)) is compared with obs[i].
// w must not hold the diagonal; a self weight belongs in stat.
//
// The draws are a partial Fisher–Yates shuffle of one index buffer of the
// n−1 other positions, which stays a permutation between draws, so the
// loop allocates nothing: n·R·k random numbers in all.
func conditionalPermutation(w *Weights, x, obs []float64, opt Options, stat func(i int, lagSum float64) float64) []float64 {
	n := w.N()
	R := opt.Permutations
	rng := opt.Rand
	idx := make([]int, n-1)
	for j := range idx {
		idx[j] = j
	}
	p := make([]float64, n)
	for i := range n {
		js, vs := w.Row(i)
		k := len(js)
		atLeast, atMost := 0, 0
		for range R {
			s := 0.0
			for t := range k {
				u := t + rng.IntN(n-1-t)
				idx[t], idx[u] = idx[u], idx[t]
				j := idx[t]
				if j >= i { // skip i itself: positions 0..n-2 stand for all but i
					j++
				}
				s += vs[t] * x[j]
			}
			v := stat(i, s)
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
