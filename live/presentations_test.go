package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/live/livetest"
)

// audience reads sub until a follower total of deckID arrives and returns it.
func audience(t *testing.T, sub *live.Subscription, deckID string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for the followers of %s: %v", deckID, err)
		}
		if m.Type == live.MessageEvent && m.Event.Type == guccho.EventPresentationAudience {
			var a deck.Audience
			json.Unmarshal(m.Event.Payload, &a)
			if a.Deck == deckID {
				return a.Followers
			}
		}
	}
}

func TestPresentationsSumTheCountsOfInstancesAndForgetSilentOnes(t *testing.T) {
	log := livetest.NewLog()
	hub := live.NewHub(log, live.Config{Poll: 10 * time.Millisecond})
	defer hub.Close(context.Background())
	p := live.NewPresentations(hub, log, live.PresentationConfig{Instance: "here", CountEvery: 10 * time.Millisecond,
		Heartbeat: 50 * time.Millisecond, Forget: 400 * time.Millisecond})
	defer p.Close()
	sub, err := hub.Subscribe(context.Background(), live.Filter{Topics: []string{live.TopicPresentations}, Deck: "d1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	unfollow := p.Follow("d1")
	p.Follow("d1")
	p.Follow("d2") // another deck's follower counts for d2 only
	for got := audience(t, sub, "d1"); got != 2; got = audience(t, sub, "d1") {
		if got != 1 {
			t.Fatalf("a total of %d while two followers joined; want 1, then 2", got)
		}
	}
	// Another instance says it holds 3, then falls silent: counted, then forgotten.
	log.Append(guccho.EventPresentationFollowers, deck.Followers{Deck: "d1", Instance: "elsewhere", Count: 3})
	if got := audience(t, sub, "d1"); got != 5 {
		t.Fatalf("with 3 followers elsewhere the total is %d; want 5", got)
	}
	start := time.Now()
	if got := audience(t, sub, "d1"); got != 2 {
		t.Fatalf("after the other instance fell silent the total is %d; want 2", got)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("the silent instance was forgotten after %v; want about Forget (400 ms)", waited)
	}
	// This instance keeps its heartbeat, so its own followers are never forgotten.
	time.Sleep(600 * time.Millisecond)
	if got := p.Followers("d1"); got != 2 {
		t.Errorf("after a few heartbeats the total is %d; want 2", got)
	}
	unfollow()
	unfollow() // a second call changes nothing
	for got := audience(t, sub, "d1"); got != 1; got = audience(t, sub, "d1") {
	}
	if got := p.Followers("d2"); got != 1 {
		t.Errorf("d2 has %d followers; want 1", got)
	}
}

func TestPresentationsKnowTheLatestPositionFromBeforeTheyStarted(t *testing.T) {
	log := livetest.NewLog()
	log.Append(guccho.EventPresentationMoved, deck.Position{Deck: "d1", Slide: 1})
	want := log.Append(guccho.EventPresentationMoved, deck.Position{Deck: "d1", Slide: 2}).ID
	log.Append(guccho.EventPresentationMoved, deck.Position{Deck: "d2", Slide: 0})
	hub := live.NewHub(log, live.Config{})
	defer hub.Close(context.Background())
	p := live.NewPresentations(hub, log, live.PresentationConfig{})
	defer p.Close()
	deadline := time.Now().Add(5 * time.Second)
	for p.LatestMove("d1") != want {
		if time.Now().After(deadline) {
			t.Fatalf("LatestMove(d1) = %d; want %d, read from the log", p.LatestMove("d1"), want)
		}
		time.Sleep(time.Millisecond)
	}
	if err := p.Move(context.Background(), deck.Position{Deck: "d1", Slide: -1}); guccho.ErrorCode(err) != guccho.EINVALID {
		t.Errorf("a negative slide: got %v; want an invalid error", err)
	}
}

func TestTheLastTotalSentIsTheCurrentOneWhileAnnouncementsRace(t *testing.T) {
	log := livetest.NewLog()
	hub := live.NewHub(log, live.Config{Poll: 5 * time.Millisecond})
	defer hub.Close(context.Background())
	p := live.NewPresentations(hub, log, live.PresentationConfig{Instance: "here"})
	defer p.Close()
	sub, err := hub.Subscribe(context.Background(), live.Filter{Topics: []string{live.TopicPresentations}, Deck: "d1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var mu sync.Mutex
	last := -1
	go func() {
		for {
			m, err := sub.Next(context.Background())
			if err != nil {
				return
			}
			var a deck.Audience
			if m.Type == live.MessageEvent && json.Unmarshal(m.Event.Payload, &a) == nil && m.Event.Type == guccho.EventPresentationAudience {
				mu.Lock()
				last = a.Followers
				mu.Unlock()
			}
		}
	}()
	// Subscribers announce themselves while other instances' counts arrive.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			p.Announce("d1")
			time.Sleep(50 * time.Microsecond)
		}
	}()
	var id int64
	for i := range 100 {
		id = log.Append(guccho.EventPresentationFollowers, deck.Followers{Deck: "d1", Instance: fmt.Sprint("other-", i%5), Count: i}).ID
	}
	<-done
	waitFor(t, func() bool { return hub.Stats().LastEventID >= id })
	want := 95 + 96 + 97 + 98 + 99 // the latest count of each of the five instances
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return last == want })
	if got := p.Followers("d1"); got != want {
		t.Errorf("Followers = %d; want %d", got, want)
	}
}

// waitFor waits up to 5 s for ok.
func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// slowLog holds its first append until release is closed.
type slowLog struct {
	*livetest.Log
	first   sync.Once
	release chan struct{}
}

func (l *slowLog) AppendEvent(ctx context.Context, typ string, payload any) (int64, error) {
	l.first.Do(func() { <-l.release })
	return l.Log.AppendEvent(ctx, typ, payload)
}

func TestASlowAppendIsNotOvertakenByTheNextPosition(t *testing.T) {
	log := &slowLog{Log: livetest.NewLog(), release: make(chan struct{})}
	hub := live.NewHub(log, live.Config{})
	defer hub.Close(context.Background())
	p := live.NewPresentations(hub, log, live.PresentationConfig{MoveEvery: 20 * time.Millisecond})
	defer p.Close()
	first := make(chan error)
	go func() {
		first <- p.Move(context.Background(), deck.Position{Deck: "d1", Slide: 1, State: deck.State{V: 1}})
	}()
	time.Sleep(5 * time.Millisecond)
	if err := p.Move(context.Background(), deck.Position{Deck: "d1", Slide: 2, State: deck.State{V: 1}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the second's interval has long ended
	close(log.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	var slides []int
	waitFor(t, func() bool {
		evs, _ := log.EventsAfter(context.Background(), 0, 10)
		slides = slides[:0]
		for _, ev := range evs {
			var pos deck.Position
			json.Unmarshal(ev.Payload, &pos)
			slides = append(slides, pos.Slide)
		}
		return len(slides) == 2
	})
	if slides[0] != 1 || slides[1] != 2 {
		t.Errorf("the log holds slides %v; want [1 2], the presenter's order", slides)
	}
}
