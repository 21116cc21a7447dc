package stats

import (
	"math"
	"math/rand/v2"

	"github.com/guccho/guccho"
)

// Options are the settings shared by the statistics.
type Options struct {
	// Transform is applied to the weights before the statistic: Row (the
	// default for Moran's I, local Moran and local G, as in PySAL) or Binary.
	// Global G always uses binary weights.
	Transform Transform
	// Permutations is the number of random permutations for pseudo
	// p-values; 0 skips them. PySAL's default is 999.
	Permutations int
	// Rand is the source of the permutations; it must be set when
	// Permutations > 0. Seed it to reproduce a run.
	Rand *rand.Rand
}

func (o Options) transform(def Transform) Transform {
	if o.Transform == 0 {
		return def
	}
	return o.Transform
}

func (o Options) check() error {
	if o.Permutations < 0 {
		return guccho.Errorf(guccho.EINVALID, "permutations must be ≥ 0, got %d", o.Permutations)
	}
	if o.Permutations > 0 && o.Rand == nil {
		return guccho.Errorf(guccho.EINVALID, "permutations need a random source")
	}
	if o.Transform != 0 && o.Transform != Row && o.Transform != Binary {
		return guccho.Errorf(guccho.EINVALID, "unknown weights transform %q", o.Transform)
	}
	return nil
}

// Global is the result of a global test: the statistic, its expectation and
// variance under the null hypothesis, z-scores and p-values. Fields that a
// statistic does not define are NaN (Moran's I has both normality and
// randomisation moments; G has one set, stored in the Norm fields).
type Global struct {
	Stat     float64 // I or G
	Expected float64 // E[I] = -1/(n-1); E[G] = S0/(n(n-1))
	VarNorm  float64 // variance under normality (I) or Getis & Ord's variance (G)
	VarRand  float64 // variance under randomisation (I only)
	ZNorm    float64
	ZRand    float64
	PNorm    float64 // Moran: two-sided; G: one-sided, 1 − Φ(|z|) (PySAL's conventions)
	PRand    float64 // Moran: two-sided
	// Permutation inference; zero values when Options.Permutations is 0.
	Permutations int
	PSim         float64 // (M+1)/(R+1), M the simulated values at least as extreme in the observed tail
	MeanSim      float64
	SDSim        float64
	ZSim         float64
}

// Moran returns global Moran's I of y under weights w:
//
//	I = n/S0 · Σ_i Σ_j w_ij z_i z_j / Σ_i z_i²,  z = y − ȳ,
//
// with E[I] = −1/(n−1), the variance under normality
// (n²S1 − nS2 + 3S0²)/((n²−1)S0²) − E[I]² and under randomisation
// [n((n²−3n+3)S1 − nS2 + 3S0²) − b2((n²−n)S1 − 2nS2 + 6S0²)] /
// ((n−1)(n−2)(n−3)S0²) − E[I]², b2 = n Σz⁴/(Σz²)² (Cliff & Ord 1981,
// ch. 2; PySAL esda.Moran). p-values from z are two-sided; the permutation
// p-value permutes y over all units. Weights default to row-standardised.
func Moran(y []float64, w *Weights, opt Options) (Global, error) {
	if err := checkData(y, w); err != nil {
		return Global{}, err
	}
	if err := opt.check(); err != nil {
		return Global{}, err
	}
	w = w.Transformed(opt.transform(Row))
	n := float64(len(y))
	z := deviations(y)
	var m2, m4 float64
	for _, v := range z {
		m2 += v * v
		m4 += v * v * v * v
	}
	if m2 == 0 {
		return Global{}, guccho.Errorf(guccho.EINVALID, "Moran's I is undefined for a constant variable")
	}
	s0, s1, s2 := w.Sums()
	s02 := s0 * s0
	r := Global{Expected: -1 / (n - 1), Permutations: opt.Permutations}
	r.Stat = moranI(w, z, n/(s0*m2))
	r.VarNorm = (n*n*s1-n*s2+3*s02)/((n-1)*(n+1)*s02) - r.Expected*r.Expected
	k := (m4 / n) / ((m2 / n) * (m2 / n))
	a := n * ((n*n-3*n+3)*s1 - n*s2 + 3*s02)
	b := k * ((n*n-n)*s1 - 2*n*s2 + 6*s02)
	r.VarRand = (a-b)/((n-1)*(n-2)*(n-3)*s02) - r.Expected*r.Expected
	r.ZNorm = (r.Stat - r.Expected) / math.Sqrt(r.VarNorm)
	r.ZRand = (r.Stat - r.Expected) / math.Sqrt(r.VarRand)
	r.PNorm = 2 * normalSF(math.Abs(r.ZNorm))
	r.PRand = 2 * normalSF(math.Abs(r.ZRand))
	if opt.Permutations > 0 {
		perm := append([]float64(nil), z...)
		scale := n / (s0 * m2)
		permuteGlobal(&r, perm, opt.Rand, func(x []float64) float64 { return moranI(w, x, scale) })
	}
	return r, nil
}

