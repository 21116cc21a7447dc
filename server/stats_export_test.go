package server_test

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho/internal/ogrtest"
)

// exportedUnit is a unit as the exports show it, for comparison with the
// JSON answer.
type exportedUnit struct {
	pcode, class string
	value, z     float64
	lq           *float64
}

func (u exportedUnit) String() string {
	return fmt.Sprintf("%s value %g z %.12g class %q lq %v", u.pcode, u.value, u.z, u.class, deref(u.lq))
}

func fromJSON(a statsAnswer) []exportedUnit {
	out := make([]exportedUnit, len(a.Units))
	for i, u := range a.Units {
		out[i] = exportedUnit{pcode: u.PCode, class: u.Class, value: u.Value, lq: u.LQ}
		if u.Z != nil {
			out[i].z = *u.Z
		}
	}
	return out
}

func sameUnits(t *testing.T, format string, got, want []exportedUnit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d units, want %d", format, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.pcode != w.pcode || g.class != w.class || g.value != w.value || math.Abs(g.z-w.z) > 1e-12 ||
			(g.lq == nil) != (w.lq == nil) || (g.lq != nil && math.Abs(*g.lq-*w.lq) > 1e-12) {
			t.Errorf("%s: unit %d is %v, want %v (as JSON)", format, i, g, w)
		}
	}
}

