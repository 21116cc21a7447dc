package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/live/livetest"
	"github.com/guccho/guccho/server"
)

// follow subscribes c to deckID's presentation as a follower, returning
// the events replayed before the server's subscribed message.
func follow(t testing.TB, c *websocket.Conn, deckID string) []guccho.Event {
	t.Helper()
	send(t, c, map[string]any{"type": "subscribe", "topics": []string{"presentations"}, "deck": deckID, "follow": true})
	var replayed []guccho.Event
	for {
		m := read(t, c)
		switch m.Type {
		case "subscribed":
			return replayed
		case "event":
			replayed = append(replayed, m.Event)
		default:
			t.Fatalf("got %+v, want events and a subscribed message", m)
		}
	}
}

// presenter opens a connection with the editor token subscribed to deckID's
// presentation (not following).
func (f *wsFixture) presenter(t testing.TB, deckID string) *websocket.Conn {
	t.Helper()
	c := f.dial(t, "token="+editorSecret)
	subscribeWS(t, c, map[string]any{"topics": []string{"presentations"}, "deck": deckID})
	return c
}

func present(t testing.TB, c *websocket.Conn, deckID string, slide int, params map[string]string) {
	t.Helper()
	send(t, c, map[string]any{"type": "present", "deck": deckID, "slide": slide,
		"state": map[string]any{"v": 1, "view": "clusters", "params": params}})
}

// nextEvent reads until an event of type typ arrives.
func nextEvent(t testing.TB, c *websocket.Conn, typ string) guccho.Event {
	t.Helper()
	for {
		m := read(t, c)
		if m.Type == "event" && m.Event.Type == typ {
			return m.Event
		}
	}
}

func positionOf(t testing.TB, ev guccho.Event) deck.Position {
	t.Helper()
	var p deck.Position
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		t.Fatalf("payload %s: %v", ev.Payload, err)
	}
	return p
}

// waitFollowers reads the presenter's connection until the follower total
// of deckID is want.
func waitFollowers(t testing.TB, c *websocket.Conn, deckID string, want int) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	last := -1
	for {
		var m wsMessage
		if err := c.ReadJSON(&m); err != nil {
			t.Fatalf("waiting for %d followers (last heard %d): %v", want, last, err)
		}
		if m.Type != "event" || m.Event.Type != guccho.EventPresentationAudience {
			continue
		}
		var a deck.Audience
		json.Unmarshal(m.Event.Payload, &a)
		if a.Deck != deckID {
			t.Fatalf("audience of deck %q reached a subscriber of %q", a.Deck, deckID)
		}
		if last = a.Followers; last == want {
			return
		}
	}
}

func TestAPresentersPositionReachesTheFollowersOfItsDeckOnly(t *testing.T) {
	f := newWSServer(t)
	a := f.dial(t, "")
	follow(t, a, "d1")
	other := f.dial(t, "")
	follow(t, other, "d2")
	p := f.presenter(t, "d1")

	present(t, p, "d1", 1, map[string]string{"z": "8", "lon": "90.4", "lat": "23.8"})
	got := positionOf(t, nextEvent(t, a, guccho.EventPresentationMoved))
	if got.Deck != "d1" || got.Slide != 1 || got.State.View != "clusters" || got.State.Params["lon"] != "90.4" {
		t.Errorf("the follower got %+v; want deck d1, slide 1 of clusters at lon 90.4", got)
	}
	// The follower of d2 heard nothing of d1: its first position is d2's.
	time.Sleep(250 * time.Millisecond)
	present(t, p, "d2", 4, map[string]string{"z": "6"})
	if got := positionOf(t, nextEvent(t, other, guccho.EventPresentationMoved)); got.Deck != "d2" || got.Slide != 4 {
		t.Errorf("the follower of d2 got %+v first; want d2's slide 4", got)
	}
}

func TestAFollowerWhoJoinsLateStartsFromThePresentersLatestPosition(t *testing.T) {
	f := newWSServer(t)
	p := f.presenter(t, "d1")
	present(t, p, "d1", 0, map[string]string{"z": "7"})
	time.Sleep(250 * time.Millisecond) // past the throttle, so both reach the log
	present(t, p, "d1", 2, map[string]string{"z": "9"})
	waitMoves(t, f.events, 2)
	waitHub(t, f.srv.Hub(), latest(t, f.events))

	replayed := follow(t, f.dial(t, ""), "d1")
	if len(replayed) != 1 || positionOf(t, replayed[0]).Slide != 2 {
		t.Fatalf("a late follower was sent %+v; want only the latest position (slide 2)", replayed)
	}
}

