package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/ogrtest"
)

// clusterPoints is a hand-checkable points file on the grid fixture: four
// points ~103 m apart along lat 22.5 across the border of districts BD1004
// and BD1006 at lon 91 (sectors alternating), three dairy points ~103 m
// apart at (92.5, 24.5) in BD1009, and one point far from everything.
const clusterPoints = `id,lon,lat,sector
a1,90.9985,22.5,footwear_leather
a2,90.9995,22.5,dairy
a3,91.0005,22.5,footwear_leather
a4,91.0015,22.5,dairy
b1,92.500,24.5,dairy
b2,92.501,24.5,dairy
b3,92.502,24.5,dairy
far,90.2,22.2,dairy
`

type clusterFeature struct {
	Geometry struct {
		Type        string        `json:"type"`
		Coordinates [][][]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		ID        int    `json:"id"`
		Sector    string `json:"sector"`
		Size      int    `json:"size"`
		CoreCount int    `json:"core_count"`
		Hull      string `json:"hull"`
		Units     []struct {
			PCode string `json:"pcode"`
			Level string `json:"level"`
			Count int    `json:"count"`
		} `json:"units"`
	} `json:"properties"`
}

func TestClustersCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "points.csv")
	if err := os.WriteFile(in, []byte(clusterPoints), 0o644); err != nil {
		t.Fatal(err)
	}
	boundaries := writeGrid(t)
	for _, tc := range []struct {
		name        string
		args        []string
		wantSizes   []int    // per cluster
		wantCores   []int    // per cluster
		wantSector  []string // per cluster
		wantUnits   []string // of cluster 0: pcode:count
		wantMembers string   // cluster label per point, in file order
	}{
		{"dbscan, 150 m and 2 points, across sectors",
			[]string{"--method", "dbscan", "--eps-m", "150", "--min-points", "2"},
			[]int{4, 3}, []int{4, 3}, []string{"", "dairy"}, []string{"BD1004:2", "BD1006:2", "BD100409:2", "BD100651:2"}, "0 0 0 0 1 1 1 -1"},
		{"smef, 150 m and 3 units of one sector: the mixed line is no cluster",
			[]string{"--method", "smef", "--radius-km", "0.15", "--min-units", "3"},
			[]int{3}, []int{1}, []string{"dairy"}, []string{"BD1009:3", "BD100918:3"}, "-1 -1 -1 -1 0 0 0 -1"},
		{"--sector keeps one sector",
			[]string{"--method", "dbscan", "--eps-m", "150", "--min-points", "2", "--sector", "footwear_leather"},
			nil, nil, nil, nil, "-1 -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, members := filepath.Join(dir, "out.geojson"), filepath.Join(dir, "members.csv")
			args := append([]string{"clusters", "--input", in, "--boundaries", boundaries, "-o", out, "--members-out", members}, tc.args...)
			if _, errOut, err := runCmd(t, nil, args...); err != nil {
				t.Fatalf("%v: %s", err, errOut)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var fc struct{ Features []clusterFeature }
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != len(tc.wantSizes) {
				t.Fatalf("%d clusters, want %d", len(fc.Features), len(tc.wantSizes))
			}
			for i, f := range fc.Features {
				p := f.Properties
				if p.ID != i || p.Size != tc.wantSizes[i] || p.Sector != tc.wantSector[i] || p.CoreCount != tc.wantCores[i] {
					t.Errorf("cluster %d: %+v, want size %d, %d cores, sector %q", i, p, tc.wantSizes[i], tc.wantCores[i], tc.wantSector[i])
				}
				if f.Geometry.Type != "Polygon" || len(f.Geometry.Coordinates) != 1 || len(f.Geometry.Coordinates[0]) < 4 {
					t.Errorf("cluster %d: outline %s with %v", i, f.Geometry.Type, f.Geometry.Coordinates)
				}
			}
			if len(fc.Features) > 0 {
				var units []string
				for _, u := range fc.Features[0].Properties.Units {
					units = append(units, u.PCode+":"+strconv.Itoa(u.Count))
				}
				if strings.Join(units, " ") != strings.Join(tc.wantUnits, " ") {
					t.Errorf("cluster 0 spans %v, want %v", units, tc.wantUnits)
				}
			}
			f, err := os.Open(members)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var labels []string
			for _, r := range rows[1:] {
				labels = append(labels, r[4])
			}
			if got := strings.Join(labels, " "); got != tc.wantMembers {
				t.Errorf("member labels %q, want %q (header %v)", got, tc.wantMembers, rows[0])
			}
		})
	}

	t.Run("GeoJSON input", func(t *testing.T) {
		gj := filepath.Join(dir, "points.geojson")
		os.WriteFile(gj, []byte(`{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"b1","geometry":{"type":"Point","coordinates":[92.500,24.5]},"properties":{"sector":"dairy"}},
			{"type":"Feature","geometry":{"type":"Point","coordinates":[92.501,24.5]},"properties":{"id":"b2","sector":"dairy"}},
			{"type":"Feature","geometry":{"type":"Point","coordinates":[92.502,24.5]},"properties":{"id":"b3","sector":"dairy"}}]}`), 0o644)
		members := filepath.Join(dir, "gj-members.csv")
		if _, errOut, err := runCmd(t, nil, "clusters", "--method", "smef", "--radius-km", "0.15", "--min-units", "3", "--input", gj, "--members-out", members); err != nil {
			t.Fatalf("%v: %s", err, errOut)
		}
		b, _ := os.ReadFile(members)
		want := "id,lon,lat,sector,cluster,core\nb1,92.5,24.5,dairy,0,false\nb2,92.501,24.5,dairy,0,true\nb3,92.502,24.5,dairy,0,false\n"
		if string(b) != want {
			t.Errorf("members:\n%s\nwant\n%s", b, want)
		}
	})

	t.Run("CSV output", func(t *testing.T) {
		out := filepath.Join(dir, "clusters.csv")
		if _, errOut, err := runCmd(t, nil, "clusters", "--method", "dbscan", "--eps-m", "150", "--min-points", "2", "--input", in, "-o", out); err != nil {
			t.Fatalf("%v: %s", err, errOut)
		}
		b, _ := os.ReadFile(out)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != 3 || lines[0] != "id,sector,size,core_count,centre_lon,centre_lat,radius_m,hull,units" || !strings.HasPrefix(lines[2], "1,dairy,3,3,92.501,24.5,") {
			t.Errorf("CSV:\n%s", b)
		}
	})
}

