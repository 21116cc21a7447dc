package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/server"
)

// failingStore answers FindEnterprises and FindImportFailures with n copies
// of its first result and then fails as the database would;
// FindImportFailures fails only from call number failFrom on (counted in
// calls).
type failingStore struct {
	guccho.EnterpriseStore
	n        int
	calls    *atomic.Int32
	failFrom int32
}

var errDown = guccho.Errorf(guccho.EUNAVAILABLE, "the database does not answer")

func (s failingStore) FindEnterprises(ctx context.Context, f guccho.EnterpriseFilter, fn func(*guccho.Enterprise) error) error {
	var first *guccho.Enterprise
	f.Limit = 1
	if err := s.EnterpriseStore.FindEnterprises(ctx, f, func(e *guccho.Enterprise) error { first = e; return nil }); err != nil {
		return err
	}
	for i := 0; i < s.n && first != nil; i++ {
		if err := fn(first); err != nil {
			return err
		}
	}
	return errDown
}

func (s failingStore) FindImportFailures(ctx context.Context, id string, fn func(guccho.RowError) error) error {
	if s.calls.Add(1) < s.failFrom {
		return s.EnterpriseStore.FindImportFailures(ctx, id, fn)
	}
	for i := 0; i < s.n; i++ {
		if err := fn(guccho.RowError{Row: i + 1, Field: "sector", Reason: "unknown sector", Values: map[string]string{"name": "x"}}); err != nil {
			return err
		}
	}
	return errDown
}

func createEnterprise(t *testing.T, url, token, body string) response {
	t.Helper()
	return do(t, "POST", url+"/api/enterprises", token, "application/json", strings.NewReader(body))
}

func TestFailedExportsDoNotLookComplete(t *testing.T) {
	for _, format := range []string{"csv", "geojson"} {
		t.Run(format+" failing before the first byte answers 503", func(t *testing.T) {
			ts, _ := fullServer(t, func(c *server.Config) { c.Enterprises = failingStore{EnterpriseStore: c.Store} })
			r := get(t, ts.URL+"/api/enterprises?format="+format)
			wantError(t, r, 503, "unavailable", "database")
			if r.header.Get("Content-Disposition") != "" {
				t.Errorf("an error answer has Content-Disposition %q", r.header.Get("Content-Disposition"))
			}
		})
		t.Run(format+" failing after the first byte aborts the body", func(t *testing.T) {
			ts, token := fullServer(t, func(c *server.Config) { c.Enterprises = failingStore{EnterpriseStore: c.Store, n: 2000} })
			if r := createEnterprise(t, ts.URL, token, `{"id":"W1","name":"One","sector":"dairy","gps":[90.5,22.5]}`); r.status != 201 {
				t.Fatalf("POST = %d %s", r.status, r.body)
			}
			res, err := http.Get(ts.URL + "/api/enterprises?format=" + format)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			n, err := io.Copy(io.Discard, res.Body)
			if err == nil {
				t.Errorf("read %d bytes of a failed export without an error; want the body aborted", n)
			}
		})
	}
	failures := func(t *testing.T, n int, failFrom int32) *http.Response {
		ts, token := fullServer(t, func(c *server.Config) {
			c.Enterprises = failingStore{EnterpriseStore: c.Store, n: n, calls: new(atomic.Int32), failFrom: failFrom}
		})
		r := upload(t, ts.URL, token, "s.csv", []byte("id,name,sector\nS1,One,spaceships\n"))
		var started guccho.Import
		decode(t, r, &started)
		waitImport(t, ts.URL, started.ID)
		req, _ := http.NewRequest("GET", ts.URL+"/api/imports/"+started.ID+"/failures.csv", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	t.Run("failures.csv failing before the first byte answers 503", func(t *testing.T) {
		if res := failures(t, 0, 1); res.StatusCode != 503 {
			t.Errorf("status %d, want 503", res.StatusCode)
		}
	})
	t.Run("failures.csv failing after the first byte aborts the body", func(t *testing.T) {
		res := failures(t, 5000, 2)
		if n, err := io.Copy(io.Discard, res.Body); err == nil {
			t.Errorf("read %d bytes of a failed export without an error; want the body aborted", n)
		}
	})
}

func TestExportWithRepeatedFilterValues(t *testing.T) {
	ts, token := fullServer(t, nil)
	if r := createEnterprise(t, ts.URL, token, `{"id":"W1","name":"One","sector":"dairy","gps":[90.5,22.5]}`); r.status != 201 {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	many := strings.TrimSuffix(strings.Repeat("gps,", 33000), ",")
	csv := get(t, ts.URL+"/api/enterprises?format=csv&method="+many)
	if csv.status != 200 || !strings.Contains(string(csv.body), "W1,One") {
		t.Errorf("CSV export with 33,000 repeated methods = %d %.200s", csv.status, csv.body)
	}
	if r := get(t, ts.URL+"/api/enterprises?method="+many); r.status != 200 || !strings.Contains(string(r.body), `"W1"`) {
		t.Errorf("JSON with 33,000 repeated methods = %d %.200s", r.status, r.body)
	}
	if r := get(t, ts.URL+"/tiles/enterprises/0/0/0.mvt?sector="+strings.TrimSuffix(strings.Repeat("dairy,", 32000), ",")); r.status != 200 {
		t.Errorf("a tile with 32,000 repeated sectors = %d %.200s", r.status, r.body)
	}
}

func TestEnterpriseInputLimits(t *testing.T) {
	ts, token := fullServer(t, nil)
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"a 500 KB name", `{"name":"` + strings.Repeat("n", 500<<10) + `","sector":"dairy"}`, 400, `field "name": 512000 bytes is longer than the limit of 1000 bytes`},
		{"an empty name", `{"name":" ","sector":"dairy"}`, 400, `field "name": empty`},
		{"a NUL in the name", `{"name":"a\u0000b","sector":"dairy"}`, 400, "control character U+0000"},
		{"the id a/b", `{"id":"a/b","name":"x","sector":"dairy"}`, 400, `field "id"`},
		{"the id stats", `{"id":"stats","name":"x","sector":"dairy"}`, 400, `reserved`},
		{"the id ../../x", `{"id":"../../x","name":"x","sector":"dairy"}`, 400, `field "id"`},
		{"trailing garbage", `{"name":"x","sector":"dairy"} garbage`, 400, "request body"},
		{"a second value", `{"name":"x","sector":"dairy"}{}`, 400, "after the JSON value"},
		{"gps with three numbers", `{"name":"x","sector":"dairy","gps":[90,23,5]}`, 400, `field "gps": 3 numbers`},
		{"gps with one number", `{"name":"x","sector":"dairy","gps":[90]}`, 400, `field "gps": 1 numbers`},
		{"a body over 1 MB", `{"name":"` + strings.Repeat("n", 2<<20) + `","sector":"dairy"}`, 413, "limit of 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := createEnterprise(t, ts.URL, token, tt.body)
			code := "invalid"
			if tt.status == 413 {
				code = "too_large"
			}
			wantError(t, r, tt.status, code, tt.want)
		})
	}
	var list struct{ Enterprises []guccho.Enterprise }
	decode(t, get(t, ts.URL+"/api/enterprises"), &list)
	if len(list.Enterprises) != 0 {
		t.Errorf("refused bodies created %d enterprises", len(list.Enterprises))
	}
}

