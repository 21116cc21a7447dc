package live_test

import (
	"testing"

	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/live/livetest"
)

func TestHubDeliversDeckChangesOnTheirTopic(t *testing.T) {
	store := livetest.NewLog()
	h := newHub(t, store, live.Config{})
	decks := subscribe(t, h, live.Filter{Topics: []string{live.TopicDecks}}, 0)
	chains := subscribe(t, h, live.Filter{Topics: []string{live.TopicValuechains}}, 0)
	wantGreeting(t, decks, 0)
	wantGreeting(t, chains, 0)
	ev := store.Append(deck.EventChanged, deck.Change{Action: "updated", Kind: "deck", ID: "d-board"})
	if m := next(t, decks); m.Type != live.MessageEvent || m.Event.ID != ev.ID || m.Event.Type != deck.EventChanged {
		t.Errorf("the decks subscriber got %s, want event %d", m.Data, ev.ID)
	}
	end := store.Append("valuechains.changed", map[string]string{"action": "updated", "chain": "c"})
	if m := next(t, chains); m.Type != live.MessageEvent || m.Event.ID != end.ID {
		t.Errorf("the valuechains subscriber got %s, want only the end marker %d", m.Data, end.ID)
	}
}
