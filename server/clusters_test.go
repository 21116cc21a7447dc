package server_test

import (
	"context"
	"encoding/csv"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/ogrtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/server"
)

// clusterServer serves the grid with storetest.ClusterFixture's enterprises
// from a fresh embedded store.
func clusterServer(t *testing.T) (*httptest.Server, *embedded.Store) {
	t.Helper()
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.LoadClusterFixture(t, s)
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	srv := server.New(server.Config{Store: s, Sectors: sectors})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, s
}

type clusterUnit struct {
	PCode  string `json:"pcode"`
	Level  string `json:"level"`
	NameEN string `json:"name_en"`
	NameBN string `json:"name_bn"`
	Count  int    `json:"count"`
}

type clusterProps struct {
	ID        string        `json:"id"`
	Method    string        `json:"method"`
	Sector    string        `json:"sector"`
	Size      int           `json:"size"`
	CoreCount int           `json:"core_count"`
	Centre    [2]float64    `json:"centre"`
	RadiusM   float64       `json:"radius_m"`
	Concave   bool          `json:"concave"`
	Units     []clusterUnit `json:"units"`
	Profile   struct {
		Enterprises int `json:"enterprises"`
		Jobs        int `json:"jobs"`
		Sectors     []struct {
			Sector      string   `json:"sector"`
			Enterprises int      `json:"enterprises"`
			LQ          *float64 `json:"lq"`
		} `json:"sectors"`
	} `json:"profile"`
	NearestCentre *struct {
		ID        string  `json:"id"`
		DistanceM float64 `json:"distance_m"`
	} `json:"nearest_centre"`
}

type clusterAnswer struct {
	Type       string         `json:"type"`
	Parameters map[string]any `json:"parameters"`
	Points     int            `json:"points"`
	Noise      int            `json:"noise"`
	Features   []struct {
		Type       string           `json:"type"`
		ID         string           `json:"id"`
		Geometry   geojson.Geometry `json:"geometry"`
		Properties clusterProps     `json:"properties"`
	} `json:"features"`
}

func getClusters(t *testing.T, url string) (clusterAnswer, response) {
	t.Helper()
	r := get(t, url)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, r.status, r.body)
	}
	var a clusterAnswer
	decode(t, r, &a)
	return a, r
}

func (a clusterAnswer) ids() []string {
	var ids []string
	for _, f := range a.Features {
		ids = append(ids, f.ID)
	}
	return ids
}

