package wsload_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho/internal/wsload"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"ws://127.0.0.1:8080/ws", true},
		{"ws://localhost:8080/ws", true},
		{"ws://[::1]:8080/ws", true},
		{"ws://192.168.1.10:8080/ws", false},
		{"ws://guccho.example.org/ws", false},
		{"wss://127.0.0.1/ws", false},
		{"http://127.0.0.1/ws", false},
	}
	for _, tt := range tests {
		if err := wsload.CheckLoopback(tt.url); (err == nil) != tt.ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

// fakeHub is a /ws that answers every subscribe and sends what is
// published to every connection.
type fakeHub struct {
	mu    sync.Mutex
	conns []*websocket.Conn
	subs  []string // subscribe messages received
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	_, msg, err := c.ReadMessage()
	if err != nil {
		c.Close()
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs = append(h.subs, string(msg))
	c.WriteMessage(websocket.TextMessage, []byte(`{"type":"subscribed","last_event_id":0,"topics":["enterprises"]}`))
	h.conns = append(h.conns, c)
}

func (h *fakeHub) publish(t *testing.T, id int64, at time.Time) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"type": "event", "event": map[string]any{"id": id, "type": "enterprises.changed", "time": at}})
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		if err := c.WriteMessage(websocket.TextMessage, b); err != nil {
			t.Fatal(err)
		}
	}
}

func (h *fakeHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		c.Close()
	}
}

func TestReadersRecordEveryEventsLatency(t *testing.T) {
	hub := &fakeHub{}
	ts := httptest.NewServer(hub)
	defer ts.Close()
	defer hub.close()
	url := "ws" + strings.TrimPrefix(ts.URL, "http")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	rs, err := wsload.DialReaders(ctx, []string{url, url}, 5, wsload.Subscribe{Topics: []string{"enterprises"}, Sectors: []string{"dairy"}})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	hub.mu.Lock()
	if got := hub.subs[0]; got != `{"type":"subscribe","topics":["enterprises"],"sectors":["dairy"]}` {
		t.Errorf("sent %s", got)
	}
	hub.mu.Unlock()
	hub.publish(t, 1, time.Now().Add(-time.Second))
	hub.publish(t, 2, time.Now())
	if err := rs.WaitFor(ctx, 2); err != nil {
		t.Fatal(err)
	}
	lat := rs.TakeLatencies()
	if len(lat) != 10 {
		t.Fatalf("got %d latencies, want 10 (2 events × 5 readers)", len(lat))
	}
	if p := wsload.Percentile(lat, 100); p < time.Second {
		t.Errorf("the largest latency is %v, want at least the second event 1 was back-dated", p)
	}
	if n := len(rs.TakeLatencies()); n != 0 {
		t.Errorf("TakeLatencies again: got %d, want none", n)
	}
	if s := rs.Stopped(); len(s) != 0 {
		t.Errorf("stopped readers: %v", s)
	}
}

func TestIdleConnectionsSubscribe(t *testing.T) {
	hub := &fakeHub{}
	ts := httptest.NewServer(hub)
	defer ts.Close()
	defer hub.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	idle, err := wsload.DialIdle(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", 20, wsload.Subscribe{Topics: []string{"enterprises"}})
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if len(hub.subs) != 20 || hub.subs[0] != `{"type":"subscribe","topics":["enterprises"]}` {
		t.Errorf("got %d subscribe messages (%q…), want 20", len(hub.subs), hub.subs[0])
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	sub := wsload.Subscribe{Topics: []string{"enterprises"}}
	if _, err := wsload.DialReaders(ctx, []string{"ws://10.0.0.1/ws"}, 1, sub); err == nil {
		t.Error("DialReaders to a non-loopback host: want an error")
	}
	if _, err := wsload.DialIdle(ctx, "ws://127.0.0.1:1/ws", wsload.MaxClients+1, sub); err == nil {
		t.Error("DialIdle beyond MaxClients: want an error")
	}
}

func TestPercentile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 5}, {90, 9}, {99, 10}, {100, 10}, {0, 1}} {
		if got := wsload.Percentile(ds, tt.p); got != tt.want {
			t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := wsload.Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile of none = %v, want 0", got)
	}
}
