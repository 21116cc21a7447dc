package stats

import (
	"math"
	"slices"

	"github.com/guccho/guccho"
)

// Weights is a sparse spatial weights matrix in compressed rows (CSR): the
// neighbours of observation i are Neighbors[Offsets[i]:Offsets[i+1]], with
// weights Values over the same range, sorted by neighbour index. IDs names
// the observations; data slices passed to the statistics are in this order.
// The diagonal is empty unless a statistic adds it (Gi*).
type Weights struct {
	IDs       []string
	Offsets   []int // len(IDs)+1
	Neighbors []int
	Values    []float64
}

// NewWeights builds weights from neighbour lists: neighbors[i] holds the
// indices of i's neighbours and values[i] their weights (nil values means
// binary weights, all 1). Duplicate neighbours and self-neighbours are
// EINVALID errors naming the observation.
func NewWeights(ids []string, neighbors [][]int, values [][]float64) (*Weights, error) {
	n := len(ids)
	if len(neighbors) != n || (values != nil && len(values) != n) {
		return nil, guccho.Errorf(guccho.EINVALID, "weights: %d ids but %d neighbour lists", n, len(neighbors))
	}
	w := &Weights{IDs: ids, Offsets: make([]int, n+1)}
	type nb struct {
		j int
		v float64
	}
	var row []nb
	for i, js := range neighbors {
		row = row[:0]
		for k, j := range js {
			if j < 0 || j >= n {
				return nil, guccho.Errorf(guccho.EINVALID, "weights: neighbour %d of %q out of range", j, ids[i])
			}
			if j == i {
				return nil, guccho.Errorf(guccho.EINVALID, "weights: %q is its own neighbour", ids[i])
			}
			v := 1.0
			if values != nil {
				if len(values[i]) != len(js) {
					return nil, guccho.Errorf(guccho.EINVALID, "weights: %q has %d neighbours but %d weights", ids[i], len(js), len(values[i]))
				}
				v = values[i][k]
			}
			row = append(row, nb{j, v})
		}
		slices.SortFunc(row, func(a, b nb) int { return a.j - b.j })
		for k := 1; k < len(row); k++ {
			if row[k].j == row[k-1].j {
				return nil, guccho.Errorf(guccho.EINVALID, "weights: %q lists neighbour %q twice", ids[i], ids[row[k].j])
			}
		}
		for _, e := range row {
			w.Neighbors = append(w.Neighbors, e.j)
			w.Values = append(w.Values, e.v)
		}
		w.Offsets[i+1] = len(w.Neighbors)
	}
	return w, nil
}

// N returns the number of observations.
func (w *Weights) N() int { return len(w.IDs) }

// Row returns the neighbour indices and weights of observation i. The
// slices alias w and must not be modified.
func (w *Weights) Row(i int) ([]int, []float64) {
	a, b := w.Offsets[i], w.Offsets[i+1]
	return w.Neighbors[a:b], w.Values[a:b]
}

// Cardinality returns the number of neighbours of observation i.
func (w *Weights) Cardinality(i int) int { return w.Offsets[i+1] - w.Offsets[i] }

// Islands returns the indices of observations without neighbours. The
// statistics keep islands (their spatial lag is 0, as in PySAL); callers
// should report them.
func (w *Weights) Islands() []int {
	var out []int
	for i := range w.IDs {
		if w.Cardinality(i) == 0 {
			out = append(out, i)
		}
	}
	return out
}