func TestClusters(t *testing.T) {
	ts, _ := clusterServer(t)
	cases := []struct {
		name         string
		query        string
		ids          []string
		sizes        []int
		sectors      []string
		points       int
		noise        int
		parameters   map[string]any
		fixedCluster string // fa's (or fa+da's) cluster, checked in detail
	}{
		{"SMEF by default: per sector, 50 within 5 km", "",
			[]string{"smef:dairy:dc-00", "smef:footwear_leather:fa-00", "smef:footwear_leather:fb-00"},
			[]int{70, 60, 55}, []string{"dairy", "footwear_leather", "footwear_leather"}, 235, 50,
			map[string]any{"method": "smef", "sector": "", "radius_km": 5.0, "min_units": 50.0, "format": "geojson"},
			"smef:footwear_leather:fa-00"},
		{"SMEF of one sector", "?sector=footwear_leather",
			[]string{"smef:footwear_leather:fa-00", "smef:footwear_leather:fb-00"}, []int{60, 55},
			[]string{"footwear_leather", "footwear_leather"}, 135, 20,
			map[string]any{"method": "smef", "sector": "footwear_leather", "radius_km": 5.0, "min_units": 50.0, "format": "geojson"},
			"smef:footwear_leather:fa-00"},
		{"SMEF with a larger minimum leaves the smaller clusters out", "?min_units=56&radius_km=2",
			[]string{"smef:dairy:dc-00", "smef:footwear_leather:fa-00"}, []int{70, 60}, []string{"dairy", "footwear_leather"}, 235, 105,
			map[string]any{"method": "smef", "sector": "", "radius_km": 2.0, "min_units": 56.0, "format": "geojson"}, ""},
		{"DBSCAN over all sectors mixes fa and da", "?method=dbscan",
			[]string{"dbscan:all:da-00", "dbscan:all:dc-00", "dbscan:all:fb-00"}, []int{90, 70, 55},
			[]string{"", "dairy", "footwear_leather"}, 235, 20,
			map[string]any{"method": "dbscan", "sector": "", "eps_m": 5000.0, "min_points": 50.0, "format": "geojson"}, ""},
		{"DBSCAN of one sector with its own eps", "?method=dbscan&sector=dairy&eps_m=3000&min_points=30",
			[]string{"dbscan:dairy:dc-00", "dbscan:dairy:da-00"}, []int{70, 30}, []string{"dairy", "dairy"}, 100, 0,
			map[string]any{"method": "dbscan", "sector": "dairy", "eps_m": 3000.0, "min_points": 30.0, "format": "geojson"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, r := getClusters(t, ts.URL+"/api/clusters"+tc.query)
			if ct := r.header.Get("Content-Type"); ct != "application/geo+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if a.Type != "FeatureCollection" || a.Points != tc.points || a.Noise != tc.noise {
				t.Errorf("type %q, points %d, noise %d; want FeatureCollection, %d, %d", a.Type, a.Points, a.Noise, tc.points, tc.noise)
			}
			if !reflect.DeepEqual(a.Parameters, tc.parameters) {
				t.Errorf("parameters = %v, want %v", a.Parameters, tc.parameters)
			}
			if got := a.ids(); !reflect.DeepEqual(got, tc.ids) {
				t.Fatalf("ids = %v, want %v", got, tc.ids)
			}
			for i, f := range a.Features {
				p := f.Properties
				if p.ID != f.ID || p.Size != tc.sizes[i] || p.Sector != tc.sectors[i] || p.Method != tc.parameters["method"] {
					t.Errorf("%s: id %s, size %d, sector %q, method %s; want size %d, sector %q", f.ID, p.ID, p.Size, p.Sector, p.Method, tc.sizes[i], tc.sectors[i])
				}
				if p.Profile.Enterprises != p.Size {
					t.Errorf("%s: profile counts %d enterprises, want its %d members", f.ID, p.Profile.Enterprises, p.Size)
				}
				poly, ok := f.Geometry.Coordinates.(orb.Polygon)
				if !ok || len(poly) != 1 || len(poly[0]) < 4 || !poly[0].Closed() {
					t.Fatalf("%s: geometry %v is not a closed Polygon", f.ID, f.Geometry.Coordinates)
				}
				if !planar.PolygonContains(poly, orb.Point(p.Centre)) {
					t.Errorf("%s: centre %v outside the outline", f.ID, p.Centre)
				}
			}
			if tc.fixedCluster == "" {
				return
			}
			p := a.Features[1].Properties
			if tc.fixedCluster == a.Features[0].ID {
				p = a.Features[0].Properties
			}
			// fa: 60 footwear within 1.1 km of (90.30, 22.30), all cores,
			// all in Amtali; jobs 60 self + 30×(0+1+2+3)/… = 60 + 89.
			if p.CoreCount != 60 || math.Abs(p.Centre[0]-90.30) > 0.002 || math.Abs(p.Centre[1]-22.30) > 0.002 || p.RadiusM > 1200 {
				t.Errorf("fa: %d cores, centre %v, radius %g m; want 60 cores near (90.30, 22.30) within 1.2 km", p.CoreCount, p.Centre, p.RadiusM)
			}
			wantUnits := []clusterUnit{{"BD1004", "district", "Barguna", "বরগুনা", 60}, {"BD100409", "upazila", "Amtali", "আমতলী", 60}}
			if !reflect.DeepEqual(p.Units, wantUnits) {
				t.Errorf("fa units = %+v, want %+v", p.Units, wantUnits)
			}
			wantJobs := 60
			for i := 0; i < 60; i++ {
				wantJobs += i % 4
			}
			// LQ against every enterprise: all 60 are footwear, which is
			// 135 of the store's 355.
			lq := 1 / (135.0 / 355.0)
			if s := p.Profile.Sectors; p.Profile.Jobs != wantJobs || len(s) != 1 || s[0].Sector != "footwear_leather" || s[0].LQ == nil || math.Abs(*s[0].LQ-lq) > 1e-9 {
				t.Errorf("fa profile: jobs %d, sectors %+v; want %d jobs, footwear_leather with LQ %.6f", p.Profile.Jobs, s, wantJobs, lq)
			}
		})
	}
}