// moranI returns scale · Σ_i z_i (Wz)_i without allocating.
func moranI(w *Weights, z []float64, scale float64) float64 {
	s := 0.0
	for i, zi := range z {
		l := 0.0
		for k := w.Offsets[i]; k < w.Offsets[i+1]; k++ {
			l += w.Values[k] * z[w.Neighbors[k]]
		}
		s += zi * l
	}
	return scale * s
}

// permuteGlobal fills the permutation fields of r: x is shuffled in place
// opt.Permutations times and stat evaluated on each arrangement.
func permuteGlobal(r *Global, x []float64, rng *rand.Rand, stat func([]float64) float64) {
	R := r.Permutations
	atLeast, atMost := 0, 0
	var sum, sumsq float64
	for range R {
		rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
		s := stat(x)
		if s >= r.Stat {
			atLeast++
		}
		if s <= r.Stat {
			atMost++
		}
		sum += s
		sumsq += s * s
	}
	r.PSim = pseudoP(atLeast, atMost, R)
	r.MeanSim = sum / float64(R)
	r.SDSim = math.Sqrt(math.Max(0, sumsq/float64(R)-r.MeanSim*r.MeanSim))
	r.ZSim = (r.Stat - r.MeanSim) / r.SDSim
}

// pseudoP returns (M+1)/(R+1) where M is the number of simulated values in
// the tail the observed value falls in, the smaller of atLeast (simulations
// ≥ the observed value) and atMost (≤ it): PySAL's "directed" alternative,
// its default. Ties count in both tails. esda counts the lower tail as
// R − atLeast, which leaves ties out, so an observation equal to most of its
// simulations (a unit whose neighbourhood holds only zeros where most units
// hold none) comes out as significant at 1/(R+1); here it does not. Without
// ties the two agree.
func pseudoP(atLeast, atMost, R int) float64 {
	return float64(min(atLeast, atMost)+1) / float64(R+1)
}

// deviations returns y − ȳ.
func deviations(y []float64) []float64 {
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	z := make([]float64, len(y))
	for i, v := range y {
		z[i] = v - mean
	}
	return z
}

// normalSF is the standard normal survival function 1 − Φ(z).
func normalSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// Quadrant is a unit's place in the Moran scatterplot: its own value and
// its spatial lag above (High) or below (Low) the mean. The numbering is
// PySAL's (esda.Moran_Local.q).
type Quadrant int

// The quadrants.
const (
	HH Quadrant = 1 // high value, high neighbours (hot spot)
	LH Quadrant = 2 // low value, high neighbours (outlier)
	LL Quadrant = 3 // low value, low neighbours (cold spot)
	HL Quadrant = 4 // high value, low neighbours (outlier)
)

// String returns "HH", "LH", "LL" or "HL".
func (q Quadrant) String() string {
	switch q {
	case HH:
		return "HH"
	case LH:
		return "LH"
	case LL:
		return "LL"
	case HL:
		return "HL"
	}
	return ""
}

