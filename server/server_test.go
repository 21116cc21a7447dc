package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/tiles"
)

// newServer serves the grid fixture of bdtest from a fresh embedded store.
func newServer(t *testing.T, mod func(*server.Config)) (*httptest.Server, *embedded.Store) {
	t.Helper()
	s, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Geo: s, Tiles: s, DataVersion: s.DataVersion, StoreName: "embedded"}
	if mod != nil {
		mod(&cfg)
	}
	ts := httptest.NewServer(server.New(cfg))
	t.Cleanup(ts.Close)
	return ts, s
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url string, header ...string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// Ask for no transparent decompression, to see what the server sends.
	tr := &http.Transport{DisableCompression: true}
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, body}
}

func decode(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
}

// wantError checks an error answer: status, JSON shape, code and a message
// that mentions want.
func wantError(t *testing.T, r response, status int, code, want string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	decode(t, r, &e)
	if e.Error.Code != code {
		t.Errorf("error code = %q, want %q", e.Error.Code, code)
	}
	if !strings.Contains(e.Error.Message, want) {
		t.Errorf("error message = %q, want it to mention %q", e.Error.Message, want)
	}
}

func TestHealth(t *testing.T) {
	ts, _ := newServer(t, nil)
	r := get(t, ts.URL+"/healthz")
	var h struct {
		Status string
		Store  string
		Units  map[string]int
	}
	decode(t, r, &h)
	if r.status != 200 || h.Status != "ok" || h.Store != "embedded" || h.Units["union"] != 9 || h.Units["district"] != 3 {
		t.Errorf("GET /healthz = %d %s", r.status, r.body)
	}

	down, _ := newServer(t, func(c *server.Config) {
		c.Ping = func(context.Context) error {
			return guccho.WrapError(errors.New("connection refused"), guccho.EUNAVAILABLE, "database unreachable")
		}
	})
	r = get(t, down.URL+"/healthz")
	if r.status != 503 || !strings.Contains(string(r.body), "database unreachable") {
		t.Errorf("GET /healthz with the database down = %d %s, want 503 naming the problem", r.status, r.body)
	}
}

func TestAdmin(t *testing.T) {
	ts, _ := newServer(t, nil)
	r := get(t, ts.URL+"/api/admin/BD100651")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var a struct {
		PCode, LevelName, NameEN, NameBN, NameENCodab, Parent, Type string
		Level, ChildrenCount                                        int
		FeatureID                                                   uint64
		Parents                                                     []struct {
			PCode  string
			NameEN string `json:"name_en"`
		}
		BBox  [4]float64
		Label [2]float64
	}
	decode(t, r, &a)
	json.Unmarshal(r.body, &struct {
		LevelName     *string `json:"level_name"`
		NameEN        *string `json:"name_en"`
		NameBN        *string `json:"name_bn"`
		ChildrenCount *int    `json:"children_count"`
		FeatureID     *uint64 `json:"feature_id"`
	}{&a.LevelName, &a.NameEN, &a.NameBN, &a.ChildrenCount, &a.FeatureID})
	if a.PCode != "BD100651" || a.Level != 3 || a.LevelName != "upazila" || a.NameEN != "Nawabganj" || a.NameBN != "নবাবগঞ্জ" ||
		a.Parent != "BD1006" || a.ChildrenCount != 3 || a.FeatureID != 300100651 || a.Type != "upazila" {
		t.Errorf("GET /api/admin/BD100651 = %s", r.body)
	}
	if len(a.Parents) != 2 || a.Parents[0].PCode != "BD10" || a.Parents[1].PCode != "BD1006" || a.Parents[1].NameEN != "Barishal" {
		t.Errorf("parents = %+v, want BD10 then BD1006 (Barishal)", a.Parents)
	}
	if a.BBox != [4]float64{91, 22, 92, 25} {
		t.Errorf("bbox = %v, want [91 22 92 25]", a.BBox)
	}

	t.Run("lower-case P-code", func(t *testing.T) {
		if r := get(t, ts.URL+"/api/admin/bd10"); r.status != 200 {
			t.Errorf("GET /api/admin/bd10 = %d", r.status)
		}
	})
	t.Run("unknown P-code", func(t *testing.T) {
		wantError(t, get(t, ts.URL+"/api/admin/BD99"), 404, "not_found", "BD99")
	})
	t.Run("malformed P-code", func(t *testing.T) {
		wantError(t, get(t, ts.URL+"/api/admin/Dhaka"), 400, "invalid", "parameter pcode")
	})
}