// Asymmetries returns the pairs (i, j) where j is a neighbour of i but i is
// not a neighbour of j (k nearest neighbours are usually asymmetric;
// contiguity never is).
func (w *Weights) Asymmetries() [][2]int {
	var out [][2]int
	for i := range w.IDs {
		js, _ := w.Row(i)
		for _, j := range js {
			back, _ := w.Row(j)
			if _, ok := slices.BinarySearch(back, i); !ok {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// Transform is a weights transformation, named as in PySAL.
type Transform byte

// The transformations.
const (
	Binary Transform = 'b' // every neighbour weighs 1
	Row    Transform = 'r' // each row sums to 1 (islands stay empty)
)

// ParseTransform parses "b"/"B" or "r"/"R".
func ParseTransform(s string) (Transform, error) {
	switch s {
	case "b", "B":
		return Binary, nil
	case "r", "R":
		return Row, nil
	}
	return 0, guccho.Errorf(guccho.EINVALID, "unknown weights transform %q (want r or b)", s)
}

// Transformed returns a copy of w with transformation t applied to its
// structure (the original values are ignored for Binary and replaced by
// v/Σv for Row).
func (w *Weights) Transformed(t Transform) *Weights {
	out := &Weights{IDs: w.IDs, Offsets: w.Offsets, Neighbors: w.Neighbors, Values: make([]float64, len(w.Values))}
	for i := range w.IDs {
		a, b := w.Offsets[i], w.Offsets[i+1]
		switch t {
		case Binary:
			for k := a; k < b; k++ {
				out.Values[k] = 1
			}
		case Row:
			s := 0.0
			for k := a; k < b; k++ {
				s += w.Values[k]
			}
			for k := a; k < b; k++ {
				out.Values[k] = w.Values[k] / s
			}
		default:
			panic("stats: unknown transform")
		}
	}
	return out
}

// WithSelf returns a copy of w with observation i's own weight set to
// self[i] on the diagonal (Gi* weights). The diagonal must be empty.
func (w *Weights) WithSelf(self func(i int) float64) *Weights {
	n := w.N()
	out := &Weights{IDs: w.IDs, Offsets: make([]int, n+1),
		Neighbors: make([]int, 0, len(w.Neighbors)+n), Values: make([]float64, 0, len(w.Values)+n)}
	for i := range n {
		js, vs := w.Row(i)
		k := 0
		for k < len(js) && js[k] < i {
			k++
		}
		out.Neighbors = append(append(append(out.Neighbors, js[:k]...), i), js[k:]...)
		out.Values = append(append(append(out.Values, vs[:k]...), self(i)), vs[k:]...)
		out.Offsets[i+1] = len(out.Neighbors)
	}
	return out
}

// Lag writes the spatial lag of x, (Wx)_i = Σ_j w_ij x_j, into dst and
// returns it; dst may be nil.
func (w *Weights) Lag(dst, x []float64) []float64 {
	if dst == nil {
		dst = make([]float64, w.N())
	}
	for i := range w.IDs {
		s := 0.0
		for k := w.Offsets[i]; k < w.Offsets[i+1]; k++ {
			s += w.Values[k] * x[w.Neighbors[k]]
		}
		dst[i] = s
	}
	return dst
}

// Sums returns the usual weights constants (Cliff & Ord 1981):
// S0 = Σ_i Σ_j w_ij, S1 = ½ Σ_i Σ_j (w_ij + w_ji)², S2 = Σ_i (w_i. + w_.i)².
func (w *Weights) Sums() (s0, s1, s2 float64) {
	n := w.N()
	rows := make([]float64, n)
	cols := make([]float64, n)
	for i := range n {
		js, vs := w.Row(i)
		for k, j := range js {
			v := vs[k]
			s0 += v
			rows[i] += v
			cols[j] += v
			// (w_ij + w_ji)²: count w_ij² + w_ij·w_ji here; the pair's other
			// half is counted from row j.
			wji := 0.0
			back, bv := w.Row(j)
			if p, ok := slices.BinarySearch(back, i); ok {
				wji = bv[p]
			}
			s1 += v*v + v*wji
		}
	}
	for i := range n {
		s2 += (rows[i] + cols[i]) * (rows[i] + cols[i])
	}
	// Σ_ij (w_ij+w_ji)² = 2Σ w_ij² + 2Σ w_ij w_ji; s1 holds Σ w_ij² + Σ w_ij w_ji.
	return s0, s1, s2
}

// checkData returns an EINVALID error when y does not fit w or holds a
// value that is not finite.
func checkData(y []float64, w *Weights) error {
	if len(y) != w.N() {
		return guccho.Errorf(guccho.EINVALID, "%d values for %d observations in the weights", len(y), w.N())
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return guccho.Errorf(guccho.EINVALID, "value of %q is %v", w.IDs[i], v)
		}
	}
	if w.N() < 4 {
		return guccho.Errorf(guccho.EINVALID, "need at least 4 observations, have %d", w.N())
	}
	return nil
}