// Local is the result of a local statistic: one value per observation, in
// the weights' order.
type Local struct {
	Stat     []float64  // I_i, G_i or G*_i
	Expected []float64  // analytic expectation under the null
	Var      []float64  // analytic variance under the null
	Z        []float64  // (Stat − Expected)/√Var
	P        []float64  // one-sided 1 − Φ(|z|), PySAL's p_norm
	Quadrant []Quadrant // local Moran only
	// PSim holds the conditional-permutation pseudo p-values (M+1)/(R+1);
	// nil when Options.Permutations is 0.
	PSim []float64
}

// LocalMoran returns the local Moran statistics of y (Anselin 1995) with
// PySAL's scaling (esda.Moran_Local):
//
//	I_i = (n−1) z_i (Wz)_i / Σ_j z_j²,  z = (y − ȳ)/σ_y (σ with ddof 0),
//
// the quadrant of each unit, and the moments under total randomisation of
// Sokal, Oden & Thomson (1998, eqs. A3–A4): E[I_i] = −w_i/(n−1) and
// Var[I_i] = w_i(2)(n−b2)/(n−1) + (w_i² − w_i(2))(2b2−n)/((n−1)(n−2)) −
// E[I_i]², with w_i = Σ_j w_ij, w_i(2) = Σ_j w_ij², b2 = m4/m2². The
// pseudo p-values come from conditional permutation: z_i stays, its
// neighbours' values are drawn without replacement from the other n−1.
// Weights default to row-standardised.
func LocalMoran(y []float64, w *Weights, opt Options) (Local, error) {
	if err := checkData(y, w); err != nil {
		return Local{}, err
	}
	if err := opt.check(); err != nil {
		return Local{}, err
	}
	w = w.Transformed(opt.transform(Row))
	n := len(y)
	nf := float64(n)
	z := deviations(y)
	var ss float64
	for _, v := range z {
		ss += v * v
	}
	if ss == 0 {
		return Local{}, guccho.Errorf(guccho.EINVALID, "local Moran is undefined for a constant variable")
	}
	sd := math.Sqrt(ss / nf)
	var m2, m4 float64
	for i := range z {
		z[i] /= sd
		m2 += z[i] * z[i]
		m4 += z[i] * z[i] * z[i] * z[i]
	}
	scale := (nf - 1) / m2
	m2 /= nf
	m4 /= nf
	b2 := m4 / (m2 * m2)
	lag := w.Lag(nil, z)
	r := Local{Stat: make([]float64, n), Expected: make([]float64, n), Var: make([]float64, n),
		Z: make([]float64, n), P: make([]float64, n), Quadrant: make([]Quadrant, n)}
	for i := range n {
		r.Stat[i] = scale * z[i] * lag[i]
		switch {
		case z[i] > 0 && lag[i] > 0:
			r.Quadrant[i] = HH
		case z[i] <= 0 && lag[i] > 0:
			r.Quadrant[i] = LH
		case z[i] <= 0:
			r.Quadrant[i] = LL
		default:
			r.Quadrant[i] = HL
		}
		_, vs := w.Row(i)
		var wi, wi2 float64
		for _, v := range vs {
			wi += v
			wi2 += v * v
		}
		e := -wi / (nf - 1)
		r.Expected[i] = e
		r.Var[i] = wi2*(nf-b2)/(nf-1) + (wi*wi-wi2)*(2*b2-nf)/((nf-1)*(nf-2)) - e*e
		r.Z[i] = (r.Stat[i] - e) / math.Sqrt(r.Var[i])
		r.P[i] = normalSF(math.Abs(r.Z[i]))
	}
	if opt.Permutations > 0 {
		r.PSim = conditionalPermutation(w, z, r.Stat, opt, func(i int, lagSum float64) float64 {
			return scale * z[i] * lagSum
		})
	}
	return r, nil
}
