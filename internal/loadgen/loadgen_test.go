package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guccho/guccho/internal/loadgen"
)

// recorder is a test server that answers /ok/* with 10 bytes, /empty with
// 204 and anything else with 404, and remembers what it was asked.
type recorder struct {
	mu       sync.Mutex
	paths    map[string]int
	gzipAsks int
	delay    time.Duration
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.paths[r.URL.Path]++
	if r.Header.Get("Accept-Encoding") == "gzip" {
		rec.gzipAsks++
	}
	rec.mu.Unlock()
	time.Sleep(rec.delay)
	switch {
	case strings.HasPrefix(r.URL.Path, "/ok/"):
		w.Write([]byte("0123456789"))
	case r.URL.Path == "/empty":
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r) // "404 page not found\n", 19 bytes
	}
}

func newRecorder(t *testing.T, delay time.Duration) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{paths: map[string]int{}, delay: delay}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv
}

func TestRunOnePass(t *testing.T) {
	rec, srv := newRecorder(t, 0)
	paths := []string{"/ok/1", "/ok/2", "/ok/3", "/empty", "/missing"}
	res, err := loadgen.Run(context.Background(), loadgen.Config{BaseURL: srv.URL, Paths: paths, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != len(paths) || res.Errors != 0 {
		t.Fatalf("got %d requests and %d errors (%v), want %d and 0", res.Requests, res.Errors, res.FirstErr, len(paths))
	}
	for _, p := range paths {
		if got := rec.paths[p]; got != 1 {
			t.Errorf("%s requested %d times, want once", p, got)
		}
	}
	if rec.gzipAsks != len(paths) {
		t.Errorf("%d requests asked for gzip, want %d", rec.gzipAsks, len(paths))
	}
	if got, want := res.Bytes, int64(3*10+19); got != want {
		t.Errorf("Bytes = %d, want %d", got, want)
	}
	if res.Non2xx != 1 || res.Status[404] != 1 || res.Status[200] != 3 || res.Status[204] != 1 {
		t.Errorf("Non2xx = %d, Status = %v; want 1 and 200:3 204:1 404:1", res.Non2xx, res.Status)
	}
	if !(0 < res.P50 && res.P50 <= res.P99 && res.P99 <= res.Max) || res.RPS() <= 0 {
		t.Errorf("implausible figures: %v", res)
	}
}

func TestRunStopsAtRequests(t *testing.T) {
	rec, srv := newRecorder(t, 0)
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		BaseURL: srv.URL + "/", Paths: []string{"/ok/a", "/ok/b"}, Concurrency: 4, Requests: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 7 {
		t.Errorf("Requests = %d, want 7", res.Requests)
	}
	if a, b := rec.paths["/ok/a"], rec.paths["/ok/b"]; a != 4 || b != 3 {
		t.Errorf("paths requested %d and %d times, want 4 and 3 (round-robin)", a, b)
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	_, srv := newRecorder(t, 20*time.Millisecond)
	start := time.Now()
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		BaseURL: srv.URL, Paths: []string{"/ok/x"}, Concurrency: 2, Requests: 1_000_000, Duration: 150 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("run took %v, want about 150ms", took)
	}
	if res.Requests == 0 || res.Requests > 40 {
		t.Errorf("Requests = %d, want a handful", res.Requests)
	}
	if res.P50 < 20*time.Millisecond {
		t.Errorf("P50 = %v, want at least the server's 20ms", res.P50)
	}
}

func TestRunCountsErrors(t *testing.T) {
	_, srv := newRecorder(t, 0)
	srv.Close() // nothing listens any more
	res, err := loadgen.Run(context.Background(), loadgen.Config{BaseURL: srv.URL, Paths: []string{"/ok/1", "/ok/2"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 2 || res.Requests != 0 || res.FirstErr == nil {
		t.Errorf("got %d errors, %d requests, first error %v; want 2, 0 and an error", res.Errors, res.Requests, res.FirstErr)
	}
}

func TestRunRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  loadgen.Config
	}{
		{"remote host", loadgen.Config{BaseURL: "http://example.com", Paths: []string{"/"}}},
		{"private address", loadgen.Config{BaseURL: "http://10.0.0.1:8080", Paths: []string{"/"}}},
		{"unspecified address", loadgen.Config{BaseURL: "http://0.0.0.0:8080", Paths: []string{"/"}}},
		{"other scheme", loadgen.Config{BaseURL: "ftp://127.0.0.1", Paths: []string{"/"}}},
		{"query", loadgen.Config{BaseURL: "http://127.0.0.1:1/?a=b", Paths: []string{"/"}}},
		{"no paths", loadgen.Config{BaseURL: "http://127.0.0.1:1"}},
		{"relative path", loadgen.Config{BaseURL: "http://127.0.0.1:1", Paths: []string{"ok"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := loadgen.Run(context.Background(), tc.cfg); err == nil {
				t.Errorf("Run(%+v) succeeded, want an error", tc.cfg)
			}
		})
	}
}
