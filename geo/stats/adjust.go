package stats

import (
	"math"
	"slices"

	"github.com/guccho/guccho"
)

// Correction is a multiple-testing correction of p-values.
type Correction string

// The corrections.
const (
	NoCorrection Correction = "none"
	BH           Correction = "bh"         // Benjamini & Hochberg (1995) false discovery rate
	Bonferroni   Correction = "bonferroni" // family-wise error rate, p·m
)

// ParseCorrection parses "none", "bh" (also "fdr") or "bonferroni".
func ParseCorrection(s string) (Correction, error) {
	switch s {
	case "", "none":
		return NoCorrection, nil
	case "bh", "fdr":
		return BH, nil
	case "bonferroni":
		return Bonferroni, nil
	}
	return "", guccho.Errorf(guccho.EINVALID, "unknown p-value correction %q (want none, bh or bonferroni)", s)
}

// Adjust returns the adjusted p-values of p under correction c, in the
// same order, each capped at 1: Bonferroni gives min(1, m·p_i); BH gives the
// step-up q-values q_(k) = min_{j≥k} m·p_(j)/j over the sorted p-values
// (Benjamini & Hochberg 1995), so that rejecting every q ≤ α controls the
// false discovery rate at α. NaN p-values are left out of m and stay NaN.
func Adjust(p []float64, c Correction) []float64 {
	out := make([]float64, len(p))
	var order []int
	for i, v := range p {
		out[i] = v
		if !math.IsNaN(v) {
			order = append(order, i)
		}
	}
	m := float64(len(order))
	switch c {
	case Bonferroni:
		for _, i := range order {
			out[i] = math.Min(1, p[i]*m)
		}
	case BH:
		slices.SortStableFunc(order, func(a, b int) int {
			if p[a] < p[b] {
				return -1
			}
			if p[a] > p[b] {
				return 1
			}
			return 0
		})
		q := 1.0
		for k := len(order) - 1; k >= 0; k-- {
			i := order[k]
			q = math.Min(q, p[i]*m/float64(k+1))
			out[i] = q
		}
	}
	return out
}
