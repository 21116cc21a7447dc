package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/server"
)

// fullServer serves the grid fixture with enterprises, imports and tokens,
// and returns an editor token.
func fullServer(t *testing.T, mod func(*server.Config)) (*httptest.Server, string) {
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
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	g := &importer.Geocoders{Store: s, Version: s.BoundariesVersion}
	cfg := server.Config{Store: s, Sectors: sectors, Geocoders: g,
		Importer: &importer.Importer{Store: s, Sectors: sectors, Geocoders: g}, StoreName: "embedded"}
	if mod != nil {
		mod(&cfg)
	}
	srv := server.New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close() })
	tok, secret, _ := guccho.NewToken(guccho.RoleEditor, "test")
	if err := s.CreateToken(ctx, tok, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	return ts, secret
}

func do(t *testing.T, method, url, token, contentType string, body io.Reader) response {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

func TestConfigStoreFillsThePartsLeftNil(t *testing.T) {
	ts, _ := fullServer(t, nil)
	var c struct{ Layers []string }
	decode(t, get(t, ts.URL+"/api/config"), &c)
	if got, want := strings.Join(c.Layers, ","), "divisions,districts,upazilas,unions,enterprises"; got != want {
		t.Errorf("layers %s, want %s (enterprises from Config.Store)", got, want)
	}
	if r := get(t, ts.URL+"/healthz"); r.status != http.StatusOK {
		t.Errorf("GET /healthz = %d %s, want 200 (Ping from Config.Store)", r.status, r.body)
	}

	down, _ := fullServer(t, func(c *server.Config) {
		c.Ping = func(context.Context) error { return guccho.Errorf(guccho.EUNAVAILABLE, "database unreachable") }
	})
	if r := get(t, down.URL+"/healthz"); r.status != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz with Config.Ping failing = %d %s, want 503: a part set explicitly wins", r.status, r.body)
	}
}

func TestSectors(t *testing.T) {
	ts, _ := fullServer(t, nil)
	var got struct{ Sectors []guccho.Sector }
	decode(t, get(t, ts.URL+"/api/sectors"), &got)
	if len(got.Sectors) != 9 || got.Sectors[0].NameBN == "" {
		t.Errorf("GET /api/sectors = %+v", got)
	}
}

func TestEnterpriseEditing(t *testing.T) {
	ts, token := fullServer(t, nil)
	body := `{"id":"W1","name":"=HYPERLINK(\"x\")","sector":"Dairy","stated":{"district":"Bhola","upazila":"Nawabganj"}}`
	wantError(t, do(t, "POST", ts.URL+"/api/enterprises", "", "application/json", strings.NewReader(body)), 401, "unauthorized", "token")
	wantError(t, do(t, "POST", ts.URL+"/api/enterprises", "gct_wrong", "application/json", strings.NewReader(body)), 401, "unauthorized", "unknown")

	r := do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(body))
	var e struct {
		ID         string
		Sector     string
		Admin      guccho.AdminCodes
		Geocode    guccho.Geocode
		Display    bool                         `json:"display_point"`
		AdminNames map[string]map[string]string `json:"admin_names"`
	}
	decode(t, r, &e)
	if r.status != 201 || e.Sector != "dairy" || e.Admin.Upazila != "BD100918" || e.Geocode.Method != "upazila" || !e.Display {
		t.Fatalf("POST /api/enterprises = %d %s", r.status, r.body)
	}
	if e.AdminNames["district"]["en"] != "Bhola" || e.AdminNames["district"]["bn"] != "ভোলা" {
		t.Errorf("admin names = %v", e.AdminNames)
	}
	wantError(t, do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(body)), 409, "conflict", "W1")
	wantError(t, do(t, "POST", ts.URL+"/api/enterprises", token, "application/json",
		strings.NewReader(`{"id":"W2","sector":"rockets"}`)), 400, "invalid", `field "sector": unknown sector "rockets"`)
	wantError(t, do(t, "POST", ts.URL+"/api/enterprises", token, "application/json",
		strings.NewReader(`{"id":"W2","name":"W2","sector":"dairy","gps":[190,23]}`)), 400, "invalid", `field "gps"`)
	wantError(t, do(t, "POST", ts.URL+"/api/enterprises", token, "application/json",
		strings.NewReader(`{"id":"W2","sector":"dairy","colour":"red"}`)), 400, "invalid", "colour")

	// Moving it by GPS re-places it.
	r = do(t, "PUT", ts.URL+"/api/enterprises/W1", token, "application/json",
		strings.NewReader(`{"name":"Moved","sector":"dairy","gps":[90.5,22.5]}`))
	decode(t, r, &e)
	if r.status != 200 || e.Geocode.Method != "gps" || e.Admin.Union != "BD10040911" {
		t.Errorf("PUT = %d %s", r.status, r.body)
	}
	wantError(t, do(t, "PUT", ts.URL+"/api/enterprises/NOPE", token, "application/json", strings.NewReader(`{"name":"x","sector":"dairy"}`)), 404, "not_found", "NOPE")

	// CSV export neutralises formulas.
	csv := get(t, ts.URL+"/api/enterprises?format=csv")
	if !bytes.HasPrefix(csv.body, []byte("\ufeff")) || !strings.Contains(string(csv.body), "Moved") {
		t.Errorf("CSV export = %q", csv.body)
	}
	r = do(t, "PUT", ts.URL+"/api/enterprises/W1", token, "application/json", strings.NewReader(`{"name":"=1+1","sector":"dairy"}`))
	if r.status != 200 {
		t.Fatalf("PUT = %d %s", r.status, r.body)
	}
	csv = get(t, ts.URL+"/api/enterprises?format=csv")
	if strings.Contains(string(csv.body), ",=1+1") || !strings.Contains(string(csv.body), "'=1+1") {
		t.Errorf("a formula in the CSV export was not neutralised: %s", csv.body)
	}

	if r := do(t, "DELETE", ts.URL+"/api/enterprises/W1", token, "", nil); r.status != 204 {
		t.Errorf("DELETE = %d %s", r.status, r.body)
	}
	wantError(t, get(t, ts.URL+"/api/enterprises/W1"), 404, "not_found", "W1")
	wantError(t, do(t, "PATCH", ts.URL+"/api/enterprises/W1", token, "", nil), 405, "method_not_allowed", "PATCH")
}

