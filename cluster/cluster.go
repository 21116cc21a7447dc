// Package cluster finds point clusters of enterprises: DBSCAN on geodesic
// distance and the SMEF rule of Bangladesh's SME Foundation and National
// Industrial Policy 2022 ("50 or more similar units within about 5 km"),
// and describes each cluster by its members, outline, centre and the admin
// units it spans.
//
// The algorithms work on plain points (Point: id, lon, lat, sector), so a
// survey file and either store can feed them. Distances are great-circle
// distances on a sphere of radius EarthRadius metres, the haversine metric
// of scikit-learn; DBSCAN's labels equal scikit-learn's
// (sklearn.cluster.DBSCAN with metric="haversine") point for point, border
// points included (see DBSCAN).
//
// A grid of cells a fraction of eps in size, laid out in latitude rows whose
// cell width follows the cosine of the latitude, makes every neighbour query
// a scan of a few contiguous runs of points; cells with at least minPts
// points make all their points core without a distance computed. The naive
// all-pairs algorithm is kept, unexported, as the reference the tests and
// benchmarks compare against.
package cluster

import (
	"math"

	"github.com/guccho/guccho"
)

// EarthRadius is the radius of the sphere distances are measured on, in
// metres: the mean Earth radius of IUGG (R1), the value scikit-learn's
// users divide by to turn metres into the haversine metric's radians.
const EarthRadius = 6_371_008.8

// Noise is the label of a point in no cluster.
const Noise = -1

// Point is one unit to cluster: an enterprise or any located thing.
// Lon and Lat are degrees in EPSG:4326; Sector is compared for equality by
// SMEF and ignored by DBSCAN.
type Point struct {
	ID       string
	Lon, Lat float64
	Sector   string
}

// Cluster is one cluster of a Result.
type Cluster struct {
	ID      int    // its label: 0, 1, … in the order of each cluster's lowest-index core point
	Sector  string // the members' sector when they all share one, else ""
	Members []int  // indices into the points, ascending; cores and border points
	Cores   int    // how many members are core points
}

// Result is a clustering of a slice of points.
type Result struct {
	Labels   []int  // per point: its cluster's ID, or Noise
	Core     []bool // per point: whether it is a core point
	Clusters []Cluster
}

// Distance returns the great-circle distance in metres between two points
// given as lon, lat degrees, by the haversine formula on EarthRadius.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	s1, s2 := math.Sin(dlat/2), math.Sin(dlon/2)
	h := s1*s1 + math.Cos(lat1*rad)*math.Cos(lat2*rad)*s2*s2
	return 2 * EarthRadius * math.Asin(math.Sqrt(math.Min(1, h)))
}

// checkInput validates the parameters and every point's coordinates,
// returning an EINVALID error that names the parameter or the point.
func checkInput(points []Point, eps float64, minPts int, epsName, minName string) error {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return guccho.Errorf(guccho.EINVALID, "parameter %s: %g metres; want a positive distance", epsName, eps)
	}
	if eps > math.Pi*EarthRadius {
		return guccho.Errorf(guccho.EINVALID, "parameter %s: %g metres is longer than half the Earth's circumference", epsName, eps)
	}
	if minPts < 1 {
		return guccho.Errorf(guccho.EINVALID, "parameter %s: %d; want at least 1", minName, minPts)
	}
	if len(points) > math.MaxInt32 {
		return guccho.Errorf(guccho.ETOOLARGE, "%d points: at most %d can be clustered at once", len(points), math.MaxInt32)
	}
	for i, p := range points {
		if !(p.Lon >= -180 && p.Lon <= 180) || !(p.Lat >= -90 && p.Lat <= 90) {
			return guccho.Errorf(guccho.EINVALID, "point %d (id %q): lon %g, lat %g is not a longitude, latitude in degrees", i, p.ID, p.Lon, p.Lat)
		}
	}
	return nil
}

