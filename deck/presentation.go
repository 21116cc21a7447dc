package deck

import "github.com/guccho/guccho"

// Position is where a presenter is in a deck: the slide shown (0 for the
// first of the deck's ViewIDs) and the state of the app, camera included,
// which may differ from the slide's saved state when the presenter moved
// the map. It is the payload of guccho.EventPresentationMoved.
type Position struct {
	Deck  string `json:"deck"`
	Slide int    `json:"slide"`
	State State  `json:"state"`
}

// Validate returns an EINVALID error naming the field at fault: a deck id
// that CheckID refuses, a slide outside 0 to MaxDeckViews-1, or a state
// that State.Validate refuses.
func (p Position) Validate() error {
	if err := CheckID("deck", p.Deck); err != nil {
		return err
	}
	if p.Slide < 0 || p.Slide >= MaxDeckViews {
		return guccho.Errorf(guccho.EINVALID, "field \"slide\": %d is not a slide number (0 to %d)", p.Slide, MaxDeckViews-1)
	}
	return p.State.Validate()
}

// Followers is how many followers of a deck one server instance holds: the
// payload of guccho.EventPresentationFollowers.
type Followers struct {
	Deck     string `json:"deck"`
	Instance string `json:"instance"`
	Count    int    `json:"count"`
}

// Audience is the total of a deck's followers over every instance heard
// from recently: the payload of guccho.EventPresentationAudience.
type Audience struct {
	Deck      string `json:"deck"`
	Followers int    `json:"followers"`
}