func TestReverse(t *testing.T) {
	ts, _ := newServer(t, nil)
	r := get(t, ts.URL+"/api/reverse?lon=91.5&lat=23.5")
	var got struct {
		Units []struct {
			PCode     string
			LevelName string `json:"level_name"`
		}
	}
	decode(t, r, &got)
	var codes []string
	for _, u := range got.Units {
		codes = append(codes, u.PCode+":"+u.LevelName)
	}
	if want := "BD10:division BD1006:district BD100651:upazila BD10065113:union"; r.status != 200 || strings.Join(codes, " ") != want {
		t.Errorf("GET /api/reverse = %d %v, want %s", r.status, codes, want)
	}
	tests := []struct {
		name, query string
		status      int
		code, msg   string
	}{
		{"outside every unit", "lon=88.5&lat=23.5", 404, "not_found", "outside Bangladesh"},
		{"missing lat", "lon=90.5", 400, "invalid", "parameter lat: missing"},
		{"lon not a number", "lon=east&lat=23", 400, "invalid", `parameter lon: "east" is not a number`},
		{"lon out of range", "lon=190&lat=23", 400, "invalid", "parameter lon"},
		{"lat not finite", "lon=90&lat=NaN", 400, "invalid", "parameter lat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/reverse?"+tt.query), tt.status, tt.code, tt.msg)
		})
	}
}

func TestGeocode(t *testing.T) {
	ts, _ := newServer(t, nil)
	r := get(t, ts.URL+"/api/geocode?q=Nawabganj")
	var got struct {
		Query   string
		Results []struct {
			PCode   string
			Matched string
			Kind    string
			Parents []struct {
				PCode  string
				NameEN string `json:"name_en"`
			}
			BBox [4]float64
		}
	}
	decode(t, r, &got)
	if r.status != 200 || len(got.Results) < 2 {
		t.Fatalf("GET /api/geocode?q=Nawabganj = %d %s", r.status, r.body)
	}
	var withDistricts []string
	for _, res := range got.Results[:2] {
		if len(res.Parents) != 2 {
			t.Errorf("%s: parents %+v, want division and district", res.PCode, res.Parents)
			continue
		}
		withDistricts = append(withDistricts, res.PCode+" in "+res.Parents[1].NameEN)
	}
	if want := "BD100651 in Barishal, BD100918 in Bhola"; strings.Join(withDistricts, ", ") != want {
		t.Errorf("Nawabganj results = %v, want %s", withDistricts, want)
	}
	r = get(t, ts.URL+"/api/geocode?q="+"%E0%A6%AC%E0%A6%B0%E0%A6%BF%E0%A6%B6%E0%A6%BE%E0%A6%B2") // বরিশাল
	decode(t, r, &got)
	if len(got.Results) == 0 || got.Results[0].PCode != "BD10" {
		t.Errorf("Bangla query: %s", r.body)
	}
	tests := []struct {
		name, query string
		msg         string
	}{
		{"no query", "", "parameter q"},
		{"blank query", "q=%20%20", "parameter q"},
		{"limit zero", "q=Bhola&limit=0", "parameter limit"},
		{"limit too large", "q=Bhola&limit=500", "parameter limit"},
		{"unknown level", "q=Bhola&level=village", "parameter level"},
		{"malformed within", "q=Bhola&within=Dhaka", "parameter within"},
		{"very long query", "q=" + strings.Repeat("a", 300), "parameter q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/geocode?"+tt.query), 400, "invalid", tt.msg)
		})
	}
}