// DBSCAN clusters points by density (Ester et al., KDD 1996) with the
// great-circle distance: a point is a core point when at least minPts
// points, itself included, lie within eps metres of it (distance ≤ eps);
// core points within eps of each other belong to the same cluster; a
// non-core point within eps of a core point is a border point of that
// cluster; every other point is Noise.
//
// Labels are deterministic and equal scikit-learn's: clusters are numbered
// in the order of their lowest-index core point, and a border point within
// eps of cores of several clusters goes to the lowest-numbered one — the
// cluster that scikit-learn's expansion, which visits points in index order
// and finishes one cluster before starting the next, reaches first.
//
// DBSCAN returns an EINVALID error for eps ≤ 0, minPts < 1 or a point whose
// coordinates are not degrees of longitude and latitude.
func DBSCAN(points []Point, eps float64, minPts int) (Result, error) {
	if err := checkInput(points, eps, minPts, "eps", "minPts"); err != nil {
		return Result{}, err
	}
	labels, core := gridDBSCAN(points, nil, eps, minPts)
	return newResult(points, labels, core), nil
}

// SMEF applies the cluster definition of the SME Foundation and the
// National Industrial Policy 2022 — at least minUnits similar units within
// radiusM metres (50 and 5,000 by default, DESIGN §2) — read as DBSCAN
// within each sector: a unit is a core when at least minUnits units of its
// own sector, itself included, lie within radiusM of it; cores of a sector
// within radiusM of each other form one cluster; a cluster's members are its
// cores and the same-sector units within radiusM of one of them.
//
// The result is DBSCAN with eps = radiusM and minPts = minUnits run on each
// sector's points alone, clusters renumbered across sectors in the order of
// their lowest-index core point; a single-sector input gives exactly
// DBSCAN's result. Errors are those of DBSCAN.
func SMEF(points []Point, radiusM float64, minUnits int) (Result, error) {
	if err := checkInput(points, radiusM, minUnits, "radius", "min-units"); err != nil {
		return Result{}, err
	}
	bySector := map[string][]int32{}
	var order []string
	for i, p := range points {
		if _, ok := bySector[p.Sector]; !ok {
			order = append(order, p.Sector)
		}
		bySector[p.Sector] = append(bySector[p.Sector], int32(i))
	}
	labels := make([]int, len(points))
	core := make([]bool, len(points))
	offset := 0
	for _, s := range order {
		idx := bySector[s]
		l, c := gridDBSCAN(points, idx, radiusM, minUnits)
		n := 0
		for j, i := range idx {
			core[i] = c[j]
			if l[j] == Noise {
				labels[i] = Noise
				continue
			}
			labels[i] = l[j] + offset
			n = max(n, l[j]+1)
		}
		offset += n
	}
	return newResult(points, relabel(labels, core), core), nil
}

// relabel renumbers clusters in the order of their lowest-index core point.
func relabel(labels []int, core []bool) []int {
	m := map[int]int{}
	for i, l := range labels {
		if core[i] {
			if _, ok := m[l]; !ok {
				m[l] = len(m)
			}
		}
	}
	for i, l := range labels {
		if l != Noise {
			labels[i] = m[l]
		}
	}
	return labels
}

// newResult gathers the clusters of a labelling.
func newResult(points []Point, labels []int, core []bool) Result {
	n := 0
	for _, l := range labels {
		n = max(n, l+1)
	}
	cs := make([]Cluster, n)
	mixed := make([]bool, n)
	for i, l := range labels {
		if l == Noise {
			continue
		}
		c := &cs[l]
		if len(c.Members) == 0 {
			c.ID, c.Sector = l, points[i].Sector
		} else if c.Sector != points[i].Sector {
			mixed[l] = true
		}
		c.Members = append(c.Members, i)
		if core[i] {
			c.Cores++
		}
	}
	for l := range cs {
		if mixed[l] {
			cs[l].Sector = ""
		}
	}
	return Result{Labels: labels, Core: core, Clusters: cs}
}
