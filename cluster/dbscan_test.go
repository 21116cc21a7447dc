package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// metresEast returns the longitude d metres east of lon along latitude 0.
func metresEast(lon, d float64) float64 { return lon + d/EarthRadius*180/math.Pi }

// TestDBSCANOnALine checks hand-computable cases: points on the equator,
// where d metres are exactly d/R radians of longitude.
func TestDBSCANOnALine(t *testing.T) {
	line := func(xs ...float64) []Point {
		var ps []Point
		for i, x := range xs {
			ps = append(ps, Point{ID: fmt.Sprint(i), Lon: metresEast(90, x)})
		}
		return ps
	}
	for _, tc := range []struct {
		name       string
		points     []Point
		eps        float64
		minPts     int
		wantLabels []int
		wantCore   []bool
	}{
		{"three in a row, 100 m apart, minPts 3: the middle is core",
			line(0, 100, 200), 150, 3, []int{0, 0, 0}, []bool{false, true, false}},
		{"minPts counts the point itself: 1 makes every point a cluster",
			line(0, 1000), 150, 1, []int{0, 1}, []bool{true, true}},
		{"a gap longer than eps splits two groups",
			line(0, 100, 200, 1000, 1100, 1200), 150, 2, []int{0, 0, 0, 1, 1, 1}, []bool{true, true, true, true, true, true}},
		{"a point exactly eps away is a neighbour (distance ≤ eps)",
			line(0, 100), 100.000001, 2, []int{0, 0}, []bool{true, true}},
		{"isolated points are noise",
			line(0, 100, 200, 5000), 150, 3, []int{0, 0, 0, Noise}, []bool{false, true, false, false}},
		{"a border point between two clusters joins the lower-numbered one",
			// cores at 0 and 200 m are 200 m apart; the point at 100 m is
			// within eps of both but has only 3 neighbours itself
			line(-100, -50, 0, 100, 200, 250, 300), 110, 4,
			[]int{0, 0, 0, 0, 1, 1, 1}, []bool{false, false, true, false, true, false, false}},
		{"input order numbers the clusters",
			line(1000, 1100, 1200, 0, 100, 200), 150, 3, []int{0, 0, 0, 1, 1, 1}, []bool{false, true, false, false, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DBSCAN(tc.points, tc.eps, tc.minPts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Labels, tc.wantLabels) || !slices.Equal(r.Core, tc.wantCore) {
				t.Errorf("labels %v core %v, want %v %v", r.Labels, r.Core, tc.wantLabels, tc.wantCore)
			}
			nl, nc := naiveDBSCAN(tc.points, tc.eps, tc.minPts)
			if !slices.Equal(nl, tc.wantLabels) || !slices.Equal(nc, tc.wantCore) {
				t.Errorf("naive: labels %v core %v, want %v %v", nl, nc, tc.wantLabels, tc.wantCore)
			}
		})
	}
}

