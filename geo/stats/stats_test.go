package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func path4(t *testing.T) *Weights {
	t.Helper()
	w, err := NewWeights([]string{"a", "b", "c", "d"}, [][]int{{1}, {0, 2}, {1, 3}, {2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// On the path a–b–c–d with y = 1, 2, 3, 4 and binary weights:
// z = (−1.5, −0.5, 0.5, 1.5), Σz² = 5, Σ w_ij z_i z_j = 2(0.75 − 0.25 + 0.75)
// = 2.5, S0 = 6, so I = 4/6 · 2.5/5 = 1/3; E[I] = −1/3.
func TestMoranByHand(t *testing.T) {
	m, err := Moran([]float64{1, 2, 3, 4}, path4(t), Options{Transform: Binary})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Stat-1.0/3) > 1e-15 || m.Expected != -1.0/3 {
		t.Errorf("I, E[I] = %v, %v; want 1/3, −1/3", m.Stat, m.Expected)
	}
	// Local Moran, row-standardised: σ = √1.25, z/σ, I_i = (n−1) z_i lag_i / Σz² = 3/4·z_i·lag_i.
	lm, err := LocalMoran([]float64{1, 2, 3, 4}, path4(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := math.Sqrt(1.25)
	z := []float64{-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}
	want := []float64{0.75 * z[0] * z[1], 0.75 * z[1] * (z[0] + z[2]) / 2, 0.75 * z[2] * (z[1] + z[3]) / 2, 0.75 * z[3] * z[2]}
	for i := range want {
		if math.Abs(lm.Stat[i]-want[i]) > 1e-14 {
			t.Errorf("I_%d = %v, want %v", i, lm.Stat[i], want[i])
		}
	}
	if got := lm.Quadrant; !slices.Equal(got, []Quadrant{LL, LL, HH, HH}) {
		t.Errorf("quadrants = %v, want LL LL HH HH", got)
	}
}

// Gi and Gi* on the path a–b–c–d with y = 1, 0, 0, 3 and binary weights:
// Gi_b = (y_a + y_c)/(Σy − y_b) = 1/4, Gi*_b = (y_a + y_b + y_c)/Σy = 1/4,
// Gi_d = y_c/(Σy − y_d) = 0, Gi*_d = (y_c + y_d)/Σy = 3/4; E[Gi*_d] = 2/4.
func TestGetisOrdByHand(t *testing.T) {
	y := []float64{1, 0, 0, 3}
	gi, err := LocalG(y, path4(t), false, Options{Transform: Binary})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := LocalG(y, path4(t), true, Options{Transform: Binary})
	if err != nil {
		t.Fatal(err)
	}
	if gi.Stat[1] != 0.25 || gi.Stat[3] != 0 || gs.Stat[1] != 0.25 || gs.Stat[3] != 0.75 || gs.Expected[3] != 0.5 {
		t.Errorf("Gi = %v, Gi* = %v, E[Gi*] = %v", gi.Stat, gs.Stat, gs.Expected)
	}
	// Row-standardised Gi*: d has itself and c, each 1/2: (0 + 3)/2/4.
	gr, err := LocalG(y, path4(t), true, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if gr.Stat[3] != 0.375 {
		t.Errorf("Gi*_d (r) = %v, want 0.375", gr.Stat[3])
	}
}

func TestBadInput(t *testing.T) {
	w := path4(t)
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"length", func() error { _, err := Moran([]float64{1, 2, 3}, w, Options{}); return err }},
		{"NaN", func() error { _, err := LocalMoran([]float64{1, math.NaN(), 3, 4}, w, Options{}); return err }},
		{"constant", func() error { _, err := Moran([]float64{2, 2, 2, 2}, w, Options{}); return err }},
		{"negative G", func() error { _, err := G([]float64{1, -2, 3, 4}, w, Options{}); return err }},
		{"negative Gi", func() error { _, err := LocalG([]float64{1, -2, 3, 4}, w, true, Options{}); return err }},
		{"no rand", func() error { _, err := Moran([]float64{1, 2, 3, 4}, w, Options{Permutations: 9}); return err }},
	} {
		if err := tc.run(); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// Conditional permutation draws the neighbours' values without
// replacement from the other n−1 values, never from unit i itself. Unit 0
// (value 0) has neighbours 1 and 2; the six pairs from {1, 2, 3, 4} sum to
// 3, 4, 5, 5, 6, 7, so an observed 5.5 is exceeded with probability 2/6,
// and the folded pseudo p-value tends to 1/3. Drawing with replacement or
// including unit 0 would give other limits (6/16, 2/10).
func TestConditionalPermutationDraws(t *testing.T) {
	w, err := NewWeights([]string{"0", "1", "2", "3", "4"}, [][]int{{1, 2}, {0}, {0}, {4}, {3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0, 1, 2, 3, 4}
	opt := Options{Permutations: 60000, Rand: rand.New(rand.NewPCG(1, 2))}
	p := conditionalPermutation(w, x, []float64{5.5, 0, 0, 0, 0}, opt, func(i int, s float64) float64 { return s })
	if math.Abs(p[0]-1.0/3) > 0.01 {
		t.Errorf("pseudo p = %.4f, want 1/3 ± 0.01", p[0])
	}
}

// Ties count in both tails: a unit whose neighbours hold nothing, where
// most units hold nothing, matches most of its simulations and is not
// significant. (esda counts the lower tail without the ties and would give
// it 1/(R+1), a "cold spot" wherever a sector is absent.)
func TestTiedPermutationsAreNotSignificant(t *testing.T) {
	// A path of 20 units, all zero but the last four.
	n := 20
	ids, nb := make([]string, n), make([][]int, n)
	for i := range n {
		ids[i] = strconv.Itoa(i)
		if i > 0 {
			nb[i] = append(nb[i], i-1)
		}
		if i < n-1 {
			nb[i] = append(nb[i], i+1)
		}
	}
	w, err := NewWeights(ids, nb, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, n)
	x[16], x[17], x[18], x[19] = 30, 40, 50, 60
	r, err := LocalG(x, w, true, Options{Permutations: 999, Rand: rand.New(rand.NewPCG(1, 2))})
	if err != nil {
		t.Fatal(err)
	}
	if p := r.PSim[2]; p < 0.5 {
		t.Errorf("unit 2 (zeros around it, as in most units): p_sim = %.3f, want ≥ 0.5 (not significant)", p)
	}
	// Unit 18 and its neighbours hold 150 of 180: only the draw {40, 60}
	// (1 in 171) matches it.
	if p := r.PSim[18]; p > 0.05 {
		t.Errorf("unit 18 (the concentration): p_sim = %.3f, want ≤ 0.05", p)
	}
}

// Permutation p-values are reproducible from the seed, follow (M+1)/(R+1),
// and agree with the analytic tests on Columbus CRIME, where the clustering
// is strong: I's z is 5.6, so no permutation of 999 reaches it.
func TestPermutations(t *testing.T) {
	w, y := goldens(t)["columbus_crime"].load(t)
	run := func(seed uint64) (Global, Local) {
		opt := Options{Permutations: 999, Rand: rand.New(rand.NewPCG(seed, 0))}
		m, err := Moran(y, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		gs, err := LocalG(y, w, true, opt)
		if err != nil {
			t.Fatal(err)
		}
		return m, gs
	}
	m1, g1 := run(7)
	m2, g2 := run(7)
	_, g3 := run(8)
	if m1 != m2 || !slices.Equal(g1.PSim, g2.PSim) {
		t.Error("the same seed gave different results")
	}
	if slices.Equal(g1.PSim, g3.PSim) {
		t.Error("different seeds gave identical local p-values")
	}
	if m1.PSim != 1.0/1000 {
		t.Errorf("Moran p_sim = %v, want 0.001", m1.PSim)
	}
	if math.Abs(m1.MeanSim-m1.Expected) > 0.01 {
		t.Errorf("mean of permuted I = %v, want about E[I] = %v", m1.MeanSim, m1.Expected)
	}
	for i, p := range g1.PSim {
		if k := p * 1000; k != math.Round(k) || p < 0.001 || p > 0.5005 {
			t.Fatalf("p_sim[%d] = %v is not (M+1)/1000 with M ≤ 499", i, p)
		}
		if g1.P[i] < 1e-4 && p > 0.01 {
			t.Errorf("unit %s: analytic p %.2g but permutation p %.3f", w.IDs[i], g1.P[i], p)
		}
	}
}

func TestAdjust(t *testing.T) {
	p := []float64{0.01, 0.04, 0.03, math.NaN(), 0.5}
	// m = 4. Sorted 0.01, 0.03, 0.04, 0.5 → m·p/k = 0.04, 0.06, 0.0533, 0.5;
	// step-up minima from the top: 0.04, 0.0533, 0.0533, 0.5.
	bh := Adjust(p, BH)
	for i, want := range []float64{0.04, 0.16 / 3, 0.16 / 3, math.NaN(), 0.5} {
		if !(math.Abs(bh[i]-want) < 1e-12 || math.IsNaN(want) && math.IsNaN(bh[i])) {
			t.Errorf("BH[%d] = %v, want %v", i, bh[i], want)
		}
	}
	bf := Adjust(p, Bonferroni)
	if bf[0] != 0.04 || bf[4] != 1 {
		t.Errorf("Bonferroni = %v, want 0.04 … 1", bf)
	}
	if got := Adjust(p, NoCorrection); got[1] != 0.04 {
		t.Errorf("no correction changed p: %v", got)
	}
}

func TestLQ(t *testing.T) {
	// Two sectors in three units; region shares 50 % / 50 %.
	counts := [][]float64{{30, 10}, {10, 30}, {2, 0}}
	// Unit 3 has 2 enterprises; with minCount 3 its cells are not computed.
	lq, err := LQ(counts, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Totals: 42 / 40, E = 82. Unit 1, sector 1: (30/40)/(42/82).
	if want := (30.0 / 40) / (42.0 / 82); math.Abs(lq[0][0]-want) > 1e-15 {
		t.Errorf("LQ[0][0] = %v, want %v", lq[0][0], want)
	}
	if !math.IsNaN(lq[2][0]) || !math.IsNaN(lq[2][1]) {
		t.Errorf("small unit LQ = %v, want NaN (below the minimum count)", lq[2])
	}
	if _, err := LQ([][]float64{{1, -1}}, 0); err == nil {
		t.Error("negative count: no error")
	}
}
