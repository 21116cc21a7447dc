package stats

import (
	"math"

	"github.com/guccho/guccho"
)

// LQ returns the location quotients of a units × sectors table of counts
// (enterprises or employment): counts[i][s] is sector s in unit i, and
//
//	LQ_is = (e_is / e_i) / (E_s / E),
//
// the sector's share of the unit against its share of the whole region
// (Isard 1960; the usual first screen for clusters, where LQ > 1 marks a
// concentration). Cells with e_is < minCount are NaN, so that a small unit
// with one or two enterprises of a rare sector is not flagged by noise;
// units without any count and sectors absent from the region are NaN too.
// Negative or non-finite counts return an EINVALID error naming the cell.
func LQ(counts [][]float64, minCount float64) ([][]float64, error) {
	if len(counts) == 0 {
		return nil, nil
	}
	m := len(counts[0])
	unitTot := make([]float64, len(counts))
	secTot := make([]float64, m)
	total := 0.0
	for i, row := range counts {
		if len(row) != m {
			return nil, guccho.Errorf(guccho.EINVALID, "LQ: row %d has %d sectors, row 0 has %d", i+1, len(row), m)
		}
		for s, v := range row {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, guccho.Errorf(guccho.EINVALID, "LQ: row %d, sector %d: count %v", i+1, s+1, v)
			}
			unitTot[i] += v
			secTot[s] += v
			total += v
		}
	}
	out := make([][]float64, len(counts))
	for i, row := range counts {
		out[i] = make([]float64, m)
		for s, v := range row {
			if v < minCount || unitTot[i] == 0 || secTot[s] == 0 {
				out[i][s] = math.NaN()
				continue
			}
			out[i][s] = (v / unitTot[i]) / (secTot[s] / total)
		}
	}
	return out, nil
}