// upload posts a multipart import and returns the response.
func upload(t *testing.T, url, token, filename string, content []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	mw.Close()
	return do(t, "POST", url+"/api/imports", token, mw.FormDataContentType(), &buf)
}

// waitImport polls an import until it ends.
func waitImport(t *testing.T, url, id string) guccho.Import {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var imp guccho.Import
		decode(t, get(t, url+"/api/imports/"+id), &imp)
		if imp.Status != guccho.ImportRunning {
			return imp
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s still running after 30 s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestImportUploadWithoutAnImporter(t *testing.T) {
	ts, token := fullServer(t, func(c *server.Config) { c.Importer = nil })
	wantError(t, upload(t, ts.URL, token, "s.csv", []byte("id,name,sector\nS1,One,dairy\n")), 404, "not_found", "imports are not enabled")
}

func TestImportUpload(t *testing.T) {
	ts, token := fullServer(t, nil)
	survey := []byte("id,name,sector,district,upazila,latitude,longitude\n" +
		"S1,One,dairy,Barguna,Amtali,22.5,90.5\nS2,Two,spaceships,Bhola,,,\nS3,Three,footwear,Bhola,Nawabganj,,\n")
	wantError(t, upload(t, ts.URL, "", "s.csv", survey), 401, "unauthorized", "token")
	r := upload(t, ts.URL, token, "s.csv", survey)
	var started guccho.Import
	decode(t, r, &started)
	if r.status != 202 || started.ID == "" || r.header.Get("Location") != "/api/imports/"+started.ID {
		t.Fatalf("POST /api/imports = %d %s", r.status, r.body)
	}
	imp := waitImport(t, ts.URL, started.ID)
	if imp.Status != guccho.ImportSucceeded || imp.Read != 3 || imp.Created != 2 || imp.Failed != 1 || imp.Methods["gps"] != 1 {
		t.Errorf("report = %+v", imp)
	}
	wantError(t, get(t, ts.URL+"/api/imports/"+imp.ID+"/failures.csv"), 401, "unauthorized", "token")
	f := do(t, "GET", ts.URL+"/api/imports/"+imp.ID+"/failures.csv", token, "", nil)
	if f.status != 200 || !strings.Contains(string(f.body), `2,sector,"unknown sector ""spaceships""`) || !strings.Contains(string(f.body), "Two") {
		t.Errorf("failures.csv = %d %s", f.status, f.body)
	}
	var list struct{ Imports []guccho.Import }
	decode(t, get(t, ts.URL+"/api/imports"), &list)
	if len(list.Imports) != 1 {
		t.Errorf("GET /api/imports lists %d", len(list.Imports))
	}
	var page struct {
		Enterprises []guccho.Enterprise
		NextAfter   *int64 `json:"next_after"`
	}
	decode(t, get(t, ts.URL+"/api/enterprises?limit=1"), &page)
	if len(page.Enterprises) != 1 || page.NextAfter == nil {
		t.Fatalf("first page = %+v", page)
	}
	decode(t, get(t, ts.URL+"/api/enterprises?limit=1&after="+itoa64(*page.NextAfter)), &page)
	if len(page.Enterprises) != 1 || page.Enterprises[0].ID != "S3" {
		t.Errorf("second page = %+v", page)
	}
	var gj struct {
		Type     string
		Features []struct {
			Geometry *struct{ Coordinates []float64 }
		}
	}
	decode(t, get(t, ts.URL+"/api/enterprises?format=geojson&sector=dairy"), &gj)
	if gj.Type != "FeatureCollection" || len(gj.Features) != 1 || gj.Features[0].Geometry.Coordinates[0] != 90.5 {
		t.Errorf("GeoJSON = %+v", gj)
	}
	var st guccho.EnterpriseStats
	decode(t, get(t, ts.URL+"/api/enterprises/stats"), &st)
	if st.Total != 2 || st.BySector["footwear_leather"] != 1 {
		t.Errorf("stats = %+v", st)
	}

	tests := []struct {
		name, file string
		content    []byte
		status     int
		code, msg  string
	}{
		{"an empty file", "empty.csv", nil, 400, "invalid", "empty"},
		{"a header-only file", "h.csv", []byte("id,name,sector\n"), 400, "invalid", "no data rows"},
		{"a truncated XLSX", "t.xlsx", []byte("PK\x03\x04 not really"), 400, "invalid", "XLSX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, upload(t, ts.URL, token, tt.file, tt.content), tt.status, tt.code, tt.msg)
		})
	}
	wantError(t, do(t, "POST", ts.URL+"/api/imports", token, "text/plain", strings.NewReader("x")), 400, "invalid", "multipart")
}

func TestUploadLimit(t *testing.T) {
	ts, token := fullServer(t, func(c *server.Config) { c.MaxUploadBytes = 1 << 20 })
	big := bytes.Repeat([]byte("S1,One,dairy,Barguna\n"), 100_000) // about 2 MB
	wantError(t, upload(t, ts.URL, token, "big.csv", append([]byte("id,name,sector,district\n"), big...)), 413, "too_large", "limit of 1 MB")
}

func TestBadEnterpriseFilters(t *testing.T) {
	ts, _ := fullServer(t, nil)
	tests := []struct{ query, msg string }{
		{"sector=rockets", "parameter sector"},
		{"admin=Dhaka", "parameter admin"},
		{"bbox=1,2,3", "parameter bbox"},
		{"bbox=92,22,90,24", "parameter bbox"},
		{"method=magic", "parameter method"},
		{"after=-4", "parameter after"},
		{"limit=0", "parameter limit"},
		{"limit=5000", "parameter limit"},
		{"format=xml", "parameter format"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/enterprises?"+tt.query), 400, "invalid", tt.msg)
		})
	}
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestEnterpriseTilesFilterBySector(t *testing.T) {
	ts, token := fullServer(t, nil)
	for _, b := range []string{`{"id":"D1","name":"D1","sector":"dairy","gps":[90.5,22.5]}`, `{"id":"F1","name":"F1","sector":"footwear","gps":[90.51,22.51]}`} {
		if r := do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(b)); r.status != 201 {
			t.Fatalf("POST = %d %s", r.status, r.body)
		}
	}
	count := func(query string) int {
		r := get(t, ts.URL+"/tiles/enterprises/0/0/0.mvt"+query)
		if r.status == 204 {
			return 0
		}
		layers, err := mvt.Unmarshal(r.body)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range layers[0].Features {
			n += int(f.Properties["count"].(float64))
		}
		return n
	}
	if all, dairy, none := count(""), count("?sector=dairy"), count("?sector=eco_tourism"); all != 2 || dairy != 1 || none != 0 {
		t.Errorf("z0 counts: all %d, dairy %d, eco-tourism %d; want 2, 1, 0", all, dairy, none)
	}
	wantError(t, get(t, ts.URL+"/tiles/enterprises/0/0/0.mvt?sector=rockets"), 400, "invalid", "parameter sector")
}

