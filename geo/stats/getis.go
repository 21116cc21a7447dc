package stats

import (
	"math"

	"github.com/guccho/guccho"
)

// G returns the global Getis-Ord G of y (Getis & Ord 1992), always on
// binary weights as in PySAL (esda.G):
//
//	G = Σ_i Σ_j w_ij y_i y_j / Σ_i Σ_{j≠i} y_i y_j,  E[G] = S0/(n(n−1)),
//
// with Var[G] = E[G²] − E[G]² from Getis & Ord (1992, eq. 10; the b0…b4
// coefficients of S0, S1, S2 and the moments Σy^k). ZNorm, VarNorm and PNorm
// hold z, Var[G] and the one-sided p-value 1 − Φ(|z|); the Rand fields are NaN.
// y must be positive (a count or a rate), as the statistic assumes.
func G(y []float64, w *Weights, opt Options) (Global, error) {
	if err := checkData(y, w); err != nil {
		return Global{}, err
	}
	if err := opt.check(); err != nil {
		return Global{}, err
	}
	for i, v := range y {
		if v < 0 {
			return Global{}, guccho.Errorf(guccho.EINVALID, "Getis-Ord G needs values ≥ 0; %q has %v", w.IDs[i], v)
		}
	}
	w = w.Transformed(Binary)
	n := float64(len(y))
	var m1, m2, m3, m4 float64
	for _, v := range y {
		m1 += v
		m2 += v * v
		m3 += v * v * v
		m4 += v * v * v * v
	}
	den := m1*m1 - m2
	if den == 0 {
		return Global{}, guccho.Errorf(guccho.EINVALID, "Getis-Ord G is undefined when fewer than two values are non-zero")
	}
	s0, s1, s2 := w.Sums()
	s02 := s0 * s0
	b0 := (n*n-3*n+3)*s1 - n*s2 + 3*s02
	b1 := -((n*n-n)*s1 - 2*n*s2 + 6*s02)
	b2 := -(2*n*s1 - (n+3)*s2 + 6*s02)
	b3 := 4*(n-1)*s1 - 2*(n+1)*s2 + 8*s02
	b4 := s1 - s2 + s02
	eg2 := (b0*m2*m2 + b1*m4 + b2*m1*m1*m2 + b3*m1*m3 + b4*m1*m1*m1*m1) /
		(den * den * n * (n - 1) * (n - 2) * (n - 3))
	r := Global{Expected: s0 / (n * (n - 1)), VarRand: math.NaN(), ZRand: math.NaN(), PRand: math.NaN(),
		Permutations: opt.Permutations}
	r.Stat = moranI(w, y, 1/den)
	r.VarNorm = eg2 - r.Expected*r.Expected
	r.ZNorm = (r.Stat - r.Expected) / math.Sqrt(r.VarNorm)
	r.PNorm = normalSF(math.Abs(r.ZNorm))
	if opt.Permutations > 0 {
		perm := append([]float64(nil), y...)
		permuteGlobal(&r, perm, opt.Rand, func(x []float64) float64 { return moranI(w, x, 1/den) })
	}
	return r, nil
}

// LocalG returns the local Getis-Ord statistics (Getis & Ord 1992; Ord &
// Getis 1995) of y, Gi when star is false and Gi* when it is true, with
// PySAL's conventions (esda.G_Local):
//
//	Gi  = Σ_{j≠i} w_ij y_j / Σ_{j≠i} y_j          Gi* = Σ_j w_ij y_j / Σ_j y_j
//
// For Gi* each unit is its own neighbour with weight 1 under binary
// weights, or the largest weight of its row before row-standardisation
// (1 for contiguity), so a row-standardised row of k neighbours has weights
// 1/(k+1). With N = n−1 (Gi) or n (Gi*), W_i the row sum after the
// transform, and ȳ_(i), s²_(i) the mean and variance (ddof 0) of the values
// in the denominator:
//
//	E = W_i/N,  Var = W_i(N−W_i)/((N−1)N²) · s²_(i)/ȳ_(i)²,  Z = (G − E)/√Var,
//
// and P = 1 − Φ(|Z|). Pseudo p-values come from conditional permutation.
// Weights default to row-standardised, as in PySAL; pass Binary for the
// classic Getis & Ord form. y must be ≥ 0.
func LocalG(y []float64, w *Weights, star bool, opt Options) (Local, error) {
	if err := checkData(y, w); err != nil {
		return Local{}, err
	}
	if err := opt.check(); err != nil {
		return Local{}, err
	}
	var sum, sumsq float64
	for i, v := range y {
		if v < 0 {
			return Local{}, guccho.Errorf(guccho.EINVALID, "Getis-Ord G needs values ≥ 0; %q has %v", w.IDs[i], v)
		}
		sum += v
		sumsq += v * v
	}
	if sum == 0 {
		return Local{}, guccho.Errorf(guccho.EINVALID, "Getis-Ord G is undefined when all values are 0")
	}
	t := opt.transform(Row)
	n := len(y)
	self := make([]float64, n) // the diagonal after the transform
	off := w.Transformed(t)    // the off-diagonal part after the transform
	if star {
		withSelf := w.WithSelf(func(i int) float64 {
			if t == Binary {
				return 1
			}
			m := 0.0
			_, vs := w.Row(i)
			for _, v := range vs {
				m = math.Max(m, v)
			}
			return m
		}).Transformed(t)
		// Split the diagonal back out so permutations draw only neighbours.
		off = &Weights{IDs: w.IDs, Offsets: make([]int, n+1)}
		for i := range n {
			js, vs := withSelf.Row(i)
			for k, j := range js {
				if j == i {
					self[i] = vs[k]
					continue
				}
				off.Neighbors = append(off.Neighbors, j)
				off.Values = append(off.Values, vs[k])
			}
			off.Offsets[i+1] = len(off.Neighbors)
		}
	}
	rs := 1.0 // remove self
	if star {
		rs = 0
	}
	N := float64(n) - rs
	lag := off.Lag(nil, y)
	r := Local{Stat: make([]float64, n), Expected: make([]float64, n), Var: make([]float64, n),
		Z: make([]float64, n), P: make([]float64, n)}
	for i := range n {
		den := sum - rs*y[i]
		r.Stat[i] = (lag[i] + self[i]*y[i]) / den
		mean := den / N
		variance := (sumsq-rs*y[i]*y[i])/N - mean*mean
		_, vs := off.Row(i)
		card := self[i]
		for _, v := range vs {
			card += v
		}
		r.Expected[i] = card / N
		r.Var[i] = card * (N - card) / (N - 1) / (N * N) * variance / (mean * mean)
		r.Z[i] = (r.Stat[i] - r.Expected[i]) / math.Sqrt(r.Var[i])
		r.P[i] = normalSF(math.Abs(r.Z[i]))
	}
	if opt.Permutations > 0 {
		r.PSim = conditionalPermutation(off, y, r.Stat, opt, func(i int, lagSum float64) float64 {
			return (lagSum + self[i]*y[i]) / (sum - rs*y[i])
		})
	}
	return r, nil
}
