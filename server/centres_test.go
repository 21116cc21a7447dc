package server_test

import (
	"bytes"
	"math"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/guccho/guccho/cluster"
)

// centreFC is the answer of GET /api/centres.
type centreFC struct {
	Type     string          `json:"type"`
	Features []centreFeature `json:"features"`
}

type centreFeature struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Geometry struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		ID        string   `json:"id"`
		NameEN    string   `json:"name_en"`
		NameBN    string   `json:"name_bn"`
		Sector    string   `json:"sector"`
		Services  []string `json:"services"`
		Operator  string   `json:"operator"`
		Adm1      string   `json:"adm1_pcode"`
		Adm2      string   `json:"adm2_pcode"`
		Adm3      string   `json:"adm3_pcode"`
		Adm4      string   `json:"adm4_pcode"`
		Synthetic bool     `json:"synthetic"`
	} `json:"properties"`
}

func decodeCentre(t *testing.T, r response) centreFeature {
	t.Helper()
	var f centreFeature
	decode(t, r, &f)
	return f
}

func centreIDsOf(t *testing.T, r response) []string {
	t.Helper()
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("status %d, type %q, body %s; want 200 GeoJSON", r.status, r.header.Get("Content-Type"), r.body)
	}
	var fc centreFC
	decode(t, r, &fc)
	ids := []string{}
	for _, f := range fc.Features {
		if f.ID != f.Properties.ID && f.Properties.ID != "" {
			t.Errorf("feature id %q, property id %q", f.ID, f.Properties.ID)
		}
		ids = append(ids, f.ID)
	}
	if fc.Type != "FeatureCollection" {
		t.Errorf("type %q, want FeatureCollection", fc.Type)
	}
	return ids
}

func TestCentresCRUD(t *testing.T) {
	ts, token := fullServer(t, nil)
	api := ts.URL + "/api/centres"
	body := `{"id":"csc-1","name_en":"Amtali Footwear CSC","name_bn":"আমতলী পাদুকা সিএসসি","sector":"footwear",
		"services":["shared machines"],"operator":"SEP","lon":90.5,"lat":22.5,"attributes":{"phone":"0170"}}`

	wantError(t, do(t, http.MethodPost, api, "", "application/json", strings.NewReader(body)), http.StatusUnauthorized, "unauthorized", "editor")
	r := do(t, http.MethodPost, api, token, "application/json", strings.NewReader(body))
	if r.status != http.StatusCreated || r.header.Get("Location") != "/api/centres/csc-1" {
		t.Fatalf("POST: %d %s, location %q", r.status, r.body, r.header.Get("Location"))
	}
	f := decodeCentre(t, get(t, api+"/csc-1"))
	if f.Type != "Feature" || f.ID != "csc-1" || f.Geometry.Type != "Point" || f.Geometry.Coordinates != [2]float64{90.5, 22.5} ||
		f.Properties.Sector != "footwear_leather" || f.Properties.Adm4 != "BD10040911" || f.Properties.Adm1 != "BD10" ||
		f.Properties.NameBN != "আমতলী পাদুকা সিএসসি" || !slices.Equal(f.Properties.Services, []string{"shared machines"}) || f.Properties.Synthetic {
		t.Errorf("GET csc-1 = %+v", f)
	}
	wantError(t, do(t, http.MethodPost, api, token, "application/json", strings.NewReader(body)), http.StatusConflict, "conflict", "csc-1")

	// Without an id, one is derived; without a sector it serves every sector.
	r = do(t, http.MethodPost, api, token, "", strings.NewReader(`{"name_en":"Bhola Dairy CSC","lon":92.5,"lat":24.5}`))
	if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Location"), "/api/centres/c-") {
		t.Fatalf("POST without id: %d %s", r.status, r.body)
	}
	if got := centreIDsOf(t, get(t, api+"?sector=dairy")); len(got) != 1 || !strings.HasPrefix(got[0], "c-") {
		t.Errorf("?sector=dairy = %v, want the centre for every sector", got)
	}
	if got := centreIDsOf(t, get(t, api+"?sector=footwear_leather&admin=BD1004&bbox=90,22,91,23")); !slices.Equal(got, []string{"csc-1"}) {
		t.Errorf("filtered = %v, want [csc-1]", got)
	}

	r = do(t, http.MethodPut, api+"/csc-1", token, "", strings.NewReader(`{"name_en":"Amtali CSC","services":[],"lon":91.5,"lat":23.5}`))
	if r.status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	if f := decodeCentre(t, get(t, api+"/csc-1")); f.Properties.Adm4 != "BD10065113" || f.Properties.Sector != "" || len(f.Properties.Services) != 0 {
		t.Errorf("after PUT: %+v; want moved to BD10065113, every sector, no services", f)
	}
	wantError(t, do(t, http.MethodPut, api+"/csc-1", token, "", strings.NewReader(`{"id":"other","name_en":"X","lon":91.5,"lat":23.5}`)),
		http.StatusBadRequest, "invalid", `field "id"`)
	wantError(t, do(t, http.MethodPut, api+"/nope", token, "", strings.NewReader(`{"name_en":"X","lon":91.5,"lat":23.5}`)), http.StatusNotFound, "not_found", "nope")

	if r := do(t, http.MethodDelete, api+"/csc-1", token, "", nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	wantError(t, get(t, api+"/csc-1"), http.StatusNotFound, "not_found", "csc-1")
	wantError(t, do(t, http.MethodDelete, api+"/csc-1", token, "", nil), http.StatusNotFound, "not_found", "csc-1")
}

