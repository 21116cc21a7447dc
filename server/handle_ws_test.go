package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/live/livetest"
	"github.com/guccho/guccho/server"
)

// memTokens is an in-memory guccho.TokenStore keyed by secret hash.
type memTokens map[string]*guccho.Token

func (m memTokens) CreateToken(ctx context.Context, t *guccho.Token, hash string) error {
	m[hash] = t
	return nil
}

func (m memTokens) FindTokenByHash(ctx context.Context, hash string) (*guccho.Token, error) {
	t, ok := m[hash]
	if !ok {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no such token")
	}
	return t, nil
}

func (m memTokens) CountTokens(ctx context.Context) (int, error) { return len(m), nil }

// change is an enterprise change at one point in one sector.
var change = livetest.PointChange

// waitHub waits until the hub has fanned out event id.
func waitHub(t *testing.T, h *live.Hub, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Stats().LastEventID < id {
		if time.Now().After(deadline) {
			t.Fatalf("the hub did not reach event %d", id)
		}
		time.Sleep(time.Millisecond)
	}
}

// Secrets of the tokens wsServer knows.
const (
	editorSecret = "gct_editor"
	adminSecret  = "gct_admin"
)

type wsFixture struct {
	ts     *httptest.Server
	srv    *server.Server
	events *livetest.Log
	url    string // ws://…/ws
}

// newWSServer serves /ws from an in-memory event log, with an editor and an
// admin token.
func newWSServer(t testing.TB) *wsFixture {
	t.Helper()
	tokens := memTokens{
		guccho.HashSecret(editorSecret): {ID: "ed", Name: "editor", Role: guccho.RoleEditor},
		guccho.HashSecret(adminSecret):  {ID: "ad", Name: "admin", Role: guccho.RoleAdmin},
	}
	events := livetest.NewLog()
	srv := server.New(server.Config{Events: events, Tokens: tokens})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	return &wsFixture{ts: ts, srv: srv, events: events, url: "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"}
}

// dial opens a websocket to f's /ws with an optional query and header
// pairs.
func (f *wsFixture) dial(t testing.TB, query string, header ...string) *websocket.Conn {
	t.Helper()
	c, res, err := f.tryDial(query, header...)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial: %v (status %d)", err, status)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (f *wsFixture) tryDial(query string, header ...string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	u := f.url
	if query != "" {
		u += "?" + query
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	c, res, err := d.Dial(u, h)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	return c, res, err
}

// subscribeWS sends a subscribe message and returns the server's answer.
func subscribeWS(t testing.TB, c *websocket.Conn, msg map[string]any) wsMessage {
	t.Helper()
	msg["type"] = "subscribe"
	send(t, c, msg)
	m := read(t, c)
	if m.Type != "subscribed" {
		t.Fatalf("got %+v, want a subscribed message", m)
	}
	return m
}

func send(t testing.TB, c *websocket.Conn, msg any) {
	t.Helper()
	if err := c.WriteJSON(msg); err != nil {
		t.Fatal(err)
	}
}

// wsMessage is any server message.
type wsMessage struct {
	Type        string       `json:"type"`
	Event       guccho.Event `json:"event"`
	Reason      string       `json:"reason"`
	LastEventID int64        `json:"last_event_id"`
	Topics      []string     `json:"topics"`
}

func read(t testing.TB, c *websocket.Conn) wsMessage {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m wsMessage
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	return m
}

// readEventIDs reads n event messages and returns their ids; any other
// message fails the test.
func readEventIDs(t testing.TB, c *websocket.Conn, n int) []int64 {
	t.Helper()
	var got []int64
	for len(got) < n {
		m := read(t, c)
		if m.Type != "event" {
			t.Fatalf("got %+v, want an event", m)
		}
		got = append(got, m.Event.ID)
	}
	return got
}

// wantClosed reads until the server closes the connection and checks the
// close code and that the reason contains want.
func wantClosed(t testing.TB, c *websocket.Conn, code int, want string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("got %v, want a close frame with code %d", err, code)
		}
		if ce.Code != code || !strings.Contains(ce.Text, want) {
			t.Fatalf("got close %d %q, want %d with %q", ce.Code, ce.Text, code, want)
		}
		return
	}
}

