package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/live/livetest"
)

// change is an enterprise change at one point in one sector.
var change = livetest.PointChange

var everything = live.Filter{Topics: []string{live.TopicEnterprises, live.TopicAdmin, live.TopicClusters}}

func newHub(t *testing.T, store guccho.EventStore, cfg live.Config) *live.Hub {
	t.Helper()
	h := live.NewHub(store, cfg)
	t.Cleanup(func() { h.Close(context.Background()) })
	return h
}

func subscribe(t *testing.T, h *live.Hub, f live.Filter, last int64) *live.Subscription {
	t.Helper()
	s, err := h.Subscribe(context.Background(), f, last)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// next returns the subscription's next message, failing after a generous
// wait.
func next(t *testing.T, s *live.Subscription) *live.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := s.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return m
}

// nextEventIDs reads messages until it has n events and returns their ids.
func nextEventIDs(t *testing.T, s *live.Subscription, n int) []int64 {
	t.Helper()
	var ids []int64
	for len(ids) < n {
		if m := next(t, s); m.Type == live.MessageEvent {
			ids = append(ids, m.Event.ID)
		}
	}
	return ids
}

func wantGreeting(t *testing.T, s *live.Subscription, last int64) {
	t.Helper()
	m := next(t, s)
	var got struct {
		Type        string `json:"type"`
		LastEventID int64  `json:"last_event_id"`
	}
	json.Unmarshal(m.Data, &got)
	if m.Type != live.MessageSubscribed || got.Type != "subscribed" || got.LastEventID != last {
		t.Fatalf("got %s, want a subscribed message with last_event_id %d", m.Data, last)
	}
}

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

var ids = livetest.IDs

func TestHubDeliversEventsInOrder(t *testing.T) {
	store := livetest.NewLog()
	store.Change(change(90.4, 23.8, "dairy")) // before the hub: not delivered
	h := newHub(t, store, live.Config{})
	s := subscribe(t, h, everything, 0)
	wantGreeting(t, s, 1)
	for range 50 {
		store.Change(change(90.4, 23.8, "dairy"))
	}
	if got, want := nextEventIDs(t, s, 50), ids(2, 51); !slices.Equal(got, want) {
		t.Errorf("got ids %v, want %v", got, want)
	}
}