func TestThePresenterSeesHowManyFollow(t *testing.T) {
	f := newWSServer(t)
	p := f.presenter(t, "d1")
	waitFollowers(t, p, "d1", 0)
	a := f.dial(t, "")
	follow(t, a, "d1")
	b := f.dial(t, "")
	follow(t, b, "d1")
	waitFollowers(t, p, "d1", 2)
	// A subscriber that does not follow (a second presenter's window) is not counted;
	// a follower who leaves is no longer.
	f.presenter(t, "d1")
	a.Close()
	waitFollowers(t, p, "d1", 1)
}

func TestFollowersOfTwoInstancesAreCountedTogether(t *testing.T) {
	events := livetest.NewLog()
	url := func(srv *server.Server) string {
		ts := newTestServer(t, srv)
		return "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"
	}
	one := &wsFixture{events: events, srv: server.New(server.Config{Events: events, Tokens: editorTokens(), Instance: "one"})}
	two := &wsFixture{events: events, srv: server.New(server.Config{Events: events, Tokens: editorTokens(), Instance: "two"})}
	one.url, two.url = url(one.srv), url(two.srv)

	p := one.presenter(t, "d1")
	follow(t, one.dial(t, ""), "d1")
	far := two.dial(t, "")
	follow(t, far, "d1")
	waitFollowers(t, p, "d1", 2)

	present(t, p, "d1", 3, map[string]string{"z": "10"})
	if got := positionOf(t, nextEvent(t, far, guccho.EventPresentationMoved)); got.Slide != 3 {
		t.Errorf("the follower on the other instance got slide %d; want 3", got.Slide)
	}
}

func TestPresentersMovesAreThrottledAndTheLastOneArrives(t *testing.T) {
	f := newWSServer(t)
	p := f.presenter(t, "d1")
	start := time.Now()
	for i := range 20 {
		present(t, p, "d1", 0, map[string]string{"z": "7", "step": string(rune('a' + i))})
	}
	sent := time.Since(start)
	time.Sleep(300 * time.Millisecond)
	evs := movedEvents(t, f.events)
	// One at once, then at most one per 200 ms while the 20 were sent, and one at the end.
	if most := 2 + int(sent/(200*time.Millisecond)); len(evs) > most || len(evs) < 2 {
		t.Errorf("20 positions sent in %v reached the log as %d events; want 2 to %d", sent, len(evs), most)
	}
	if last := positionOf(t, evs[len(evs)-1]); last.State.Params["step"] != "t" {
		t.Errorf("the last position in the log has step %q; want the last one sent, %q", last.State.Params["step"], "t")
	}
}

func TestWSPresentingRefusesAnonymousPresentersAndBadPositions(t *testing.T) {
	f := newWSServer(t)
	text := func(s string) func(*websocket.Conn) error {
		return func(c *websocket.Conn) error { return c.WriteMessage(websocket.TextMessage, []byte(s)) }
	}
	subscribed := `{"type":"subscribe","topics":["presentations"],"deck":"d1"}`
	tests := []struct {
		name   string
		token  string
		first  string // sent before, unless empty
		send   string
		reason string
	}{
		{"an anonymous presenter", "", subscribed, `{"type":"present","deck":"d1","slide":0,"state":{"v":1,"params":{}}}`, "editor"},
		{"presenting before subscribing", editorSecret, "", `{"type":"present","deck":"d1","slide":0,"state":{"v":1,"params":{}}}`, "subscribe message first"},
		{"no deck", editorSecret, subscribed, `{"type":"present","slide":0,"state":{"v":1,"params":{}}}`, `field "deck"`},
		{"a negative slide", editorSecret, subscribed, `{"type":"present","deck":"d1","slide":-1,"state":{"v":1,"params":{}}}`, `field "slide"`},
		{"a slide that is not a number", editorSecret, subscribed, `{"type":"present","deck":"d1","slide":"two","state":{}}`, "present: malformed"},
		{"an empty parameter name", editorSecret, subscribed, `{"type":"present","deck":"d1","slide":0,"state":{"v":1,"params":{"":"7"}}}`, `field "state.params"`},
		{"following without a deck", "", "", `{"type":"subscribe","topics":["presentations"],"follow":true}`, "follow"},
		{"following with other topics", "", "", `{"type":"subscribe","topics":["presentations","enterprises"],"deck":"d1","follow":true}`, "follow"},
		{"a deck id too long", "", "", `{"type":"subscribe","topics":["presentations"],"deck":"` + strings.Repeat("d", 201) + `"}`, `field "deck"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ""
			if tt.token != "" {
				q = "token=" + tt.token
			}
			c := f.dial(t, q)
			if tt.first != "" {
				text(tt.first)(c)
				if m := read(t, c); m.Type != "subscribed" {
					t.Fatalf("got %+v, want subscribed", m)
				}
			}
			if err := text(tt.send)(c); err != nil {
				t.Fatal(err)
			}
			wantClosed(t, c, websocket.ClosePolicyViolation, tt.reason)
		})
	}
	if evs := movedEvents(t, f.events); len(evs) != 0 {
		t.Errorf("refused positions reached the log: %+v", evs)
	}
}

func TestPOSTPresentationRelaysAnEditorsPosition(t *testing.T) {
	f := newWSServer(t)
	a := f.dial(t, "")
	follow(t, a, "d1")
	tests := []struct {
		name   string
		token  string
		body   string
		status int
		want   string
	}{
		{"anonymous", "", `{"slide":1,"state":{"v":1,"params":{"z":"7"}}}`, http.StatusUnauthorized, "editor"},
		{"a negative slide", editorSecret, `{"slide":-2,"state":{"v":1,"params":{}}}`, http.StatusBadRequest, `-2 is not a slide number`},
		{"an unknown field", editorSecret, `{"slide":1,"camera":{}}`, http.StatusBadRequest, "camera"},
		{"an editor", editorSecret, `{"slide":1,"state":{"v":1,"view":"explore","params":{"z":"7"}}}`, http.StatusAccepted, `"slide":1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/api/decks/d1/presentation", strings.NewReader(tt.body))
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
				t.Errorf("got %d %s; want %d with %s", res.StatusCode, b, tt.status, tt.want)
			}
		})
	}
	if got := positionOf(t, nextEvent(t, a, guccho.EventPresentationMoved)); got.Slide != 1 || got.State.Params["z"] != "7" {
		t.Errorf("the follower got %+v; want slide 1 at z 7", got)
	}
}