// TestEditsRefreshCachedTiles: an edit drops exactly the cached enterprise
// tiles it touched (through the event log and the hub), so the next request
// gets fresh bytes while other tiles stay cached.
func TestEditsRefreshCachedTiles(t *testing.T) {
	ts, token := fullServer(t, nil)
	if r := do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(`{"id":"D1","name":"D1","sector":"dairy","gps":[90.5,22.5]}`)); r.status != 201 {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	tileURL := ts.URL + "/tiles/enterprises/0/0/0.mvt"
	countAt := func() int {
		r := get(t, tileURL)
		if r.status != 200 {
			return 0
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("Cache-Control %q for a live layer, want no-cache", cc)
		}
		layers, _ := mvt.Unmarshal(r.body)
		n := 0
		for _, f := range layers[0].Features {
			n += int(f.Properties["count"].(float64))
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for countAt() != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if r := do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(`{"id":"D2","name":"D2","sector":"dairy","gps":[91.5,23.5]}`)); r.status != 201 {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	for n := countAt(); n != 2; n = countAt() {
		if time.Now().After(deadline) {
			t.Fatalf("the z0 tile still counts %d enterprises 10 s after the second was added", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExportsOutliveTheRequestTimeout: API requests carry the request
// deadline, but whole exports run as long as the data takes.
func TestExportsOutliveTheRequestTimeout(t *testing.T) {
	ts, _ := fullServer(t, func(c *server.Config) { c.RequestTimeout = time.Nanosecond })
	if r := get(t, ts.URL+"/api/enterprises"); r.status == 200 {
		t.Errorf("a JSON page with a 1 ns deadline answered 200")
	}
	for _, q := range []string{"format=csv", "format=geojson"} {
		if r := get(t, ts.URL+"/api/enterprises?"+q); r.status != 200 {
			t.Errorf("export %s with a 1 ns request deadline = %d %s, want 200", q, r.status, r.body)
		}
	}
}
