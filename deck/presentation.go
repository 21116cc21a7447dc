package deck

import (
	"unicode/utf8"

	"github.com/guccho/guccho"
)

// Limits of a presenter's position, checked by Position.Validate.
const (
	MaxIDLength  = 100 // bytes of a deck id
	MaxSlide     = 999 // the last slide number a position may name
	MaxParams    = 40  // hash parameters of a state
	MaxParamText = 400 // bytes of one parameter's name or value
)

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
// that is empty, longer than MaxIDLength or not UTF-8; a slide outside 0 to
// MaxSlide; a state with more than MaxParams parameters, an empty
// parameter name, or a name or value longer than MaxParamText.
func (p Position) Validate() error {
	if err := ValidateID("deck", p.Deck); err != nil {
		return err
	}
	if p.Slide < 0 || p.Slide > MaxSlide {
		return guccho.Errorf(guccho.EINVALID, "field \"slide\": %d is not a slide number (0 to %d)", p.Slide, MaxSlide)
	}
	if len(p.State.View) > MaxIDLength {
		return guccho.Errorf(guccho.EINVALID, "field \"state.view\": longer than %d bytes", MaxIDLength)
	}
	if len(p.State.Params) > MaxParams {
		return guccho.Errorf(guccho.EINVALID, "field \"state.params\": %d parameters, at most %d", len(p.State.Params), MaxParams)
	}
	for k, v := range p.State.Params {
		if k == "" || len(k) > MaxParamText || len(v) > MaxParamText {
			return guccho.Errorf(guccho.EINVALID, "field \"state.params\": parameter %.40q: want a name and a value of 1 to %d bytes", k, MaxParamText)
		}
	}
	return nil
}

// ValidateID returns an EINVALID error naming field when id is not a
// usable deck id: empty, longer than MaxIDLength, or not UTF-8.
func ValidateID(field, id string) error {
	if id == "" || len(id) > MaxIDLength || !utf8.ValidString(id) {
		return guccho.Errorf(guccho.EINVALID, "field %q: want a deck id of 1 to %d bytes", field, MaxIDLength)
	}
	return nil
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