// TestClustersOutlineHoldsTheMembers checks every member of each cluster
// lies inside or on its outline.
func TestClustersOutlineHoldsTheMembers(t *testing.T) {
	ts, _ := clusterServer(t)
	a, _ := getClusters(t, ts.URL+"/api/clusters?sector=footwear_leather")
	prefix := map[string]string{"smef:footwear_leather:fa-00": "fa-", "smef:footwear_leather:fb-00": "fb-"}
	for _, f := range a.Features {
		poly := f.Geometry.Coordinates.(orb.Polygon)
		n := 0
		for _, e := range storetest.ClusterFixture() {
			if strings.HasPrefix(e.ID, prefix[f.ID]) {
				n++
				if !planar.PolygonContains(poly, *e.GPS) && !onRing(poly[0], *e.GPS) {
					t.Errorf("%s: member %s at %v outside the outline", f.ID, e.ID, *e.GPS)
				}
			}
		}
		if n != f.Properties.Size {
			t.Errorf("%s: %d fixture members, size %d", f.ID, n, f.Properties.Size)
		}
	}
}

func onRing(r orb.Ring, p orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		if planar.DistanceFromSegment(r[i], r[i+1], p) < 1e-9 {
			return true
		}
	}
	return false
}

func TestClustersCSV(t *testing.T) {
	ts, _ := clusterServer(t)
	r := get(t, ts.URL+"/api/clusters?format=csv")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"id", "method", "sector", "size", "core_count", "centre_lon", "centre_lat", "radius_m", "concave",
		"units", "enterprises", "jobs", "recp_aware_share", "recp_adopted_share"}
	if len(rows) != 4 || !reflect.DeepEqual(rows[0], wantHeader) {
		t.Fatalf("rows = %q, want the header and 3 clusters", rows)
	}
	if got := rows[2]; got[0] != "smef:footwear_leather:fa-00" || got[2] != "footwear_leather" || got[3] != "60" || got[9] != "BD1004:60 BD100409:60" || got[10] != "60" {
		t.Errorf("row of fa = %q", got)
	}
}

