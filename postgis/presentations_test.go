package postgis_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/wsload"
)

// presenterSecret is the editor token the presentation tests store.
const presenterSecret = "gct_presenter"

// storePresenter stores the editor token presenters use.
func storePresenter(tb testing.TB, in *instance) {
	tb.Helper()
	tok := &guccho.Token{ID: "tok_presenter", Name: "presenter", Role: guccho.RoleEditor, CreatedAt: time.Now().UTC()}
	if err := in.store.CreateToken(context.Background(), tok, guccho.HashSecret(presenterSecret)); err != nil {
		tb.Fatal(err)
	}
}

// storeDeck stores a deck of one saved view under id.
func storeDeck(tb testing.TB, in *instance, id string) {
	tb.Helper()
	ctx := context.Background()
	v := &deck.View{Title: deck.Text{EN: "Dairy"}, State: deck.State{V: 1, Params: map[string]string{"z": "7"}}}
	if err := in.store.CreateView(ctx, v); err != nil {
		tb.Fatal(err)
	}
	if err := in.store.CreateDeck(ctx, &deck.Deck{ID: id, Title: deck.Text{EN: "Board"}, ViewIDs: []string{v.ID}}); err != nil {
		tb.Fatal(err)
	}
}

// dialDeck opens a websocket to in subscribed to deckID's presentation, as
// a follower or (with the presenter's token) as its presenter.
func dialDeck(tb testing.TB, in *instance, deckID string, presenter bool) *websocket.Conn {
	tb.Helper()
	u := "ws" + strings.TrimPrefix(in.ts.URL, "http") + "/ws"
	if presenter {
		u += "?token=" + presenterSecret
	}
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	msg := map[string]any{"type": "subscribe", "topics": []string{"presentations"}, "deck": deckID, "follow": !presenter}
	if err := c.WriteJSON(msg); err != nil {
		tb.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var m wsMessage
		if err := c.ReadJSON(&m); err != nil {
			tb.Fatalf("subscribing to %s: %v", deckID, err)
		}
		if m.Type == "subscribed" {
			return c
		}
	}
}

// readPresentation reads c until an event of type typ arrives and decodes
// its payload into v.
func readPresentation(tb testing.TB, c *websocket.Conn, typ string, v any) {
	tb.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var m wsMessage
		if err := c.ReadJSON(&m); err != nil {
			tb.Fatalf("waiting for %s: %v", typ, err)
		}
		if m.Type == "event" && m.Event.Type == typ {
			if err := json.Unmarshal(m.Event.Payload, v); err != nil {
				tb.Fatal(err)
			}
			return
		}
	}
}

func TestAPresentationReachesFollowersOnBothInstancesWhoAreCountedTogether(t *testing.T) {
	url := pgtest.NewDatabase(t)
	one, two := startInstance(t, url), startInstance(t, url)
	storePresenter(t, one)
	storeDeck(t, one, "d1")

	p := dialDeck(t, one, "d1", true)
	near, far := dialDeck(t, one, "d1", false), dialDeck(t, two, "d1", false)
	for {
		var a deck.Audience
		readPresentation(t, p, guccho.EventPresentationAudience, &a)
		if a.Followers == 2 {
			break
		}
	}
	state := map[string]any{"v": 1, "view": "clusters", "params": map[string]string{"z": "9", "lon": "90.9", "lat": "24.1"}}
	if err := p.WriteJSON(map[string]any{"type": "present", "deck": "d1", "slide": 2, "state": state}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*websocket.Conn{"this instance": near, "the other instance": far} {
		var got deck.Position
		readPresentation(t, c, guccho.EventPresentationMoved, &got)
		if got.Slide != 2 || got.State.View != "clusters" || got.State.Params["lon"] != "90.9" {
			t.Errorf("the follower on %s got %+v; want slide 2 of clusters at lon 90.9", name, got)
		}
	}
	// A follower on the other instance leaves: the presenter's count drops.
	far.Close()
	for {
		var a deck.Audience
		readPresentation(t, p, guccho.EventPresentationAudience, &a)
		if a.Followers == 1 {
			break
		}
	}
}

// BenchmarkPresentationLatencyPostGIS measures, on real PostGIS, the time
// from a presenter sending its position over /ws to the position arriving
// at every one of 100 followers, split between the presenter's instance and
// a second instance on the same database (half hear of it through
// LISTEN/NOTIFY). Positions are sent MoveEvery (200 ms) apart, so the
// throttle never holds one back: the figure is the relay's own. p50/p99 are
// over every follower's arrival.
//
// BenchmarkWSLatencyPostGIS/instances=2/clients=100 is the baseline: an
// edit committed directly to the store reaching as many clients.
//
//	go test -run '^$' -bench 'WSLatencyPostGIS/instances=2/clients=100$|PresentationLatencyPostGIS' -benchtime 50x ./postgis
func BenchmarkPresentationLatencyPostGIS(b *testing.B) {
	const followers = 100
	url := pgtest.NewDatabase(b)
	one, two := startInstance(b, url), startInstance(b, url)
	storePresenter(b, one)
	storeDeck(b, one, "bench")
	p := dialDeck(b, one, "bench", true)

	type arrival struct {
		n  int
		at time.Time
	}
	arrivals := make(chan arrival, followers*4)
	for i := range followers {
		in := one
		if i%2 == 1 {
			in = two
		}
		c := dialDeck(b, in, "bench", false)
		c.SetReadDeadline(time.Time{})
		go func() {
			for {
				var m wsMessage
				if err := c.ReadJSON(&m); err != nil {
					return
				}
				if m.Type != "event" || m.Event.Type != guccho.EventPresentationMoved {
					continue
				}
				var pos deck.Position
				json.Unmarshal(m.Event.Payload, &pos)
				n, _ := strconv.Atoi(pos.State.Params["n"])
				arrivals <- arrival{n, time.Now()}
			}
		}()
	}
	var lat []time.Duration
	last := time.Time{}
	step := func(n int) {
		time.Sleep(time.Until(last.Add(210 * time.Millisecond)))
		last = time.Now()
		state := map[string]any{"v": 1, "view": "explore", "params": map[string]string{"z": "8", "n": strconv.Itoa(n)}}
		if err := p.WriteJSON(map[string]any{"type": "present", "deck": "bench", "slide": n % 100, "state": state}); err != nil {
			b.Fatal(err)
		}
		timeout := time.After(20 * time.Second)
		for got := 0; got < followers; {
			select {
			case a := <-arrivals:
				if a.n == n {
					got++
					lat = append(lat, a.at.Sub(last))
				}
			case <-timeout:
				b.Fatalf("position %d reached %d of %d followers within 20 s", n, got, followers)
			}
		}
	}
	step(0) // warm up
	lat = lat[:0]
	b.ResetTimer()
	for i := range b.N {
		step(i + 1)
	}
	b.StopTimer()
	b.ReportMetric(float64(wsload.Percentile(lat, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(wsload.Percentile(lat, 99).Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(lat)), "arrivals")
}