func wantDownload(t *testing.T, r response, contentType, filename string) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type %q, want %q", got, contentType)
	}
	if got, want := r.header.Get("Content-Disposition"), `attachment; filename="`+filename+`"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
}

// saveGPKG writes a downloaded GeoPackage to a file and opens it with SQL.
func saveGPKG(t *testing.T, body []byte) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "export.gpkg")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return path, db
}

// TestStatsExportLocalMoran downloads local Moran's I of the fixture's dairy
// counts per union as CSV, GeoJSON and GeoPackage, and checks that each
// holds the JSON answer's units, values and classes, with the unions'
// squares as geometry.
func TestStatsExportLocalMoran(t *testing.T) {
	ts, _, _ := statsServer(t)
	base := ts.URL + "/api/stats/local-moran?sector=dairy&level=union&permutations=0"
	a, _ := getStats(t, base)
	want := fromJSON(a)
	if len(want) != 9 {
		t.Fatalf("%d unions in the JSON answer, want 9", len(want))
	}

	t.Run("csv", func(t *testing.T) {
		r := get(t, base+"&format=csv")
		wantDownload(t, r, "text/csv; charset=utf-8", "guccho-local-moran-dairy-count-union.csv")
		body, ok := strings.CutPrefix(string(r.body), "\ufeff")
		if !ok {
			t.Error("no byte order mark: spreadsheets would misread the Bangla names")
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(rows[0], ","), "pcode,level,name_en,name_bn,value,stat,expected,z,p_norm,p_sim,p_adj,quadrant,class"; got != want {
			t.Fatalf("header %s, want %s", got, want)
		}
		var got []exportedUnit
		for _, row := range rows[1:] {
			value, _ := strconv.ParseFloat(row[4], 64)
			z, _ := strconv.ParseFloat(row[7], 64)
			got = append(got, exportedUnit{pcode: row[0], value: value, z: z, class: row[12]})
			if row[1] != "union" || row[9] != "" {
				t.Errorf("%s: level %q, p_sim %q; want union and no p_sim without permutations", row[0], row[1], row[9])
			}
		}
		// 15 significant digits lose a little of z.
		for i := range got {
			if math.Abs(got[i].z-want[i].z) < 1e-13 {
				got[i].z = want[i].z
			}
		}
		sameUnits(t, "csv", got, want)
	})

	t.Run("geojson", func(t *testing.T) {
		r := get(t, base+"&format=geojson")
		wantDownload(t, r, "application/geo+json", "guccho-local-moran-dairy-count-union.geojson")
		var fc struct {
			Type       string
			Parameters map[string]any
			Global     struct{ Statistic string }
			Features   []struct {
				ID       uint64
				Geometry struct {
					Type        string
					Coordinates [][][][2]float64
				}
				Properties struct {
					PCode string  `json:"pcode"`
					Value float64 `json:"value"`
					Z     float64 `json:"z"`
					Class string  `json:"class"`
				}
			}
		}
		decode(t, r, &fc)
		if fc.Type != "FeatureCollection" || fc.Parameters["statistic"] != "local-moran" || fc.Global.Statistic != "moran_i" {
			t.Errorf("collection %s, parameters %v, global %q; want the answer's parameters and Moran's I", fc.Type, fc.Parameters, fc.Global.Statistic)
		}
		var got []exportedUnit
		for _, f := range fc.Features {
			p := f.Properties
			got = append(got, exportedUnit{pcode: p.PCode, value: p.Value, z: p.Z, class: p.Class})
			if f.Geometry.Type != "MultiPolygon" || len(f.Geometry.Coordinates) != 1 || len(f.Geometry.Coordinates[0][0]) != 5 || f.ID == 0 {
				t.Errorf("%s: id %d, geometry %s %v; want the union's square", p.PCode, f.ID, f.Geometry.Type, f.Geometry.Coordinates)
			}
		}
		sameUnits(t, "geojson", got, want)
		// BD10040911 is the south-west square.
		if sq := fc.Features[0].Geometry.Coordinates[0][0]; fc.Features[0].Properties.PCode != "BD10040911" || sq[0] != [2]float64{90, 22} || sq[2] != [2]float64{91, 23} {
			t.Errorf("first feature %s %v, want BD10040911 from (90, 22) to (91, 23)", fc.Features[0].Properties.PCode, sq)
		}
	})

	t.Run("gpkg", func(t *testing.T) {
		r := get(t, base+"&format=gpkg")
		wantDownload(t, r, "application/geopackage+sqlite3", "guccho-local-moran-dairy-count-union.gpkg")
		if got := r.header.Get("Content-Length"); got != strconv.Itoa(len(r.body)) {
			t.Errorf("Content-Length %s, body %d bytes", got, len(r.body))
		}
		path, db := saveGPKG(t, r.body)
		rows, err := db.Query(`SELECT pcode, value, z, class FROM local_moran ORDER BY fid`)
		if err != nil {
			t.Fatal(err)
		}
		var got []exportedUnit
		for rows.Next() {
			var u exportedUnit
			if err := rows.Scan(&u.pcode, &u.value, &u.z, &u.class); err != nil {
				t.Fatal(err)
			}
			got = append(got, u)
		}
		sameUnits(t, "gpkg", got, want)
		var desc string
		db.QueryRow(`SELECT description FROM gpkg_contents WHERE table_name = 'local_moran'`).Scan(&desc)
		var summary struct {
			Parameters map[string]any
			Global     struct{ Statistic string }
		}
		if err := json.Unmarshal([]byte(desc), &summary); err != nil || summary.Parameters["sector"] != "dairy" || summary.Global.Statistic != "moran_i" {
			t.Errorf("layer description %q (%v): want the parameters and global result as JSON", desc, err)
		}
		info := ogrtest.Info(t, "-so", "-al", path)
		for _, want := range []string{"Layer name: local_moran\n", "Geometry: Multi Polygon\n", "Feature Count: 9\n",
			"Extent: (90.000000, 22.000000) - (93.000000, 25.000000)\n", "p_sim: Real (0.0)\n", "quadrant: String (0.0)\n"} {
			if !strings.Contains(info, want) {
				t.Errorf("ogrinfo lacks %q:\n%s", want, info)
			}
		}
		ogrtest.Validate(t, path)
	})
}

// TestStatsExportLQ checks the LQ export per district, whose Bangla names
// and undefined LQs (below min_count) must come through: Barguna has all
// six of its enterprises in dairy, LQ (6/6)/(8/12) = 1.5; Barisal's two
// dairy enterprises are below min_count 5.
func TestStatsExportLQ(t *testing.T) {
	ts, _, _ := statsServer(t)
	r := get(t, ts.URL+"/api/stats/lq?sector=dairy&level=district&format=gpkg")
	wantDownload(t, r, "application/geopackage+sqlite3", "guccho-lq-dairy-count-district.gpkg")
	path, _ := saveGPKG(t, r.body)
	all := ogrtest.Info(t, "-al", "-q", path)
	for _, want := range []string{
		"OGRFeature(lq):1\n  pcode (String) = BD1004\n  level (String) = district\n  name_en (String) = Barguna\n  name_bn (String) = বরগুনা\n  value (Real) = 6\n  total (Real) = 6\n  lq (Real) = 1.5\n  MULTIPOLYGON (((90 22,91 22,91 25,90 25,90 22)))",
		"OGRFeature(lq):2\n  pcode (String) = BD1006\n  level (String) = district\n  name_en (String) = Barishal\n  name_bn (String) = বরিশাল\n  value (Real) = 2\n  total (Real) = 3\n  lq (Real) = (null)\n",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("ogrinfo -al lacks %q:\n%s", want, all)
		}
	}

	c := get(t, ts.URL+"/api/stats/lq?sector=dairy&level=district&format=csv")
	wantDownload(t, c, "text/csv; charset=utf-8", "guccho-lq-dairy-count-district.csv")
	if want := "\ufeffpcode,level,name_en,name_bn,value,total,lq\nBD1004,district,Barguna,বরগুনা,6,6,1.5\nBD1006,district,Barishal,বরিশাল,2,3,\nBD1009,district,Bhola,ভোলা,0,3,\n"; string(c.body) != want {
		t.Errorf("CSV:\n%s\nwant\n%s", c.body, want)
	}
}

func TestStatsExportBadFormat(t *testing.T) {
	ts, _, _ := statsServer(t)
	wantError(t, get(t, ts.URL+"/api/stats/hotspots?sector=dairy&level=union&format=shp"), http.StatusBadRequest, "invalid", `parameter format: "shp": want json, csv, geojson, gpkg`)
	wantError(t, get(t, ts.URL+"/api/stats/lq?sector=dairy&formats=csv"), http.StatusBadRequest, "invalid", "min_count, format)")
	// A bad statistics parameter is refused before any export starts.
	wantError(t, get(t, ts.URL+"/api/stats/moran?sector=dairy&level=union&weights=hex&format=gpkg"), http.StatusBadRequest, "invalid", "parameter weights")
}

// TestStatsExportColumns checks the columns each statistic exports.
func TestStatsExportColumns(t *testing.T) {
	ts, _, _ := statsServer(t)
	for _, tc := range []struct {
		statistic, query, want string
	}{
		{"lq", "sector=dairy", "pcode,level,name_en,name_bn,value,total,lq"},
		{"moran", "sector=dairy&level=union&permutations=9", "pcode,level,name_en,name_bn,value"},
		{"local-moran", "sector=dairy&level=union&permutations=9", "pcode,level,name_en,name_bn,value,stat,expected,z,p_norm,p_sim,p_adj,quadrant,class"},
		{"hotspots", "sector=dairy&level=union&permutations=9", "pcode,level,name_en,name_bn,value,stat,expected,z,p_norm,p_sim,p_adj,class"},
	} {
		t.Run(tc.statistic, func(t *testing.T) {
			r := get(t, ts.URL+"/api/stats/"+tc.statistic+"?format=csv&"+tc.query)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			head, _, _ := strings.Cut(strings.TrimPrefix(string(r.body), "\ufeff"), "\n")
			if head != tc.want {
				t.Errorf("columns %s, want %s", head, tc.want)
			}
		})
	}
}
