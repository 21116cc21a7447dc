package stats

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// haversineKM is the great-circle distance between two lon/lat points in
// kilometres on a sphere of the mean Earth radius.
func haversineKM(a, b orb.Point) float64 {
	const rad = math.Pi / 180
	dlat := (b.Y() - a.Y()) * rad
	dlon := (b.X() - a.X()) * rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(a.Y()*rad)*math.Cos(b.Y()*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadius / 1000 * math.Asin(math.Min(1, math.Sqrt(h)))
}

// KNN returns binary k-nearest-neighbour weights of points (EPSG:4326
// lon/lat, great-circle distance): each observation's k closest others,
// ties broken by input order. The result is usually asymmetric (see
// Weights.Asymmetries); k must be between 1 and n−1.
func KNN(ids []string, pts []orb.Point, k int) (*Weights, error) {
	n := len(pts)
	if len(ids) != n {
		return nil, guccho.Errorf(guccho.EINVALID, "knn: %d ids for %d points", len(ids), n)
	}
	if k < 1 || k >= n {
		return nil, guccho.Errorf(guccho.EINVALID, "knn: k must be between 1 and %d, got %d", n-1, k)
	}
	type cand struct {
		d float64
		j int
	}
	nbs := make([][]int, n)
	all := make([]cand, 0, n-1)
	for i, p := range pts {
		all = all[:0]
		for j, q := range pts {
			if j != i {
				all = append(all, cand{haversineKM(p, q), j})
			}
		}
		slices.SortFunc(all, func(a, b cand) int {
			if a.d != b.d {
				if a.d < b.d {
					return -1
				}
				return 1
			}
			return a.j - b.j
		})
		for _, c := range all[:k] {
			nbs[i] = append(nbs[i], c.j)
		}
	}
	return NewWeights(ids, nbs, nil)
}

// DistanceBand returns weights between points no more than bandKM apart
// (great-circle kilometres): binary when alpha is 0, else inverse distance
// d^alpha (alpha < 0, e.g. −1, as libpysal's DistanceBand). Observations
// with nothing in the band are islands.
func DistanceBand(ids []string, pts []orb.Point, bandKM, alpha float64) (*Weights, error) {
	n := len(pts)
	if len(ids) != n {
		return nil, guccho.Errorf(guccho.EINVALID, "distance band: %d ids for %d points", len(ids), n)
	}
	if !(bandKM > 0) {
		return nil, guccho.Errorf(guccho.EINVALID, "distance band: band must be > 0 km, got %v", bandKM)
	}
	if alpha > 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "distance band: alpha must be ≤ 0, got %v", alpha)
	}
	// Sort by latitude so each search stops a band's worth of latitude away.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(pts[a].Y(), pts[b].Y()) })
	dlat := bandKM / (earthRadius / 1000) * 180 / math.Pi
	nbs := make([][]int, n)
	vals := make([][]float64, n)
	for a, i := range order {
		for _, j := range order[a+1:] {
			if pts[j].Y()-pts[i].Y() > dlat {
				break
			}
			d := haversineKM(pts[i], pts[j])
			if d > bandKM {
				continue
			}
			v := 1.0
			if alpha != 0 {
				if d == 0 {
					return nil, guccho.Errorf(guccho.EINVALID, "distance band: %q and %q are at the same point, inverse distance is infinite", ids[i], ids[j])
				}
				v = math.Pow(d, alpha)
			}
			nbs[i], vals[i] = append(nbs[i], j), append(vals[i], v)
			nbs[j], vals[j] = append(nbs[j], i), append(vals[j], v)
		}
	}
	return NewWeights(ids, nbs, vals)
}