func TestBBoxMustBeFinite(t *testing.T) {
	ts, _ := fullServer(t, nil)
	for _, bbox := range []string{"NaN,22,91,23", "90,22,Inf,23", "-Inf,-Inf,Inf,Inf", "90,22,91,NaN", "-200,22,91,23"} {
		t.Run(bbox, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/enterprises?bbox="+bbox), 400, "invalid", "parameter bbox")
		})
	}
}

func TestBearerSchemeIgnoresCase(t *testing.T) {
	ts, token := fullServer(t, nil)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		if r := get(t, ts.URL+"/api/me", "Authorization", scheme+" "+token); r.status != 200 {
			t.Errorf("GET /api/me with %q = %d %s", scheme, r.status, r.body)
		}
	}
	wantError(t, get(t, ts.URL+"/api/me", "Authorization", "Basic "+token), 401, "unauthorized", "Bearer")
}

func TestImportsShowNoSecretAndNoFileNamesToAnonymousCallers(t *testing.T) {
	ts, token := fullServer(t, nil)
	r := upload(t, ts.URL, token, "rahim-survey.csv", []byte("id,name,sector\nS1,One,dairy\n"))
	var started guccho.Import
	decode(t, r, &started)
	waitImport(t, ts.URL, started.ID)
	var me struct{ ID string }
	decode(t, get(t, ts.URL+"/api/me", "Authorization", "Bearer "+token), &me)
	if !strings.HasPrefix(me.ID, "tok_") {
		t.Fatalf("token id %q, want tok_…", me.ID)
	}

	for _, path := range []string{"/api/imports", "/api/imports/" + started.ID} {
		anon := get(t, ts.URL+path)
		for _, leak := range []string{"rahim-survey", me.ID, token[len("gct_") : len("gct_")+8], `"mapping":{`} {
			if strings.Contains(string(anon.body), leak) {
				t.Errorf("anonymous GET %s shows %q: %s", path, leak, anon.body)
			}
		}
		editor := get(t, ts.URL+path, "Authorization", "Bearer "+token)
		if !strings.Contains(string(editor.body), "rahim-survey.csv") || !strings.Contains(string(editor.body), `"created_by":"`+me.ID+`"`) {
			t.Errorf("an editor's GET %s = %s; want the file name and created_by %s", path, editor.body, me.ID)
		}
		if strings.Contains(string(editor.body), token[len("gct_"):len("gct_")+8]) {
			t.Errorf("GET %s shows part of the token's secret: %s", path, editor.body)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts, _ := fullServer(t, nil)
	for _, path := range []string{"/", "/api/config", "/api/nope"} {
		r := get(t, ts.URL+path)
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", path, r.header.Get("X-Content-Type-Options"))
		}
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
	}
}
