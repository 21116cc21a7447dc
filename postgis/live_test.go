package postgis_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/server"
)

// instance is one Guccho server on a PostGIS database.
type instance struct {
	store *postgis.Store
	ts    *httptest.Server
}

func startInstance(t testing.TB, url string) *instance {
	t.Helper()
	s, err := postgis.Open(context.Background(), url, postgis.Options{VersionPoll: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	g := &importer.Geocoders{Store: s, Version: s.BoundariesVersion}
	srv := server.New(server.Config{Store: s, Sectors: sectors, Geocoders: g,
		Importer: &importer.Importer{Store: s, Sectors: sectors, Geocoders: g}, StoreName: "postgis"})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close(); s.Close() })
	return &instance{store: s, ts: ts}
}

// subscribe opens a websocket to an instance and subscribes to enterprise
// changes, returning the connection once the server confirmed.
func subscribe(t *testing.T, in *instance, lastEventID int64) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(in.ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.WriteJSON(map[string]any{"type": "subscribe", "topics": []string{"enterprises"}, "last_event_id": lastEventID}); err != nil {
		t.Fatal(err)
	}
	return c
}

type wsMessage struct {
	Type  string
	Event guccho.Event
}

// nextChange reads until an enterprises.changed event arrives.
func nextChange(t *testing.T, c *websocket.Conn) (int64, guccho.EnterpriseChange) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var m wsMessage
		if err := c.ReadJSON(&m); err != nil {
			t.Fatalf("waiting for an event: %v", err)
		}
		if m.Type == "event" && m.Event.Type == guccho.EventEnterprisesChanged {
			var ch guccho.EnterpriseChange
			json.Unmarshal(m.Event.Payload, &ch)
			return m.Event.ID, ch
		}
	}
}

func post(t *testing.T, in *instance, token, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", in.ts.URL+"/api/enterprises", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("POST /api/enterprises = %d", res.StatusCode)
	}
}

// TestAnEditReachesAnotherInstance: two Guccho instances on one database;
// an edit through A reaches a websocket client of B (LISTEN/NOTIFY), and
// both drop the tiles it touched.
func TestAnEditReachesAnotherInstance(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, b := startInstance(t, url), startInstance(t, url)
	ctx := context.Background()
	if err := a.store.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	tok, secret, _ := guccho.NewToken(guccho.RoleEditor, "a")
	if err := a.store.CreateToken(ctx, tok, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	onB := subscribe(t, b, 0)
	time.Sleep(200 * time.Millisecond) // let B's subscription settle
	post(t, a, secret, `{"id":"X1","name":"X1","sector":"dairy","gps":[90.5,22.5]}`)
	_, ch := nextChange(t, onB)
	if ch.Action != "created" || len(ch.IDs) != 1 || ch.IDs[0] != "X1" {
		t.Errorf("B's client got %+v, want X1 created", ch)
	}
}

// TestClientsMissNothingAcrossADatabaseRestart: the database restarts under
// a connected client; a write made right after it returns reaches the
// client (the listener reconnects and catches up), and a client that
// reconnects with its last event id gets what it missed.
func TestClientsMissNothingAcrossADatabaseRestart(t *testing.T) {
	c := pgtest.NewCluster(t)
	in := startInstance(t, c.URL("postgres"))
	ctx := context.Background()
	if err := in.store.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	tok, secret, _ := guccho.NewToken(guccho.RoleEditor, "a")
	if err := in.store.CreateToken(ctx, tok, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	ws := subscribe(t, in, 0)
	time.Sleep(200 * time.Millisecond)
	post(t, in, secret, `{"id":"R1","name":"R1","sector":"dairy","gps":[90.5,22.5]}`)
	first, _ := nextChange(t, ws)
	if err := c.Restart(nil); err != nil {
		t.Fatal(err)
	}
	// Writes may fail for a moment while the pool reconnects.
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("POST", in.ts.URL+"/api/enterprises", strings.NewReader(`{"id":"R2","name":"R2","sector":"dairy","gps":[90.6,22.6]}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 201 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no write succeeded within 30 s of the restart")
		}
		time.Sleep(200 * time.Millisecond)
	}
	second, ch := nextChange(t, ws)
	if second <= first || ch.IDs[0] != "R2" {
		t.Errorf("after the restart the client got event %d %+v, want R2 after %d", second, ch, first)
	}
	// A client that was away since the first event gets the second on
	// reconnecting.
	late := subscribe(t, in, first)
	id, ch := nextChange(t, late)
	if id != second || ch.IDs[0] != "R2" {
		t.Errorf("replay after reconnecting = %d %+v, want %d (R2)", id, ch, second)
	}
}