// TestClustersGeoPackage writes the clusters of the hand-checkable points
// as a GeoPackage and reads it back with SQL and with GDAL's ogrinfo.
func TestClustersGeoPackage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "points.csv")
	if err := os.WriteFile(in, []byte(clusterPoints), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "clusters.gpkg")
	if _, errOut, err := runCmd(t, nil, "clusters", "--method", "dbscan", "--eps-m", "150", "--min-points", "2",
		"--input", in, "--boundaries", writeGrid(t), "-o", out); err != nil {
		t.Fatalf("%v: %s", err, errOut)
	}
	db, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT fid, id, sector, size, core_count, centre_lon, centre_lat, hull, units, method, eps_m, min_points FROM clusters ORDER BY fid`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var fid, id, size, cores, minPts int
		var sector, hull, units, method string
		var lon, lat, eps float64
		if err := rows.Scan(&fid, &id, &sector, &size, &cores, &lon, &lat, &hull, &units, &method, &eps, &minPts); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %d %q %d %d %g %g %s %q %s %g %d", fid, id, sector, size, cores, lon, lat, hull, units, method, eps, minPts))
	}
	want := []string{
		`1 0 "" 4 4 91 22.5 convex "BD1004:2 BD1006:2 BD100409:2 BD100651:2" dbscan 150 2`,
		`2 1 "dairy" 3 3 92.501 24.5 convex "BD1009:3 BD100918:3" dbscan 150 2`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("clusters layer:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	info := ogrtest.Info(t, "-so", "-al", out)
	for _, want := range []string{"Layer name: clusters\n", "Geometry: Polygon\n", "Feature Count: 2\n", "DESCRIPTION=guccho clusters --method dbscan: 150 m, 2 points"} {
		if !strings.Contains(info, want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, info)
		}
	}
}

func TestClustersBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id,lon,lat,sector\na,90.1,23,dairy\nb,90.2,north,dairy\n"), 0o644)
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte(clusterPoints), 0o644)
	for _, tc := range []struct {
		name      string
		args      []string
		wantUsage bool
		want      string
	}{
		{"no method", []string{"--input", good}, true, "--method"},
		{"unknown method", []string{"--method", "kmeans", "--input", good}, true, `"kmeans"`},
		{"dbscan flags with smef", []string{"--method", "smef", "--eps-m", "100", "--input", good}, true, "--eps-m"},
		{"smef flags with dbscan", []string{"--method", "dbscan", "--min-units", "3", "--input", good}, true, "--min-units"},
		{"a value that is not a number", []string{"--method", "smef", "--input", bad}, false, "row 2, column lat"},
		{"a negative radius", []string{"--method", "smef", "--radius-km", "-1", "--input", good}, false, "parameter radius"},
		{"an unknown output format", []string{"--method", "smef", "--input", good, "-o", filepath.Join(dir, "x.shp")}, false, `unknown format ".shp"; want .geojson, .csv or .gpkg`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, nil, append([]string{"clusters"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
			if errors.Is(err, errUsage) != tc.wantUsage {
				t.Errorf("usage error %v, want %v", errors.Is(err, errUsage), tc.wantUsage)
			}
		})
	}
}

// TestClustersFromStore clusters the enterprises of the embedded store: the
// demo survey's Bhairab footwear cluster, from the records with GPS.
func TestClustersFromStore(t *testing.T) {
	bd := bdtest.Dir(t)
	db := filepath.Join(t.TempDir(), "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", bd, "--db", db); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, nil, "demo", "--n", "1500", "--db", db); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out := filepath.Join(t.TempDir(), "clusters.geojson")
	_, errOut, err := runCmd(t, nil, "clusters", "--method", "smef", "--min-units", "30", "--sector", "footwear_leather", "--db", db, "-o", out)
	if err != nil {
		t.Fatalf("%v: %s", err, errOut)
	}
	if !strings.Contains(errOut, "without a surveyed GPS point skipped") {
		t.Errorf("stderr %q does not say that records without GPS were skipped", errOut)
	}
	b, _ := os.ReadFile(out)
	var fc struct{ Features []clusterFeature }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fc.Features {
		for _, u := range f.Properties.Units {
			found = found || (u.PCode == "BD304811" && f.Properties.Sector == "footwear_leather")
		}
	}
	if !found {
		t.Errorf("no footwear cluster spanning Bhairab (BD304811) in %s", b)
	}
}