var enterprises = map[string]any{"topics": []string{"enterprises"}}

func TestWSSubscribeReceivesEventsInOrder(t *testing.T) {
	f := newWSServer(t)
	c := f.dial(t, "")
	if m := subscribeWS(t, c, map[string]any{"topics": []string{"enterprises", "admin"}}); m.LastEventID != 0 || !slices.Equal(m.Topics, []string{"enterprises", "admin"}) {
		t.Errorf("got %+v, want last_event_id 0 and topics enterprises, admin", m)
	}
	var want []guccho.Event
	for i := range 20 {
		want = append(want, f.events.Change(change(90.4, 23.8+float64(i)/100, "dairy")))
	}
	want = append(want, f.events.Append(guccho.EventBoundariesReplaced, map[string]int{"units": 5160}))
	for _, w := range want {
		got := read(t, c)
		if got.Type != "event" || got.Event.ID != w.ID || got.Event.Type != w.Type || !got.Event.Time.Equal(w.Time) || string(got.Event.Payload) != string(w.Payload) {
			t.Fatalf("got %+v, want event %+v", got, w)
		}
	}
}

func TestWSFiltersByBBoxAndSector(t *testing.T) {
	f := newWSServer(t)
	c := f.dial(t, "")
	subscribeWS(t, c, map[string]any{"topics": []string{"enterprises"}, "bbox": []float64{90.7, 24.0, 91.2, 24.6}, "sectors": []string{"footwear"}})
	f.events.Change(change(90.99, 24.05, "footwear"))          // 1: Bhairab footwear
	f.events.Change(change(90.40, 23.80, "footwear"))          // 2: outside the bbox
	f.events.Change(change(90.99, 24.05, "dairy"))             // 3: another sector
	f.events.Change(change(90.99, 24.05, "dairy", "footwear")) // 4: shares a sector
	if got, want := readEventIDs(t, c, 2), []int64{1, 4}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestWSResubscribeChangesTheFilter(t *testing.T) {
	f := newWSServer(t)
	c := f.dial(t, "")
	subscribeWS(t, c, map[string]any{"topics": []string{"enterprises"}, "sectors": []string{"dairy"}})
	f.events.Change(change(90.4, 23.8, "dairy")) // 1
	readEventIDs(t, c, 1)

	send(t, c, map[string]any{"type": "subscribe", "topics": []string{"enterprises"}, "sectors": []string{"footwear"}})
	if m := read(t, c); m.Type != "subscribed" || m.LastEventID != 1 {
		t.Fatalf("got %+v, want subscribed at 1", m)
	}
	f.events.Change(change(90.4, 23.8, "dairy"))    // 2: the old filter's sector
	f.events.Change(change(90.4, 23.8, "footwear")) // 3
	if got := readEventIDs(t, c, 1); got[0] != 3 {
		t.Errorf("got %v, want event 3", got)
	}
}

func TestWSReconnectWithLastEventIDReceivesExactlyTheMissedEvents(t *testing.T) {
	f := newWSServer(t)
	c := f.dial(t, "")
	subscribeWS(t, c, enterprises)
	for range 5 {
		f.events.Change(change(90.4, 23.8, "dairy"))
	}
	seen := readEventIDs(t, c, 5)
	c.Close()

	for range 7 { // 6…12 happen while the client is away
		f.events.Change(change(90.4, 23.8, "dairy"))
	}
	waitHub(t, f.srv.Hub(), 12)
	c = f.dial(t, "")
	send(t, c, map[string]any{"type": "subscribe", "topics": []string{"enterprises"}, "last_event_id": seen[len(seen)-1]})
	if got, want := readEventIDs(t, c, 7), livetest.IDs(6, 12); !slices.Equal(got, want) {
		t.Errorf("replayed %v, want %v", got, want)
	}
	if m := read(t, c); m.Type != "subscribed" || m.LastEventID != 12 {
		t.Errorf("got %+v, want subscribed at 12 after the replay", m)
	}
	f.events.Change(change(90.4, 23.8, "dairy"))
	if got := readEventIDs(t, c, 1); got[0] != 13 {
		t.Errorf("got live event %v, want 13", got)
	}
}

func TestWSTooOldGapGetsReset(t *testing.T) {
	f := newWSServer(t)
	for range 10 {
		f.events.Change(change(90.4, 23.8, "dairy"))
	}
	f.events.Prune(6)
	// The hub reads the log's events as they are signalled; wait until it
	// holds all ten, so the position it reports after the reset is 10.
	for deadline := time.Now().Add(5 * time.Second); f.srv.Hub().Stats().LastEventID != 10; {
		if time.Now().After(deadline) {
			t.Fatalf("the hub's position stayed at %d, want 10", f.srv.Hub().Stats().LastEventID)
		}
		time.Sleep(5 * time.Millisecond)
	}
	c := f.dial(t, "")
	send(t, c, map[string]any{"type": "subscribe", "topics": []string{"enterprises"}, "last_event_id": 2})
	if m := read(t, c); m.Type != "reset" || m.Reason == "" {
		t.Fatalf("got %+v, want a reset with a reason", m)
	}
	if m := read(t, c); m.Type != "subscribed" || m.LastEventID != 10 {
		t.Errorf("got %+v, want subscribed at 10", m)
	}
}

func TestWSImportProgressReachesEditorsOnly(t *testing.T) {
	f := newWSServer(t)
	both := map[string]any{"topics": []string{"enterprises", "imports"}}
	clients := []struct {
		name       string
		query      string
		header     []string
		wantTopics []string
	}{
		{"editor with ?token", "token=" + editorSecret, nil, []string{"enterprises", "imports"}},
		{"admin with a bearer header", "", []string{"Authorization", "Bearer " + adminSecret}, []string{"enterprises", "imports"}},
		{"anonymous", "", nil, []string{"enterprises"}},
	}
	conns := make([]*websocket.Conn, len(clients))
	for i, cl := range clients {
		conns[i] = f.dial(t, cl.query, cl.header...)
		if m := subscribeWS(t, conns[i], both); !slices.Equal(m.Topics, cl.wantTopics) {
			t.Errorf("%s: granted %v, want %v", cl.name, m.Topics, cl.wantTopics)
		}
	}
	f.srv.Hub().PublishTransient(guccho.Event{Type: guccho.EventImportProgress, Payload: json.RawMessage(`{"import":"i1","file":"survey.csv","rows":100}`)})
	f.events.Change(change(90.4, 23.8, "dairy"))
	for i, cl := range clients {
		want := guccho.EventImportProgress
		if len(cl.wantTopics) == 1 {
			want = guccho.EventEnterprisesChanged
		}
		if m := read(t, conns[i]); m.Event.Type != want {
			t.Errorf("%s: got %+v first, want %s", cl.name, m, want)
		}
	}

	t.Run("anonymous asking for imports only", func(t *testing.T) {
		c := f.dial(t, "")
		send(t, c, map[string]any{"type": "subscribe", "topics": []string{"imports"}})
		wantClosed(t, c, websocket.ClosePolicyViolation, "editor")
	})
	t.Run("a wrong token", func(t *testing.T) {
		for _, h := range [][]string{{}, {"Authorization", "Bearer gct_nope"}} {
			q := "token=gct_nope"
			if len(h) > 0 {
				q = ""
			}
			_, res, err := f.tryDial(q, h...)
			if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
				t.Errorf("query %q header %v: got %v, want 401", q, h, res)
			}
		}
	})
}