func TestHubFilters(t *testing.T) {
	bhairab := change(90.99, 24.05, "footwear")
	dhaka := change(90.40, 23.80, "dairy", "food processing")
	unplaced := guccho.EnterpriseChange{Action: "deleted", Count: 1, Sectors: []string{"dairy"}}
	boundaries := guccho.Event{Type: guccho.EventBoundariesReplaced}
	kishoreganj := &[4]float64{90.7, 24.0, 91.2, 24.6}
	tests := []struct {
		name   string
		filter live.Filter
		want   []string // names of the events below that match
	}{
		{"all topics", live.Filter{Topics: []string{"enterprises", "admin"}}, []string{"bhairab", "dhaka", "unplaced", "boundaries"}},
		{"enterprises only", live.Filter{Topics: []string{"enterprises"}}, []string{"bhairab", "dhaka", "unplaced"}},
		{"admin only", live.Filter{Topics: []string{"admin"}}, []string{"boundaries"}},
		{"centres only", live.Filter{Topics: []string{"centres"}, Bound: kishoreganj}, []string{"centres"}},
		{"bbox keeps changes inside it and other topics", live.Filter{Topics: []string{"enterprises", "admin"}, Bound: kishoreganj}, []string{"bhairab", "boundaries"}},
		{"bbox touching the change's edge", live.Filter{Topics: []string{"enterprises"}, Bound: &[4]float64{90.0, 23.0, 90.4, 23.8}}, []string{"dhaka"}},
		{"sector shared with the change", live.Filter{Topics: []string{"enterprises"}, Sectors: []string{"food processing"}}, []string{"dhaka"}},
		{"any of several sectors", live.Filter{Topics: []string{"enterprises"}, Sectors: []string{"footwear", "dairy"}}, []string{"bhairab", "dhaka", "unplaced"}},
		{"bbox and sector both", live.Filter{Topics: []string{"enterprises"}, Bound: kishoreganj, Sectors: []string{"dairy"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := livetest.NewLog()
			h := newHub(t, store, live.Config{})
			s := subscribe(t, h, tt.filter, 0)
			wantGreeting(t, s, 0)
			names := map[int64]string{}
			names[store.Change(bhairab).ID] = "bhairab"
			names[store.Change(dhaka).ID] = "dhaka"
			names[store.Change(unplaced).ID] = "unplaced"
			names[store.Append(boundaries.Type, map[string]int{"units": 5160}).ID] = "boundaries"
			names[store.Append(guccho.EventCentresChanged, guccho.NewCentreChange("created", "bhairab-csc")).ID] = "centres"
			// A last event every filter matches marks the end.
			waitHub(t, h, 5)
			s.SetFilter(live.Filter{Topics: []string{"clusters"}})
			store.Append("clusters.found", map[string]int{"count": 1})
			var got []string
			for {
				m := next(t, s)
				if m.Type != live.MessageEvent {
					continue
				}
				if m.Event.Type == "clusters.found" {
					break
				}
				got = append(got, names[m.Event.ID])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHubRefusesBadFilters(t *testing.T) {
	h := newHub(t, livetest.NewLog(), live.Config{})
	tests := []struct {
		name   string
		filter live.Filter
	}{
		{"no topics", live.Filter{}},
		{"unknown topic", live.Filter{Topics: []string{"enterprise"}}},
		{"bbox west of east", live.Filter{Topics: []string{"enterprises"}, Bound: &[4]float64{91, 23, 90, 24}}},
		{"bbox beyond the poles", live.Filter{Topics: []string{"enterprises"}, Bound: &[4]float64{90, -100, 91, 24}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.Subscribe(context.Background(), tt.filter, 0)
			if got := guccho.ErrorCode(err); got != guccho.EINVALID {
				t.Errorf("got %v (code %q), want code %q", err, got, guccho.EINVALID)
			}
		})
	}
}

func TestHubSetFilterAppliesToLaterEvents(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{})
	s := subscribe(t, h, live.Filter{Topics: []string{"enterprises"}, Sectors: []string{"dairy"}}, 0)
	wantGreeting(t, s, 0)
	store.Change(change(90.4, 23.8, "dairy"))    // 1: matches the first filter
	store.Change(change(90.4, 23.8, "footwear")) // 2: matches neither
	if got := nextEventIDs(t, s, 1); got[0] != 1 {
		t.Fatalf("got event %d, want 1", got[0])
	}
	waitHub(t, h, 2)
	if err := s.SetFilter(live.Filter{Topics: []string{"enterprises"}, Sectors: []string{"footwear"}}); err != nil {
		t.Fatal(err)
	}
	wantGreeting(t, s, 2)
	store.Change(change(90.4, 23.8, "dairy"))    // 3: matches only the first filter
	store.Change(change(90.4, 23.8, "footwear")) // 4
	if got := nextEventIDs(t, s, 1); got[0] != 4 {
		t.Errorf("got event %d, want 4", got[0])
	}
}

func TestHubReplaysMissedEventsThenLiveOnesWithoutDuplicates(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{Page: 7}) // small pages: the replay takes several reads
	first := subscribe(t, h, everything, 0)
	wantGreeting(t, first, 0)
	for range 40 {
		store.Change(change(90.4, 23.8, "dairy"))
	}
	nextEventIDs(t, first, 40) // the hub is at 40

	// A client that saw up to 10 reconnects while writes go on.
	var writer sync.WaitGroup
	writer.Go(func() {
		for range 200 {
			store.Change(change(90.4, 23.8, "dairy"))
		}
	})
	s := subscribe(t, h, everything, 10)
	writer.Wait()
	latest, _ := store.LatestEventID(context.Background())

	var got []int64
	greeted := false
	for len(got) == 0 || got[len(got)-1] < latest {
		m := next(t, s)
		switch m.Type {
		case live.MessageEvent:
			got = append(got, m.Event.ID)
		case live.MessageSubscribed:
			greeted = true
		default:
			t.Fatalf("unexpected message %s", m.Data)
		}
	}
	if want := ids(11, latest); !slices.Equal(got, want) {
		t.Errorf("got ids %v, want %v", got, want)
	}
	if !greeted {
		t.Error("no subscribed message between replay and live events")
	}
}

func TestHubReplayFollowsTheFilter(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{})
	store.Change(change(90.4, 23.8, "dairy"))    // 1
	store.Change(change(90.4, 23.8, "footwear")) // 2
	store.Change(change(90.4, 23.8, "dairy"))    // 3
	waitHub(t, h, 3)
	s := subscribe(t, h, live.Filter{Topics: []string{"enterprises"}, Sectors: []string{"dairy"}}, 1)
	if got := nextEventIDs(t, s, 1); got[0] != 3 {
		t.Errorf("got event %d, want 3", got[0])
	}
	wantGreeting(t, s, 3)
}

func TestHubResetsWhenTheLogNoLongerReachesBack(t *testing.T) {
	tests := []struct {
		name      string
		last      int64
		wantReset bool
	}{
		{"the oldest kept event is next", 4, false},
		{"events between were pruned", 3, true},
		{"an id the log never had", 99, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := livetest.NewLog()
			for range 10 {
				store.Change(change(90.4, 23.8, "dairy"))
			}
			store.Prune(5)
			h := newHub(t, store, live.Config{})
			s := subscribe(t, h, everything, tt.last)
			m := next(t, s)
			if got := m.Type == live.MessageReset; got != tt.wantReset {
				t.Fatalf("got first message %s, want reset %v", m.Data, tt.wantReset)
			}
			if tt.wantReset {
				wantGreeting(t, s, 10)
			} else if m.Event.ID != 5 {
				t.Errorf("got event %d first, want 5", m.Event.ID)
			}
		})
	}
}

func TestHubDropsASlowSubscriberAndNoOneElse(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{Buffer: 8})
	slow := subscribe(t, h, everything, 0) // never reads
	fast := subscribe(t, h, everything, 0)
	wantGreeting(t, fast, 0)
	for i := range 100 {
		store.Change(change(90.4, 23.8, "dairy"))
		if got := nextEventIDs(t, fast, 1); got[0] != int64(i+1) {
			t.Fatalf("fast subscriber got %d, want %d", got[0], i+1)
		}
	}
	select {
	case <-slow.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the slow subscriber was not dropped")
	}
	if _, err := slow.Next(context.Background()); !errors.Is(err, live.ErrTooSlow) {
		t.Errorf("slow subscriber's Next: got %v, want ErrTooSlow", err)
	}
	if st := h.Stats(); st.Dropped != 1 || st.Subscribers != 1 {
		t.Errorf("got stats %+v, want 1 dropped and 1 subscriber", st)
	}
}

func TestHubTransientEventsGoToTheirTopicOnly(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{})
	imports := subscribe(t, h, live.Filter{Topics: []string{"imports"}}, 0)
	others := subscribe(t, h, everything, 0)
	wantGreeting(t, imports, 0)
	wantGreeting(t, others, 0)
	h.PublishTransient(guccho.Event{ID: 77, Type: guccho.EventImportProgress, Payload: json.RawMessage(`{"rows":10}`)})
	store.Change(change(90.4, 23.8, "dairy"))

	m := next(t, imports)
	if m.Event.Type != guccho.EventImportProgress || m.Event.ID != 0 || m.Event.Time.IsZero() {
		t.Errorf("imports subscriber got %+v, want import progress with id 0 and a time", m.Event)
	}
	if m := next(t, others); m.Event.Type != guccho.EventEnterprisesChanged {
		t.Errorf("other subscriber got %s first, want the enterprise change", m.Data)
	}
}

