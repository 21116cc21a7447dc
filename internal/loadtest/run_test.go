package loadtest

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho/internal/wsload"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fakeServer answers every request with the status and after the delay
// that answer returns for it, and records what it received.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []*http.Request
}

func newFake(t *testing.T, answer func(r *http.Request) (int, time.Duration)) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r)
		f.mu.Unlock()
		status, delay := answer(r)
		time.Sleep(delay)
		w.WriteHeader(status)
		w.Write([]byte("{}"))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.seen...)
}

func ok(*http.Request) (int, time.Duration) { return http.StatusOK, 0 }

func TestRunRaisesTheRateWhileTheServerKeepsUp(t *testing.T) {
	srv := newFake(t, ok)
	rep, err := Run(context.Background(), Config{
		Target: Target{Name: "fake", URLs: []string{srv.URL}}, Mix: testMix(),
		StartRate: 50, Factor: 2, Step: 200 * time.Millisecond, Steps: 3,
		P99: 2 * time.Second, // about stepping, not speed: a busy machine must not fail it
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Steps) != 3 || rep.Held != 200 {
		t.Fatalf("%d steps, held %.0f/s; want 3 steps held up to 200/s:\n%s", len(rep.Steps), rep.Held, rep)
	}
	for i, want := range []int{10, 20, 40} { // rate × step
		if st := rep.Steps[i]; st.Sent != want || st.All.Requests != want || !st.Held {
			t.Errorf("step %d: sent %d, %d answered, held %v; want %d sent and answered, held", i, st.Sent, st.All.Requests, st.Held, want)
		}
	}
	if !strings.Contains(rep.String(), "held at least 200 req/s") {
		t.Errorf("report:\n%s\nwant it to say the rate held is a lower bound: no step failed", rep)
	}
	seen := srv.requests()
	if len(seen) != 70 {
		t.Errorf("the server received %d requests; want 70", len(seen))
	}
	distinct := map[string]bool{}
	for _, r := range seen {
		if r.Method == http.MethodGet {
			distinct[r.URL.RequestURI()] = true
		}
	}
	if got := rep.Steps[0].New + rep.Steps[1].New + rep.Steps[2].New; got != len(distinct) {
		t.Errorf("new requests %d over the steps; want %d, the distinct paths the server was asked for", got, len(distinct))
	}
}

func TestRunOffersArrivalsWithoutWaitingForResponses(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv := newFake(t, func(*http.Request) (int, time.Duration) { return http.StatusOK, delay })
	rep, err := Run(context.Background(), Config{
		Target: Target{Name: "slow", URLs: []string{srv.URL}}, Mix: testMix(),
		StartRate: 40, Step: 500 * time.Millisecond, Steps: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Steps) != 1 || rep.Held != 0 {
		t.Fatalf("%d steps, held %.0f/s; want the first step to fail its p99 and stop the run:\n%s", len(rep.Steps), rep.Held, rep)
	}
	st := rep.Steps[0]
	// Closed loop, one at a time, 20 requests would take 20 × 300 ms.
	if st.Sent != 20 || st.All.P99 < delay || st.Elapsed > 2*time.Second {
		t.Errorf("sent %d, p99 %v, elapsed %v; want 20 sent on time, p99 ≥ %v, done within the step and one delay", st.Sent, st.All.P99, st.Elapsed, delay)
	}
}

func TestRunStopsAtTheFirstError(t *testing.T) {
	srv := newFake(t, func(r *http.Request) (int, time.Duration) {
		if r.Method == http.MethodPut {
			return http.StatusServiceUnavailable, 0
		}
		return http.StatusOK, 0
	})
	m := testMix()
	m.Edit = 0.05
	rep, err := Run(context.Background(), Config{
		Target: Target{Name: "fake", URLs: []string{srv.URL}}, Mix: m,
		StartRate: 400, Step: 500 * time.Millisecond, Steps: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Steps) != 1 || rep.Held != 0 {
		t.Fatalf("%d steps, held %.0f/s; want a stop after the first:\n%s", len(rep.Steps), rep.Held, rep)
	}
	st := rep.Steps[0]
	if e := st.Kinds[KindEdit]; e.Errors == 0 || e.Errors != e.Requests || st.All.Errors != e.Errors {
		t.Errorf("edit stats %+v, all %+v; want every edit, and only edits, counted as errors", e, st.All)
	}
	if !strings.Contains(st.FirstErr, "PUT /api/enterprises/") || !strings.Contains(st.FirstErr, "503") {
		t.Errorf("first error %q; want the request and its status", st.FirstErr)
	}
}

func TestRunSendsEditsToTheEditURLWithTheToken(t *testing.T) {
	a, b := newFake(t, ok), newFake(t, ok)
	m := testMix()
	m.Edit = 0.2
	_, err := Run(context.Background(), Config{
		Target: Target{Name: "two", URLs: []string{a.URL, b.URL}, EditURL: b.URL, Token: "gct_secret"}, Mix: m,
		StartRate: 1000, Step: 500 * time.Millisecond, Steps: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(rs []*http.Request) (gets, puts int) {
		for _, r := range rs {
			if r.Method == http.MethodPut {
				puts++
				if got := r.Header.Get("Authorization"); got != "Bearer gct_secret" {
					t.Errorf("PUT %s with Authorization %q; want the editor token", r.URL, got)
				}
			} else {
				gets++
				if r.Header.Get("Authorization") != "" {
					t.Errorf("GET %s carries a token; only edits should", r.URL)
				}
			}
		}
		return
	}
	aGets, aPuts := count(a.requests())
	bGets, bPuts := count(b.requests())
	if aPuts != 0 || bPuts == 0 {
		t.Errorf("edits: %d to the first URL, %d to the edit URL; want all to the edit URL", aPuts, bPuts)
	}
	if diff := aGets - bGets; diff < -1 || diff > 1 {
		t.Errorf("reads: %d and %d; want them spread evenly over both URLs", aGets, bGets)
	}
}

func TestRunDropsArrivalsBeyondTheInFlightBound(t *testing.T) {
	srv := newFake(t, func(*http.Request) (int, time.Duration) { return http.StatusOK, 400 * time.Millisecond })
	rep, err := Run(context.Background(), Config{
		Target: Target{Name: "fake", URLs: []string{srv.URL}}, Mix: testMix(),
		StartRate: 50, Step: 200 * time.Millisecond, InFlight: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	st := rep.Steps[0]
	if st.Sent != 2 || st.Dropped != 8 || st.Held || !strings.Contains(st.FirstErr, "dropped") {
		t.Errorf("sent %d, dropped %d, held %v, first error %q; want 2 sent, 8 dropped, not held", st.Sent, st.Dropped, st.Held, st.FirstErr)
	}
}

func TestRunRefusesHostsOffTheMachine(t *testing.T) {
	tests := []struct {
		name   string
		target Target
	}{
		{"remote URL", Target{URLs: []string{"http://example.com"}}},
		{"remote edit URL", Target{URLs: []string{"http://127.0.0.1:1"}, EditURL: "http://192.0.2.1:8080"}},
		{"no URL", Target{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(context.Background(), Config{Target: tt.target, Mix: testMix()}); err == nil {
				t.Error("Run() succeeded; want an error before sending anything")
			}
		})
	}
}

func TestReportTable(t *testing.T) {
	ms := time.Millisecond
	rep := Report{Target: "guccho-embedded", P99: 250 * ms, Held: 100, Steps: []Step{
		{Offered: 50, Served: 50, Sent: 500, New: 420, All: Stats{Requests: 500, P50: 3 * ms, P99: 40 * ms}, Held: true,
			Kinds:  map[Kind]Stats{KindEnterpriseTile: {Requests: 100, P50: 2 * ms, P99: 30 * ms}, KindEdit: {Requests: 100, P50: 20 * ms, P99: 60 * ms}},
			Events: &EventStats{Clients: 20, Delivered: 40, P99: 12 * ms}},
		{Offered: 100, Served: 99.6, Sent: 1000, New: 610, All: Stats{Requests: 1000, P50: 4 * ms, P99: 90 * ms}, Held: true,
			Kinds:  map[Kind]Stats{KindEnterpriseTile: {Requests: 100, P50: 3 * ms, P99: 80 * ms}, KindEdit: {Requests: 100, P50: 25 * ms, P99: 95 * ms}},
			Events: &EventStats{Clients: 20, Delivered: 60, P99: 15 * ms}},
		{Offered: 200, Served: 150, Sent: 1990, New: 1002, Dropped: 10, All: Stats{Requests: 1990, Errors: 2, P50: 80 * ms, P99: 900 * ms},
			Kinds:    map[Kind]Stats{KindEnterpriseTile: {Requests: 100, P50: 70 * ms, P99: 850 * ms}, KindEdit: {Requests: 100, P50: 300 * ms, P99: 1200 * ms, Errors: 2}},
			Events:   &EventStats{Clients: 20, Delivered: 80, P99: 400 * ms, Err: "event 99: context deadline exceeded"},
			FirstErr: "PUT /api/enterprises/E1: 503 Service Unavailable"},
	}}
	got := rep.String() + "\n"
	path := filepath.Join("testdata", "report.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("report:\n%s\nwant (%s; go test -update rewrites it):\n%s", got, path, want)
	}
}

// eventServer is a /ws that answers a subscription and then sends the
// events 1 to last.
func eventServer(t *testing.T, last int64) string {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
		c.WriteJSON(map[string]any{"type": "subscribed", "last_event_id": 0})
		for id := int64(1); id <= last; id++ {
			c.WriteJSON(map[string]any{"type": "event", "event": map[string]any{"id": id, "time": time.Now()}})
		}
		c.ReadMessage() // until the client closes
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestRunChecksEveryClientHearsTheLastEvent(t *testing.T) {
	tests := []struct {
		name      string
		delivered int64 // events the server sends; the store's newest is 5
		held      bool
	}{
		{"all delivered", 5, true},
		{"the last one missing", 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rs, err := wsload.DialReaders(ctx, []string{eventServer(t, tt.delivered)}, 3, wsload.Subscribe{Topics: []string{"enterprises"}})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			srv := newFake(t, ok)
			rep, err := Run(ctx, Config{
				Target: Target{Name: "fake", URLs: []string{srv.URL}}, Mix: testMix(),
				StartRate: 50, Step: 100 * time.Millisecond, Steps: 1,
				Events: rs, LatestEventID: func(context.Context) (int64, error) { return 5, nil }, EventWait: 300 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			st := rep.Steps[0]
			if st.Held != tt.held || st.Events == nil || (st.Events.Err == "") != tt.held || st.Events.Delivered != 3*int(tt.delivered) {
				t.Errorf("held %v, events %+v; want held %v, %d delivered", st.Held, st.Events, tt.held, 3*tt.delivered)
			}
		})
	}
}

// A warm-up asks every URL for each of its requests until answered: a 503
// (still computing) is asked again, and the steps begin only after.
func TestWarmUpAsksUntilAnsweredOnEveryURL(t *testing.T) {
	var mu sync.Mutex
	unavailable := map[string]int{} // host → 503s still to give /api/clusters
	answer := func(r *http.Request) (int, time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/api/clusters") && unavailable[r.Host] > 0 {
			unavailable[r.Host]--
			return http.StatusServiceUnavailable, 0
		}
		return http.StatusOK, 0
	}
	a, b := newFake(t, answer), newFake(t, answer)
	for _, s := range []*fakeServer{a, b} {
		unavailable[strings.TrimPrefix(s.URL, "http://")] = 2
	}
	warm := []Request{{Kind: KindCluster, Method: "GET", Path: "/api/clusters?sector=dairy&method=smef"}}
	rep, err := Run(context.Background(), Config{
		Target: Target{Name: "fake", URLs: []string{a.URL, b.URL}}, Mix: testMix(), Warm: warm,
		StartRate: 50, Step: 100 * time.Millisecond, Steps: 1, P99: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Warmed != 2 || rep.Warm < 2*time.Second {
		t.Errorf("warmed %d in %v; want 2 requests (one per URL) taking at least the 2 s of two retries each", rep.Warmed, rep.Warm)
	}
	for _, s := range []*fakeServer{a, b} {
		seen := s.requests()
		if len(seen) < 3 {
			t.Fatalf("%s received %d requests; want the warm-up's three first", s.URL, len(seen))
		}
		for i, r := range seen[:3] {
			if r.URL.RequestURI() != warm[0].Path {
				t.Errorf("%s: request %d was %s; want the warm-up's %s", s.URL, i+1, r.URL.RequestURI(), warm[0].Path)
			}
		}
	}
	if !strings.Contains(rep.String(), "warm-up before the first step: 2 analysis requests") {
		t.Errorf("report:\n%s\nwant the warm-up in it", rep)
	}
}

// A warm-up request the server refuses (not a 503) ends the run with an
// error naming it, before any step.
func TestWarmUpFailsOnARefusal(t *testing.T) {
	srv := newFake(t, func(r *http.Request) (int, time.Duration) {
		if strings.HasPrefix(r.URL.Path, "/api/profile") {
			return http.StatusNotFound, 0
		}
		return http.StatusOK, 0
	})
	_, err := Run(context.Background(), Config{
		Target: Target{Name: "fake", URLs: []string{srv.URL}}, Mix: testMix(),
		Warm: []Request{{Kind: KindProfile, Method: "GET", Path: "/api/profile/BD99"}},
		Step: 100 * time.Millisecond, Steps: 1,
	})
	if err == nil || !strings.Contains(err.Error(), "/api/profile/BD99") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Run: %v; want an error naming the refused warm-up request", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("the server received %d requests; want only the refused warm-up one", n)
	}
}