func TestWSDropsASlowClientWhileAFastOneKeepsUp(t *testing.T) {
	f := newWSServer(t)
	slow := f.dial(t, "")
	subscribeWS(t, slow, enterprises) // and then reads nothing for a while
	fast := f.dial(t, "")
	subscribeWS(t, fast, enterprises)

	var fastLast atomic.Int64
	fastErr := make(chan error, 1)
	go func() {
		for {
			var m wsMessage
			fast.SetReadDeadline(time.Now().Add(30 * time.Second))
			if err := fast.ReadJSON(&m); err != nil {
				fastErr <- err
				return
			}
			if m.Event.ID != fastLast.Load()+1 {
				fastErr <- fmt.Errorf("fast client got event %d after %d", m.Event.ID, fastLast.Load())
				return
			}
			fastLast.Store(m.Event.ID)
		}
	}()

	// Big changes (100 ids) fill the slow client's socket buffers sooner.
	big := change(90.4, 23.8, "dairy")
	for i := range guccho.MaxChangeIDs {
		big.IDs = append(big.IDs, fmt.Sprintf("enterprise-%032d", i))
	}
	hub := f.srv.Hub()
	var last int64
	for i := 0; hub.Stats().Dropped == 0; i++ {
		if i == 200_000 {
			t.Fatal("the slow client was never dropped")
		}
		last = f.events.Change(big).ID
		if i%64 == 63 { // let the fast client catch up now and then
			waitFor(t, func() bool { return fastLast.Load() == last }, fastErr)
		}
	}
	last = f.events.Change(big).ID
	waitFor(t, func() bool { return fastLast.Load() == last }, fastErr)
	if st := hub.Stats(); st.Dropped != 1 || st.Subscribers != 1 {
		t.Errorf("got %+v, want one client dropped and one left", st)
	}
	wantClosed(t, slow, websocket.CloseTryAgainLater, "too slow")
}