func TestHubOnEventSeesEveryLogEventOnce(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{Page: 3})
	var mu sync.Mutex
	var seen []int64
	h.OnEvent(func(ev guccho.Event) {
		mu.Lock()
		seen = append(seen, ev.ID)
		mu.Unlock()
	})
	subscribe(t, h, everything, 0) // waits until the hub knows where it starts
	h.PublishTransient(guccho.Event{Type: guccho.EventImportProgress})
	for range 20 {
		store.Change(change(90.4, 23.8, "dairy"))
	}
	got := func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(got()) < 20 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if want := ids(1, 20); !slices.Equal(got(), want) {
		t.Errorf("got %v, want %v", got(), want)
	}
}

func TestHubPollsWhenTheStoreDoesNotSignal(t *testing.T) {
	store := livetest.NewLog()
	store.Silence()
	h := newHub(t, store, live.Config{Poll: 5 * time.Millisecond})
	s := subscribe(t, h, everything, 0)
	wantGreeting(t, s, 0)
	store.Change(change(90.4, 23.8, "dairy"))
	if got := nextEventIDs(t, s, 1); got[0] != 1 {
		t.Errorf("got %d, want 1", got[0])
	}
}

func TestHubCloseEndsSubscriptionsAndWaitsForTheirOwners(t *testing.T) {
	h := live.NewHub(livetest.NewLog(), live.Config{})
	s, err := h.Subscribe(context.Background(), everything, 0)
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- h.Close(context.Background()) }()
	<-s.Done()
	if got := s.Err(); !errors.Is(got, live.ErrHubClosed) {
		t.Errorf("subscription ended with %v, want ErrHubClosed", got)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v before the owner closed its subscription", err)
	case <-time.After(20 * time.Millisecond):
	}
	s.Close()
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := h.Subscribe(context.Background(), everything, 0); !errors.Is(err, live.ErrHubClosed) {
		t.Errorf("Subscribe after Close: got %v, want ErrHubClosed", err)
	}
}

func TestHubCloseGivesUpWhenItsContextEnds(t *testing.T) {
	h := live.NewHub(livetest.NewLog(), live.Config{})
	s, err := h.Subscribe(context.Background(), everything, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