func TestCentresRefuseBadInput(t *testing.T) {
	ts, token := fullServer(t, nil)
	api := ts.URL + "/api/centres"
	tests := []struct {
		name, body, want string
	}{
		{"unknown sector", `{"name_en":"X","sector":"plastics","lon":90.5,"lat":22.5}`, `field "sector"`},
		{"no point", `{"name_en":"X"}`, `"lon" and "lat"`},
		{"not a latitude", `{"name_en":"X","lon":90.5,"lat":122.5}`, `"lon" and "lat"`},
		{"outside Bangladesh", `{"name_en":"Kolkata","lon":88.36,"lat":22.57}`, "outside Bangladesh"},
		{"no name", `{"lon":90.5,"lat":22.5}`, `field "name_en"`},
		{"unknown field", `{"name_en":"X","lon":90.5,"lat":22.5,"colour":"red"}`, "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, do(t, http.MethodPost, api, token, "", strings.NewReader(tt.body)), http.StatusBadRequest, "invalid", tt.want)
		})
	}
	for _, q := range []string{"sector=plastics", "sector=dairy,footwear", "admin=Dhaka", "bbox=1,2,3", "limit=5"} {
		wantError(t, get(t, api+"?"+q), http.StatusBadRequest, "invalid", "parameter "+strings.SplitN(q, "=", 2)[0])
	}
}

// uploadCentres posts a centres file as multipart/form-data field "file".
func uploadCentres(t *testing.T, url, token, filename, content string) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write([]byte(content))
	mw.Close()
	return do(t, http.MethodPost, url+"/api/centres/import", token, mw.FormDataContentType(), &buf)
}

func TestCentresImport(t *testing.T) {
	ts, token := fullServer(t, nil)
	api := ts.URL + "/api/centres"
	good := "id,name,sector,services,lon,lat\na,Amtali CSC,dairy,chilling;testing,90.5,22.5\nb,Bhola CSC,,,92.5,24.5\n"

	wantError(t, uploadCentres(t, ts.URL, "", "c.csv", good), http.StatusUnauthorized, "unauthorized", "editor")

	bad := "id,name,sector,lon,lat\na,Amtali CSC,dairy,90.5,22.5\nb,,,92.5,24.5\nc,Shoes,plastics,92.5,24.5\n"
	r := uploadCentres(t, ts.URL, token, "c.csv", bad)
	var answer struct {
		Error struct{ Code, Message string }
		Rows  []struct {
			Row           int
			Field, Reason string
		}
	}
	decode(t, r, &answer)
	if r.status != http.StatusBadRequest || answer.Error.Code != "invalid" || len(answer.Rows) != 2 ||
		answer.Rows[0].Row != 2 || answer.Rows[0].Field != "name" || answer.Rows[1].Row != 3 || answer.Rows[1].Field != "sector" {
		t.Errorf("import of a file with two bad rows: %d %s", r.status, r.body)
	}
	// Read well, but row 2 lies outside the boundaries (here, the grid).
	outside := "id,name,lon,lat\na,Amtali CSC,90.5,22.5\nz,Jashore CSC,89.2,23.2\n"
	wantError(t, uploadCentres(t, ts.URL, token, "c.csv", outside), http.StatusBadRequest, "invalid", "row 2")
	if got := centreIDsOf(t, get(t, api)); len(got) != 0 {
		t.Fatalf("after refused imports the centres are %v, want none", got)
	}

	r = uploadCentres(t, ts.URL, token, "c.csv", good)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"created":2`) {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	geojson := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[91.5,23.5]},"properties":{"id":"a","name":"Moved CSC"}}]}`
	r = uploadCentres(t, ts.URL, token, "c.geojson", geojson)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"updated":1`) {
		t.Fatalf("re-import: %d %s", r.status, r.body)
	}
	if f := decodeCentre(t, get(t, api+"/a")); f.Properties.NameEN != "Moved CSC" || f.Properties.Adm4 != "BD10065113" {
		t.Errorf("after the GeoJSON import a = %+v", f)
	}
	if got := centreIDsOf(t, get(t, api)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("centres = %v, want [a b]", got)
	}
}

func TestProfileNamesTheNearestCentre(t *testing.T) {
	ts, token := fullServer(t, nil)
	var p struct {
		NearestCentre *struct {
			ID        string  `json:"id"`
			DistanceM float64 `json:"distance_m"`
		} `json:"nearest_centre"`
	}
	r := get(t, ts.URL+"/api/profile/BD1004")
	decode(t, r, &p)
	if r.status != http.StatusOK || p.NearestCentre != nil || !strings.Contains(string(r.body), `"nearest_centre":null`) {
		t.Fatalf("profile without centres: %d %s; want nearest_centre null", r.status, r.body)
	}
	for _, c := range []string{
		`{"id":"near","name_en":"Near","lon":91.5,"lat":23.5}`,
		`{"id":"far","name_en":"Far","lon":92.9,"lat":24.9}`,
	} {
		if r := do(t, http.MethodPost, ts.URL+"/api/centres", token, "", strings.NewReader(c)); r.status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", c, r.status, r.body)
		}
	}
	var unit struct{ Label [2]float64 }
	decode(t, get(t, ts.URL+"/api/admin/BD1004"), &unit)
	decode(t, get(t, ts.URL+"/api/profile/BD1004"), &p)
	want := math.Round(cluster.Distance(unit.Label[0], unit.Label[1], 91.5, 23.5))
	if p.NearestCentre == nil || p.NearestCentre.ID != "near" || math.Abs(p.NearestCentre.DistanceM-want) > 1 {
		t.Errorf("nearest centre of BD1004 = %+v, want near at %.0f m from the label point %v", p.NearestCentre, want, unit.Label)
	}
}