// waitFor waits until ok() or an error arrives.
func waitFor(t *testing.T, ok func() bool, errs <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func TestWSBadMessagesCloseWithAReason(t *testing.T) {
	f := newWSServer(t)
	text := func(s string) func(*websocket.Conn) error {
		return func(c *websocket.Conn) error { return c.WriteMessage(websocket.TextMessage, []byte(s)) }
	}
	tests := []struct {
		name      string
		subscribe bool // subscribe properly first
		send      func(*websocket.Conn) error
		code      int
		reason    string
	}{
		{"malformed JSON", false, text(`{"type":"subscribe",`), websocket.ClosePolicyViolation, "malformed"},
		{"not a subscribe message", false, text(`{"type":"hello"}`), websocket.ClosePolicyViolation, "unknown message type"},
		{"a reason cut inside a Bangla character", false, text(`{"type":"` + strings.Repeat("বাংলা", 20) + `"}`), websocket.ClosePolicyViolation, "unknown message type"},
		{"no topics", false, text(`{"type":"subscribe"}`), websocket.ClosePolicyViolation, "topics"},
		{"unknown topic", false, text(`{"type":"subscribe","topics":["everything"]}`), websocket.ClosePolicyViolation, `unknown topic "everything"`},
		{"three-number bbox", false, text(`{"type":"subscribe","topics":["enterprises"],"bbox":[90,23,91]}`), websocket.ClosePolicyViolation, "bbox"},
		{"negative last_event_id", false, text(`{"type":"subscribe","topics":["enterprises"],"last_event_id":-1}`), websocket.ClosePolicyViolation, "last_event_id"},
		{"binary", false, func(c *websocket.Conn) error { return c.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}) }, websocket.CloseUnsupportedData, "binary"},
		{"oversized", false, text(`{"type":"subscribe","topics":["enterprises"],"sectors":["` + strings.Repeat("x", 5000) + `"]}`), websocket.CloseMessageTooBig, "4096"},
		{"huge", false, text(strings.Repeat(" ", 4<<20)), websocket.CloseMessageTooBig, "4096"},
		{"malformed after subscribing", true, text(`[]`), websocket.ClosePolicyViolation, "malformed"},
		{"oversized after subscribing", true, text(strings.Repeat(" ", 5000)), websocket.CloseMessageTooBig, "4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.dial(t, "")
			if tt.subscribe {
				subscribeWS(t, c, enterprises)
			}
			if err := tt.send(c); err != nil {
				t.Fatal(err)
			}
			wantClosed(t, c, tt.code, tt.reason)

			// The server keeps serving others.
			other := f.dial(t, "")
			subscribeWS(t, other, enterprises)
		})
	}
}