// TestDBSCANMatchesNaive checks the grid against all pairs on random data,
// including places where the grid's geometry is hard: the antimeridian, the
// poles, and eps from a metre to hundreds of kilometres.
func TestDBSCANMatchesNaive(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		lon0, lat0, dlon, dlat float64
		n                      int
		eps                    float64
		minPts                 int
	}{
		{"Bangladesh, 5 km", 88, 20.5, 4.7, 6.2, 3000, 5000, 8},
		{"a town, 50 m", 90.40, 23.70, 0.05, 0.05, 2000, 50, 4},
		{"a street, 1 m", 90.40, 23.70, 0.0005, 0.0005, 1500, 1, 3},
		{"the antimeridian", 179.9, -17, 0.2, 0.3, 2000, 1500, 40},
		{"near the north pole", -180, 88, 360, 2, 2000, 30000, 70},
		{"across the south pole", -180, -90, 360, 5, 1500, 20000, 20},
		{"large eps", -10, -10, 40, 40, 1500, 400000, 70},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			ps := make([]Point, tc.n)
			epsDeg := tc.eps / EarthRadius * 180 / math.Pi
			for i := range ps {
				lon := tc.lon0 + r.Float64()*tc.dlon
				lat := tc.lat0 + r.Float64()*tc.dlat
				if i%2 == 1 { // half the points in clumps about eps across
					c := ps[(i%10)/2*2]
					lat = c.Lat + r.NormFloat64()*0.7*epsDeg
					lon = c.Lon + r.NormFloat64()*0.7*epsDeg/math.Max(math.Cos(lat*math.Pi/180), 0.05)
				}
				lon = math.Mod(lon+540, 360) - 180
				ps[i] = Point{Lon: lon, Lat: min(max(lat, -90), 90)}
			}
			// Duplicates and clumps, so that some cells fill up.
			for i := 0; i+1 < len(ps); i += 7 {
				ps[i+1].Lon, ps[i+1].Lat = ps[i].Lon, ps[i].Lat
			}
			got, err := DBSCAN(ps, tc.eps, tc.minPts)
			if err != nil {
				t.Fatal(err)
			}
			wl, wc := naiveDBSCAN(ps, tc.eps, tc.minPts)
			if !slices.Equal(got.Core, wc) {
				t.Fatalf("core flags differ from all pairs")
			}
			if !slices.Equal(got.Labels, wl) {
				for i := range wl {
					if got.Labels[i] != wl[i] {
						t.Fatalf("point %d: label %d, all pairs say %d", i, got.Labels[i], wl[i])
					}
				}
			}
			if len(got.Clusters) < 2 {
				t.Errorf("%d clusters: the case tests too little", len(got.Clusters))
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	ok := []Point{{ID: "a", Lon: 90, Lat: 23}}
	for _, tc := range []struct {
		name   string
		points []Point
		eps    float64
		minPts int
		want   string
	}{
		{"zero eps", ok, 0, 2, "parameter eps"},
		{"NaN eps", ok, math.NaN(), 2, "parameter eps"},
		{"minPts 0", ok, 10, 0, "parameter minPts"},
		{"latitude out of range", []Point{{ID: "a", Lon: 90, Lat: 23}, {ID: "b", Lon: 23, Lat: 91}}, 10, 2, `point 1 (id "b")`},
		{"NaN longitude", []Point{{ID: "x", Lon: math.NaN()}}, 10, 2, `point 0 (id "x")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DBSCAN(tc.points, tc.eps, tc.minPts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

// TestSMEFIsDBSCANPerSector checks the SMEF rule against DBSCAN run on each
// sector alone: two sectors interleaved in one place make no cluster of
// mixed units, and a single sector gives DBSCAN's result exactly.
func TestSMEFIsDBSCANPerSector(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var ps []Point
	for i := range 3000 {
		s := []string{"footwear", "dairy", "rice"}[i%3]
		lon, lat := 90+r.NormFloat64()*0.05, 24+r.NormFloat64()*0.05
		if s == "rice" {
			lon, lat = 88+r.Float64()*3, 22+r.Float64()*3
		}
		ps = append(ps, Point{ID: fmt.Sprint(i), Lon: lon, Lat: lat, Sector: s})
	}
	got, err := SMEF(ps, 2000, 20)
	if err != nil {
		t.Fatal(err)
	}
	sectors := map[string]bool{}
	for _, c := range got.Clusters {
		if c.Sector == "" {
			t.Errorf("cluster %d mixes sectors", c.ID)
		}
		sectors[c.Sector] = true
		for _, m := range c.Members {
			if ps[m].Sector != c.Sector {
				t.Errorf("cluster %d (%s) has member %d of %s", c.ID, c.Sector, m, ps[m].Sector)
			}
		}
	}
	if !sectors["footwear"] || !sectors["dairy"] || sectors["rice"] {
		t.Errorf("clusters in sectors %v, want footwear and dairy only", sectors)
	}
	for _, s := range []string{"footwear", "dairy", "rice"} {
		var sub []Point
		var at []int
		for i, p := range ps {
			if p.Sector == s {
				sub, at = append(sub, p), append(at, i)
			}
		}
		want, _ := DBSCAN(sub, 2000, 20)
		for j, i := range at {
			if got.Core[i] != want.Core[j] || (got.Labels[i] == Noise) != (want.Labels[j] == Noise) {
				t.Fatalf("%s point %d: SMEF core %v label %d, DBSCAN of the sector %v %d", s, i, got.Core[i], got.Labels[i], want.Core[j], want.Labels[j])
			}
		}
	}
	single := ps[:0:0]
	for _, p := range ps {
		if p.Sector == "footwear" {
			single = append(single, p)
		}
	}
	a, _ := SMEF(single, 2000, 20)
	b, _ := DBSCAN(single, 2000, 20)
	if !slices.Equal(a.Labels, b.Labels) {
		t.Errorf("SMEF of one sector differs from DBSCAN")
	}
}