// TestClustersNameTheNearestCentre: a cluster's profile names the common
// service centre closest to its centre, and a new centre drops the cached
// answers (through the hub, so the test waits for it).
func TestClustersNameTheNearestCentre(t *testing.T) {
	ts, s := clusterServer(t)
	url := ts.URL + "/api/clusters?sector=footwear_leather"
	a, _ := getClusters(t, url)
	if nc := a.Features[0].Properties.NearestCentre; nc != nil {
		t.Fatalf("no centre stored, yet nearest_centre = %+v", nc)
	}
	// 0.01° north of fa's centre (90.30, 22.30): about 1.1 km.
	c := &guccho.Centre{ID: "csc-fa", NameEN: "Amtali footwear CSC", Sector: "footwear_leather", Point: orb.Point{90.30, 22.31}}
	if err := s.CreateCentre(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, r := getClusters(t, url)
		if r.header.Get("X-Cache") == "miss" {
			fa := b.Features[0].Properties
			if fa.ID != "smef:footwear_leather:fa-00" || fa.NearestCentre == nil || fa.NearestCentre.ID != "csc-fa" ||
				math.Abs(fa.NearestCentre.DistanceM-1112) > 60 {
				t.Errorf("fa after a centre was added: %s nearest %+v; want csc-fa about 1.1 km away", fa.ID, fa.NearestCentre)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the cached clusters were not dropped after a centre was created")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClustersGeoPackage downloads the clusters as a GeoPackage: the
// CSV's rows with each cluster's outline, one layer that GDAL opens.
func TestClustersGeoPackage(t *testing.T) {
	ts, _ := clusterServer(t)
	r := get(t, ts.URL+"/api/clusters?format=gpkg")
	wantDownload(t, r, "application/geopackage+sqlite3", "guccho-clusters-smef-all.gpkg")
	path, db := saveGPKG(t, r.body)
	var n, size int
	var units string
	if err := db.QueryRow(`SELECT count(*) FROM clusters`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("clusters layer holds %d rows (%v), want 3", n, err)
	}
	err := db.QueryRow(`SELECT size, units FROM clusters WHERE id = 'smef:footwear_leather:fa-00'`).Scan(&size, &units)
	if err != nil || size != 60 || units != "BD1004:60 BD100409:60" {
		t.Errorf("fa: size %d units %q (%v), want 60 and BD1004:60 BD100409:60", size, units, err)
	}
	info := ogrtest.Info(t, "-so", "-al", path)
	for _, want := range []string{"Layer name: clusters\n", "Geometry: Polygon\n", "Feature Count: 3\n", "size: Integer", "recp_aware_share: Real"} {
		if !strings.Contains(info, want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, info)
		}
	}
	ogrtest.Validate(t, path)
}

func TestClustersAreCachedUntilEnterprisesChange(t *testing.T) {
	ts, s := clusterServer(t)
	url := ts.URL + "/api/clusters?sector=footwear_leather"
	a, r := getClusters(t, url)
	if r.header.Get("X-Cache") != "miss" {
		t.Errorf("first answer X-Cache = %q, want miss", r.header.Get("X-Cache"))
	}
	if _, r := getClusters(t, url); r.header.Get("X-Cache") != "hit" {
		t.Errorf("second answer X-Cache = %q, want hit", r.header.Get("X-Cache"))
	}
	// One more footwear enterprise beside fb joins it.
	pt := orb.Point{91.7001, 23.6001}
	e := &guccho.Enterprise{ID: "fb-new", Sector: "footwear_leather", GPS: &pt, Point: pt,
		Admin:   guccho.AdminCodes{Division: "BD10", District: "BD1006", Upazila: "BD100651", Union: "BD10065113"},
		Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}}
	if err := s.CreateEnterprise(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	b, r := getClusters(t, url)
	if r.header.Get("X-Cache") != "miss" || b.Features[1].Properties.Size != a.Features[1].Properties.Size+1 {
		t.Errorf("after a create: X-Cache %q, fb size %d; want miss and %d", r.header.Get("X-Cache"), b.Features[1].Properties.Size, a.Features[1].Properties.Size+1)
	}
}

func TestClustersBadParameters(t *testing.T) {
	ts, _ := clusterServer(t)
	cases := []struct{ name, query, param string }{
		{"eps of zero", "method=dbscan&eps_m=0", "eps_m"},
		{"eps not a number", "method=dbscan&eps_m=far", "eps_m"},
		{"eps beyond 50 km", "method=dbscan&eps_m=50001", "eps_m"},
		{"min_points below 1", "method=dbscan&min_points=0", "min_points"},
		{"radius of zero", "radius_km=0", "radius_km"},
		{"radius beyond 50 km", "radius_km=50.5", "radius_km"},
		{"min_units not whole", "min_units=2.5", "min_units"},
		{"eps for smef", "eps_m=100", "eps_m"},
		{"radius for dbscan", "method=dbscan&radius_km=1", "radius_km"},
		{"unknown sector", "sector=shipbuilding", "sector"},
		{"unknown method", "method=kmeans", "method"},
		{"unknown format", "format=shp", "format"},
		{"unknown parameter", "bbox=1,2,3,4", "bbox"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/clusters?"+tc.query), http.StatusBadRequest, "invalid", "parameter "+tc.param)
		})
	}
	for _, tc := range []struct{ name, query, param string }{
		{"level of unions", "level=union", "level"},
		{"min_lq of zero", "min_lq=0", "min_lq"},
		{"min_units of zero", "min_units=0", "min_units"},
		{"unknown sector", "sector=shipbuilding", "sector"},
		{"a clusters parameter", "method=dbscan", "method"},
	} {
		t.Run("potential: "+tc.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/clusters/potential?"+tc.query), http.StatusBadRequest, "invalid", "parameter "+tc.param)
		})
	}
}

type candidate struct {
	Rank       int                `json:"rank"`
	Kind       string             `json:"kind"`
	ID         string             `json:"id"`
	NameEN     string             `json:"name_en"`
	NameBN     string             `json:"name_bn"`
	Level      string             `json:"level"`
	Sector     string             `json:"sector"`
	Size       *int               `json:"size"`
	Count      *float64           `json:"count"`
	Upazila    string             `json:"upazila"`
	District   string             `json:"district"`
	LQUpazila  *float64           `json:"lq_upazila"`
	LQDistrict *float64           `json:"lq_district"`
	GiStar     map[string]*giStar `json:"gistar"`
	Evidence   []string           `json:"evidence"`
	Reasons    []string           `json:"reasons"`
}

type giStar struct {
	Z     *float64 `json:"z"`
	P     *float64 `json:"p"`
	Class string   `json:"class"`
}

type potentialAnswer struct {
	Parameters map[string]any `json:"parameters"`
	Candidates []candidate    `json:"candidates"`
}

func getPotential(t *testing.T, url string) potentialAnswer {
	t.Helper()
	r := get(t, url)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, r.status, r.body)
	}
	var a potentialAnswer
	decode(t, r, &a)
	return a
}