func TestWSHandshake(t *testing.T) {
	f := newWSServer(t)
	host := strings.TrimPrefix(f.ts.URL, "http://")
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"no Origin (not a browser)", nil, http.StatusSwitchingProtocols},
		{"this site's page", []string{"Origin", "http://" + host}, http.StatusSwitchingProtocols},
		{"behind a proxy", []string{"Origin", "https://guccho.example.org", "X-Forwarded-Host", "guccho.example.org"}, http.StatusSwitchingProtocols},
		{"another site's page", []string{"Origin", "https://evil.example.com"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, res, err := f.tryDial("", tt.header...)
			if c != nil {
				c.Close()
			}
			if res == nil || res.StatusCode != tt.want {
				t.Errorf("got %v (%v), want status %d", res, err, tt.want)
			}
		})
	}

	t.Run("plain GET", func(t *testing.T) {
		res := get(t, f.ts.URL+"/ws")
		if res.status != http.StatusBadRequest || !strings.Contains(string(res.body), "websocket") {
			t.Errorf("got %d %s, want 400 naming websockets", res.status, res.body)
		}
	})
	t.Run("POST", func(t *testing.T) {
		res, err := http.Post(f.ts.URL+"/ws", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("got %d, want 405", res.StatusCode)
		}
	})
	t.Run("a server without an event log", func(t *testing.T) {
		ts := httptest.NewServer(server.New(server.Config{}))
		defer ts.Close()
		if res := get(t, ts.URL+"/ws"); res.status != http.StatusNotFound {
			t.Errorf("got %d %s, want 404", res.status, res.body)
		}
	})
}

func TestWSServerCloseSaysGoingAway(t *testing.T) {
	f := newWSServer(t)
	c := f.dial(t, "")
	subscribeWS(t, c, enterprises)
	closed := make(chan struct{})
	go func() {
		f.srv.Close()
		close(closed)
	}()
	wantClosed(t, c, websocket.CloseGoingAway, "shutting down")
	<-closed
}

func TestWSConnectDisconnectCyclesLeakNothing(t *testing.T) {
	f := newWSServer(t)
	cycles := 10_000
	if testing.Short() {
		cycles = 500
	}
	cycle := func() error {
		c, _, err := f.tryDial("")
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := c.WriteJSON(map[string]any{"type": "subscribe", "topics": []string{"enterprises"}}); err != nil {
			return err
		}
		var m wsMessage
		if err := c.ReadJSON(&m); err != nil || m.Type != "subscribed" {
			return fmt.Errorf("got %+v, %v; want subscribed", m, err)
		}
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		_, _, err = c.ReadMessage() // the server's answer
		if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			return fmt.Errorf("closing: got %v, want the server's normal close", err)
		}
		return nil
	}
	run := func(n int) {
		t.Helper()
		const workers = 8
		var wg sync.WaitGroup
		var failed atomic.Pointer[error]
		var next atomic.Int64
		for range workers {
			wg.Go(func() {
				for next.Add(1) <= int64(n) && failed.Load() == nil {
					if err := cycle(); err != nil {
						failed.Store(&err)
					}
				}
			})
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			t.Fatal(*err)
		}
	}
	settle := func() (goroutines int, heap uint64) {
		hub := f.srv.Hub()
		deadline := time.Now().Add(10 * time.Second)
		for hub.Stats().Subscribers > 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		var ms runtime.MemStats
		for range 3 {
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
		runtime.ReadMemStats(&ms)
		return runtime.NumGoroutine(), ms.HeapInuse
	}

	run(100) // warm up pools and lazily made buffers
	g0, h0 := settle()
	run(cycles)
	g1, h1 := settle()
	for deadline := time.Now().Add(10 * time.Second); g1 > g0+4 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		g1, h1 = settle()
	}
	if g1 > g0+4 {
		t.Errorf("goroutines: %d before %d cycles, %d after", g0, cycles, g1)
	}
	if grown := int64(h1) - int64(h0); grown > 2<<20 {
		t.Errorf("heap in use grew by %d bytes over %d cycles (%d → %d)", grown, cycles, h0, h1)
	}
	if st := f.srv.Hub().Stats(); st.Subscribers != 0 {
		t.Errorf("%d subscriptions left open", st.Subscribers)
	}
}
