package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/live"
)

// presentIO bounds the store write one presenter's position makes.
const presentIO = 5 * time.Second

// startPresentations starts the relay of live presentations when the
// server has a hub over an event log that takes appended events.
func (s *Server) startPresentations() {
	a, ok := s.cfg.Events.(guccho.EventAppender)
	if s.hub == nil || !ok {
		return
	}
	s.presentations = live.NewPresentations(s.hub, a, live.PresentationConfig{Instance: s.cfg.Instance, Logger: s.cfg.Logger})
}

// Presentations returns the relay of live presentations, or nil when the
// server has no event log that takes appended events.
func (s *Server) Presentations() *live.Presentations { return s.presentations }

func (s *Server) presentationRoutes(api *mux.Router) {
	api.Handle("/decks/{id}/presentation", methods{http.MethodPost: s.requireWriter(s.handlePresent)})
}

// presentBody is the body of POST /api/decks/{id}/presentation.
type presentBody struct {
	Slide int        `json:"slide"`
	State deck.State `json:"state"`
}

// handlePresent answers POST /api/decks/{id}/presentation: an editor's
// position in a deck ({"slide":N,"state":{v,view,params}}), relayed to the
// deck's followers on every instance. It answers 202 with the deck and
// slide; positions of one deck sent faster than live.PresentationConfig's
// MoveEvery are coalesced, the newest kept. 404 when the server relays no
// presentations or the deck does not exist.
func (s *Server) handlePresent(w http.ResponseWriter, r *http.Request) {
	if s.presentations == nil {
		s.writeError(w, r, guccho.Errorf(guccho.ENOTFOUND, "live presentations are not enabled on this server"))
		return
	}
	var b presentBody
	if err := decodeJSON(w, r, &b); err != nil {
		s.writeError(w, r, err)
		return
	}
	pos := deck.Position{Deck: mux.Vars(r)["id"], Slide: b.Slide, State: b.State}
	if err := s.present(r.Context(), pos); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"deck": pos.Deck, "slide": pos.Slide})
}

// present checks pos and relays it.
func (s *Server) present(ctx context.Context, pos deck.Position) error {
	if err := pos.Validate(); err != nil {
		return err
	}
	if err := s.deckExists(ctx, pos.Deck); err != nil {
		return err
	}
	return s.presentations.Move(ctx, pos)
}

// wsPresent is the message a presenter sends over /ws:
//
//	{"type":"present","deck":"d1","slide":2,"state":{"v":1,"view":"clusters","params":{"z":"7",…}}}
type wsPresent struct {
	Type  string     `json:"type"`
	Deck  string     `json:"deck"`
	Slide int        `json:"slide"`
	State deck.State `json:"state"`
}

// follower is what a connection follows: a deck it counts as a follower of,
// until it subscribes to something else or leaves.
type follower struct {
	pres     *live.Presentations
	deck     string
	unfollow func()
}

// set makes the connection follow deckID ("" for none).
func (f *follower) set(deckID string) {
	if f.pres == nil || deckID == f.deck {
		return
	}
	if f.unfollow != nil {
		f.unfollow()
		f.unfollow = nil
	}
	f.deck = deckID
	if deckID != "" {
		f.unfollow = f.pres.Follow(deckID)
	}
}

// onlyPresentations reports whether f asks for presentation events of one
// deck and nothing else.
func onlyPresentations(f live.Filter) bool {
	if f.Deck == "" {
		return false
	}
	for _, t := range f.Topics {
		if t != live.TopicPresentations {
			return false
		}
	}
	return true
}

// deckExists returns ENOTFOUND when the store keeps decks and has none
// with id. A store without decks (a server over part of a store) relays
// any deck id.
func (s *Server) deckExists(ctx context.Context, id string) error {
	ds, ok := s.cfg.Store.(deck.Store)
	if !ok {
		return nil
	}
	_, err := ds.FindDeckByID(ctx, id)
	return err
}

// parsePresent parses a presenter's present message; without editor rights
// it is refused (EFORBIDDEN).
func parsePresent(b []byte, editor bool) (subscription, error) {
	if !editor {
		return subscription{}, guccho.Errorf(guccho.EFORBIDDEN, "presenting needs a token with the editor or admin role")
	}
	var m wsPresent
	if err := json.Unmarshal(b, &m); err != nil {
		return subscription{}, guccho.Errorf(guccho.EINVALID, "present: malformed message: want {\"type\":\"present\",\"deck\",\"slide\",\"state\"}")
	}
	pos := deck.Position{Deck: m.Deck, Slide: m.Slide, State: m.State}
	if err := pos.Validate(); err != nil {
		return subscription{}, guccho.Errorf(guccho.EINVALID, "present: %s", guccho.ErrorMessage(err))
	}
	return subscription{present: &pos}, nil
}

// present relays a presenter's position. checked is the deck this
// connection was last found to exist, so that a presenter's stream of
// camera positions costs one deck lookup.
func (ws *wsConn) present(s *Server, pos deck.Position, checked *string) error {
	if s.presentations == nil {
		return guccho.Errorf(guccho.EINVALID, "present: live presentations are not enabled on this server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), presentIO)
	defer cancel()
	if *checked != pos.Deck {
		if err := s.deckExists(ctx, pos.Deck); err != nil {
			if guccho.ErrorCode(err) == guccho.ENOTFOUND {
				return guccho.Errorf(guccho.EINVALID, "present: no deck %q", pos.Deck)
			}
			return err
		}
		*checked = pos.Deck
	}
	return s.presentations.Move(ctx, pos)
}

// subscribed does what a subscribe message asks of presentations: counts
// the connection as a follower (or stops counting it), and has the deck's
// follower total sent to its subscribers, so that a presenter who just
// subscribed learns it.
func (ws *wsConn) subscribed(s *Server, f *follower, m subscription) {
	if s.presentations == nil {
		return
	}
	if m.follow {
		f.set(m.filter.Deck)
	} else {
		f.set("")
	}
	if m.filter.Deck != "" {
		s.presentations.Announce(m.filter.Deck)
	}
}