func TestPotentialClusters(t *testing.T) {
	ts, _ := clusterServer(t)
	// Upazila LQs (355 enterprises, 135 footwear, 220 dairy):
	//   Amtali BD100409: 60 fw + 30 dairy → fw (60/90)/(135/355) = 1.753
	//   Barisal's Nawabganj BD100651: 55 fw + 120 dairy (no GPS) → dairy (120/175)/(220/355) = 1.107
	//   Bhola's Nawabganj BD100918: 20 fw + 70 dairy → dairy (70/90)/(220/355) = 1.255, but a point cluster is there
	lqFa := (60.0 / 90) / (135.0 / 355)
	lqDn := (120.0 / 175) / (220.0 / 355)
	type want struct {
		kind, id, name, sector string
		n                      float64
		reasons                []string
	}
	clusters := []want{
		{"point_cluster", "smef:dairy:dc-00", "Nawabganj", "dairy", 70, []string{"smef", "lq"}},
		{"point_cluster", "smef:footwear_leather:fa-00", "Amtali", "footwear_leather", 60, []string{"smef", "lq"}},
		{"point_cluster", "smef:footwear_leather:fb-00", "Nawabganj", "footwear_leather", 55, []string{"smef"}},
	}
	cases := []struct {
		name, query string
		want        []want
	}{
		{"defaults: the point clusters by size; no unit passes LQ ≥ 1.25 without one", "", clusters},
		{"min_lq=1 adds the dairy upazila without GPS points", "?min_lq=1",
			append(clusters[:3:3], want{"admin_unit", "BD100651", "Nawabganj", "dairy", 120, []string{"count", "lq"}})},
		{"one sector", "?sector=footwear_leather", clusters[1:]},
		{"districts as admin-unit candidates", "?sector=dairy&level=district&min_lq=1",
			[]want{clusters[0], {"admin_unit", "BD1006", "Barishal", "dairy", 120, []string{"count", "lq"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := getPotential(t, ts.URL+"/api/clusters/potential"+tc.query)
			if len(a.Candidates) != len(tc.want) {
				t.Fatalf("%d candidates %+v, want %d", len(a.Candidates), a.Candidates, len(tc.want))
			}
			for i, w := range tc.want {
				c := a.Candidates[i]
				n := -1.0
				if c.Size != nil {
					n = float64(*c.Size)
				} else if c.Count != nil {
					n = *c.Count
				}
				if c.Rank != i+1 || c.Kind != w.kind || c.ID != w.id || c.NameEN != w.name || c.Sector != w.sector || n != w.n || !reflect.DeepEqual(c.Reasons, w.reasons) {
					t.Errorf("candidate %d = rank %d %s %s %s %s n=%g reasons %v; want %s %s %s %s n=%g reasons %v",
						i, c.Rank, c.Kind, c.ID, c.NameEN, c.Sector, n, c.Reasons, w.kind, w.id, w.name, w.sector, w.n, w.reasons)
				}
				if len(c.Evidence) == 0 || c.NameBN == "" {
					t.Errorf("candidate %s: evidence %q, name_bn %q", c.ID, c.Evidence, c.NameBN)
				}
				switch c.ID {
				case "smef:footwear_leather:fa-00":
					if !near(c.LQUpazila, lqFa) || !near(c.LQDistrict, lqFa) || c.Upazila != "BD100409" || c.District != "BD1004" {
						t.Errorf("fa: LQ upazila %v district %v in %s %s; want %.4f in both (BD100409, BD1004)", c.LQUpazila, c.LQDistrict, c.Upazila, c.District, lqFa)
					}
				case "BD100651", "BD1006":
					if !near(c.LQDistrict, lqDn) {
						t.Errorf("%s: district LQ %v, want %.4f", c.ID, c.LQDistrict, lqDn)
					}
				}
			}
		})
	}
}
