package live_test

import (
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/live/livetest"
)

func TestHubDeliversValuechainChangesOnTheirTopic(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{})
	chains := subscribe(t, h, live.Filter{Topics: []string{live.TopicValuechains}}, 0)
	enterprises := subscribe(t, h, live.Filter{Topics: []string{live.TopicEnterprises}, Sectors: []string{"dairy"}}, 0)
	wantGreeting(t, chains, 0)
	wantGreeting(t, enterprises, 0)
	store.Change(change(90.4, 23.8, "dairy"))
	vc := store.Append(guccho.EventValuechainsChanged, map[string]string{"action": "updated", "chain": "demo-dairy-shahjadpur", "sector": "dairy"})
	if m := next(t, chains); m.Type != live.MessageEvent || m.Event.ID != vc.ID || m.Event.Type != guccho.EventValuechainsChanged {
		t.Errorf("the valuechains subscriber got %s, want event %d", m.Data, vc.ID)
	}
	// The enterprise subscriber gets its change, then (at the end marker)
	// nothing of the value chain.
	if m := next(t, enterprises); m.Type != live.MessageEvent || m.Event.Type != guccho.EventEnterprisesChanged {
		t.Errorf("the enterprises subscriber got %s first", m.Data)
	}
	enterprises.SetFilter(live.Filter{Topics: []string{live.TopicEnterprises, live.TopicClusters}})
	end := store.Append("clusters.found", map[string]int{"count": 1})
	for {
		m := next(t, enterprises)
		if m.Type != live.MessageEvent {
			continue // the greeting of the new filter
		}
		if m.Event.ID != end.ID {
			t.Errorf("the enterprises subscriber got %s, want only the end marker %d", m.Data, end.ID)
		}
		break
	}
}