func TestTileJSON(t *testing.T) {
	ts, s := newServer(t, nil)
	r := get(t, ts.URL+"/tiles/unions.json")
	var tj struct {
		TileJSON     string `json:"tilejson"`
		Tiles        []string
		MinZoom      int
		MaxZoom      int
		Bounds       [4]float64
		VectorLayers []struct{ ID string } `json:"vector_layers"`
	}
	decode(t, r, &tj)
	wantURL := ts.URL + "/tiles/unions/{z}/{x}/{y}.mvt?v=" + s.BoundariesVersion()
	if r.status != 200 || tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != wantURL {
		t.Errorf("GET /tiles/unions.json = %d %s, want tiles [%s]", r.status, r.body, wantURL)
	}
	if tj.Bounds != [4]float64{90, 22, 93, 25} || len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "unions" {
		t.Errorf("bounds %v, vector layers %v", tj.Bounds, tj.VectorLayers)
	}
	wantError(t, get(t, ts.URL+"/tiles/rivers.json"), 404, "not_found", `no tile layer "rivers"`)
}

func TestTiles(t *testing.T) {
	ts, s := newServer(t, nil)
	url := ts.URL + "/tiles/unions/7/96/55.mvt"
	r := get(t, url, "Accept-Encoding", "gzip")
	if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" || r.header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("GET %s = %d %v", url, r.status, r.header)
	}
	layers, err := mvt.UnmarshalGzipped(r.body)
	if err != nil || len(layers) != 1 || layers[0].Name != "unions" || len(layers[0].Features) != 9 {
		t.Fatalf("tile decodes to %v, %v; want 9 unions", layers, err)
	}
	etag := r.header.Get("ETag")
	if etag == "" || !strings.Contains(r.header.Get("Cache-Control"), "max-age") {
		t.Errorf("ETag %q, Cache-Control %q", etag, r.header.Get("Cache-Control"))
	}

	t.Run("without gzip", func(t *testing.T) {
		r := get(t, url)
		if r.header.Get("Content-Encoding") != "" {
			t.Errorf("Content-Encoding %q for a client that does not accept gzip", r.header.Get("Content-Encoding"))
		}
		if ls, err := mvt.Unmarshal(r.body); err != nil || len(ls[0].Features) != 9 {
			t.Errorf("plain tile: %v", err)
		}
		if r.header.Get("ETag") != etag {
			t.Errorf("ETag differs by encoding: %q vs %q", r.header.Get("ETag"), etag)
		}
	})
	t.Run("revalidation", func(t *testing.T) {
		if r := get(t, url, "If-None-Match", etag); r.status != 304 || len(r.body) != 0 {
			t.Errorf("If-None-Match with the current ETag = %d, want 304", r.status)
		}
		if r := get(t, url, "If-None-Match", `"0000000000000000"`); r.status != 200 {
			t.Errorf("If-None-Match with another ETag = %d, want 200", r.status)
		}
	})
	t.Run("versioned URLs are immutable", func(t *testing.T) {
		r := get(t, url+"?v="+s.BoundariesVersion())
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q for the current version, want immutable", cc)
		}
		r = get(t, url+"?v=old")
		if cc := r.header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q for an old version, want revalidation", cc)
		}
	})
	t.Run("a re-import changes the tiles' ETag version key", func(t *testing.T) {
		v := s.BoundariesVersion()
		if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
			t.Fatal(err)
		}
		if s.BoundariesVersion() == v {
			t.Fatal("version unchanged")
		}
		if r := get(t, url, "Accept-Encoding", "gzip"); r.status != 200 {
			t.Errorf("after re-import: %d", r.status)
		}
	})
	t.Run("empty tile", func(t *testing.T) {
		if r := get(t, ts.URL+"/tiles/unions/7/0/0.mvt"); r.status != 204 || len(r.body) != 0 {
			t.Errorf("a tile away from the data = %d (%d bytes), want 204", r.status, len(r.body))
		}
	})
	t.Run("below the layer's minimum zoom", func(t *testing.T) {
		if r := get(t, ts.URL+"/tiles/unions/2/3/1.mvt"); r.status != 204 {
			t.Errorf("unions at z2 = %d, want 204", r.status)
		}
	})
	tests := []struct {
		name, path string
		status     int
		code, msg  string
	}{
		{"x out of range", "/tiles/unions/3/9/1.mvt", 400, "invalid", "x=9 out of range for z=3"},
		{"y out of range", "/tiles/unions/3/1/8.mvt", 400, "invalid", "y=8"},
		{"zoom too deep", "/tiles/unions/30/1/1.mvt", 400, "invalid", "z=30"},
		{"negative zoom", "/tiles/unions/-1/0/0.mvt", 400, "invalid", "z"},
		{"x not a number", "/tiles/unions/3/a/1.mvt", 400, "invalid", "x"},
		{"unknown layer", "/tiles/rivers/3/1/1.mvt", 404, "not_found", `no tile layer "rivers"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+tt.path), tt.status, tt.code, tt.msg)
		})
	}
}

// gatedTiles holds every tile load until release is closed, and fails a
// load whose context ends first, as a database query would.
type gatedTiles struct {
	tiles.Source
	started chan struct{} // closed when the first load begins
	once    sync.Once
	release chan struct{}
}

func (g *gatedTiles) Tile(ctx context.Context, r tiles.Request) ([]byte, error) {
	g.once.Do(func() { close(g.started) })
	select {
	case <-g.release:
		return g.Source.Tile(ctx, r)
	case <-ctx.Done():
		return nil, guccho.WrapError(ctx.Err(), guccho.EUNAVAILABLE, "tile load cancelled")
	}
}

// TestTileLoadOutlivesTheClientThatStartedIt: concurrent requests for one
// tile share one load; the client that started it going away must not fail
// the others.
func TestTileLoadOutlivesTheClientThatStartedIt(t *testing.T) {
	s, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	gate := &gatedTiles{Source: s, started: make(chan struct{}), release: make(chan struct{})}
	h := server.New(server.Config{Geo: s, Tiles: gate, DataVersion: s.DataVersion})
	firstDone := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		if r.Header.Get("X-Caller") == "first" {
			close(firstDone)
		}
	}))
	t.Cleanup(ts.Close)
	url := ts.URL + "/tiles/unions/7/96/55.mvt"

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("X-Caller", "first")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	<-gate.started
	second := make(chan response)
	go func() { second <- get(t, url) }()
	time.Sleep(100 * time.Millisecond) // let the second request join the load
	cancel()
	<-firstDone
	close(gate.release)
	if r := <-second; r.status != 200 {
		t.Errorf("second request after the first client left = %d %s, want 200", r.status, r.body)
	}
}

func TestRoutingErrors(t *testing.T) {
	ts, _ := newServer(t, nil)
	wantError(t, get(t, ts.URL+"/api/nothing-here"), 404, "not_found", "/api/nothing-here")
	res, err := http.Post(ts.URL+"/api/admin/BD10", "application/json", bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	wantError(t, response{res.StatusCode, res.Header, body}, 405, "method_not_allowed", "POST")
}

func TestConfig(t *testing.T) {
	ts, _ := newServer(t, func(c *server.Config) { c.BasemapStyleURL = "https://tiles.example.org/style.json" })
	var c struct {
		Basemap string   `json:"basemap_style_url"`
		Layers  []string `json:"layers"`
	}
	decode(t, get(t, ts.URL+"/api/config"), &c)
	if c.Basemap != "https://tiles.example.org/style.json" || strings.Join(c.Layers, ",") != "divisions,districts,upazilas,unions" {
		t.Errorf("GET /api/config = %+v", c)
	}
}

func TestApp(t *testing.T) {
	app := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>Guccho</title>")},
		"assets/app-1234.js": {Data: []byte("console.log('hi')")},
	}
	ts, _ := newServer(t, func(c *server.Config) { c.App = app })
	if r := get(t, ts.URL+"/"); r.status != 200 || !strings.Contains(string(r.body), "<title>Guccho") {
		t.Errorf("GET / = %d %s", r.status, r.body)
	}
	r := get(t, ts.URL+"/assets/app-1234.js")
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "javascript") || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET an asset = %d %v", r.status, r.header)
	}
	if r := get(t, ts.URL+"/some/view"); r.status != 200 || !strings.Contains(string(r.body), "<title>Guccho") {
		t.Errorf("a client-side route = %d, want index.html", r.status)
	}
	wantError(t, get(t, ts.URL+"/assets/missing.js"), 404, "not_found", "missing.js")

	bare, _ := newServer(t, nil)
	if r := get(t, bare.URL+"/"); r.status != 200 || !strings.Contains(string(r.body), "make build") {
		t.Errorf("GET / without a built app = %d %s, want a page saying how to build it", r.status, r.body)
	}
}
