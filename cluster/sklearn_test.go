package cluster

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readCSV returns the rows of a testdata CSV file after its header.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDBSCANMatchesScikitLearn reproduces scikit-learn's DBSCAN (haversine
// metric, goldens made by testdata/sklearn_dbscan.py) point for point: core
// flags exactly, and labels exactly too, border points shared by two
// clusters included, since both number clusters by their lowest-index core
// point and give a border point to the lowest-numbered cluster reaching it.
// The test also checks the weaker, order-free property: every border point
// lies within eps of a core of its cluster.
func TestDBSCANMatchesScikitLearn(t *testing.T) {
	for _, c := range readCSV(t, "testdata/sklearn/cases.csv") {
		name, eps := c[0], atof(t, c[1])
		minPts, _ := strconv.Atoi(c[2])
		t.Run(name, func(t *testing.T) {
			var ps []Point
			var labels []int
			var core []bool
			for _, r := range readCSV(t, filepath.Join("testdata/sklearn", name+".csv")) {
				ps = append(ps, Point{ID: r[0], Lon: atof(t, r[1]), Lat: atof(t, r[2])})
				l, _ := strconv.Atoi(r[3])
				labels, core = append(labels, l), append(core, r[4] == "1")
			}
			got, err := DBSCAN(ps, eps, minPts)
			if err != nil {
				t.Fatal(err)
			}
			shared := 0
			for i := range ps {
				if got.Core[i] != core[i] {
					t.Fatalf("point %s: core %v, scikit-learn %v", ps[i].ID, got.Core[i], core[i])
				}
				if got.Labels[i] != labels[i] {
					t.Errorf("point %s (core %v): label %d, scikit-learn %d", ps[i].ID, core[i], got.Labels[i], labels[i])
				}
				if core[i] || got.Labels[i] == Noise {
					continue
				}
				reached := map[int]bool{}
				for j := range ps {
					if got.Core[j] && Distance(ps[i].Lon, ps[i].Lat, ps[j].Lon, ps[j].Lat) <= eps {
						reached[got.Labels[j]] = true
					}
				}
				if !reached[got.Labels[i]] {
					t.Errorf("border point %s: no core of its cluster %d within eps", ps[i].ID, got.Labels[i])
				}
				if len(reached) > 1 {
					shared++
				}
			}
			t.Logf("%d points, %d clusters, %d border points reached by two clusters", len(ps), len(got.Clusters), shared)
		})
	}
}