// movedEvents returns the presentation.moved events of log.
func movedEvents(t testing.TB, log *livetest.Log) []guccho.Event {
	t.Helper()
	evs, err := log.EventsAfter(context.Background(), 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []guccho.Event
	for _, ev := range evs {
		if ev.Type == guccho.EventPresentationMoved {
			out = append(out, ev)
		}
	}
	return out
}

// waitMoves waits until log holds n presentation.moved events.
func waitMoves(t testing.TB, log *livetest.Log, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(movedEvents(t, log)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the log did not reach %d presentation.moved events", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func latest(t testing.TB, log *livetest.Log) int64 {
	t.Helper()
	id, err := log.LatestEventID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// editorTokens knows the editor token.
func editorTokens() memTokens {
	return memTokens{guccho.HashSecret(editorSecret): {ID: "ed", Name: "editor", Role: guccho.RoleEditor}}
}

// newTestServer serves srv until the test ends.
func newTestServer(t testing.TB, srv *server.Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	return ts
}

func TestPresentingOnTheEmbeddedStoreNeedsADeckThatExists(t *testing.T) {
	ts, token := fullServer(t, nil)
	var v deck.View
	r := sendJSON(t, http.MethodPost, ts.URL+"/api/views", token, `{"title":{"en":"Dairy"},"state":{"v":1,"view":"","params":{"z":"7"}}}`)
	wantStatus(t, "POST a view", r, http.StatusCreated)
	decode(t, r, &v)
	var d deck.Deck
	r = sendJSON(t, http.MethodPost, ts.URL+"/api/decks", token, `{"title":{"en":"Board"},"view_ids":["`+v.ID+`"]}`)
	wantStatus(t, "POST a deck", r, http.StatusCreated)
	decode(t, r, &d)
	f := &wsFixture{ts: ts, url: "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"}

	follower := f.dial(t, "")
	follow(t, follower, d.ID)
	wantStatus(t, "POST to an unknown deck", sendJSON(t, http.MethodPost, ts.URL+"/api/decks/nope/presentation", token, `{"slide":0,"state":{"v":1,"params":{}}}`), http.StatusNotFound)
	wantStatus(t, "POST to the deck", sendJSON(t, http.MethodPost, ts.URL+"/api/decks/"+d.ID+"/presentation", token, `{"slide":0,"state":{"v":1,"view":"","params":{"z":"7"}}}`), http.StatusAccepted)
	if got := positionOf(t, nextEvent(t, follower, guccho.EventPresentationMoved)); got.Deck != d.ID || got.State.Params["z"] != "7" {
		t.Errorf("the follower got %+v; want deck %s at z 7", got, d.ID)
	}

	p := f.dial(t, "token="+token)
	subscribeWS(t, p, map[string]any{"topics": []string{"presentations"}, "deck": "nope"})
	present(t, p, "nope", 0, map[string]string{"z": "7"})
	wantClosed(t, p, websocket.ClosePolicyViolation, `no deck "nope"`)
}
