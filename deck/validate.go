package deck

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strings"

	"github.com/guccho/guccho"
)

// Limits on saved views and decks. Every store refuses a view or deck
// beyond them (View.Validate, Deck.Validate) and the API answers 400, the
// error naming the field and the limit.
const (
	// MaxTitleBytes is the longest title or subtitle, per language, in
	// bytes of UTF-8 (about 65 Bangla or 200 Latin characters).
	MaxTitleBytes = 200
	// MaxNotesBytes is the longest speaker notes, per language.
	MaxNotesBytes = 20_000
	// MaxParams is the most hash parameters one state may carry.
	MaxParams = 100
	// MaxParamKeyBytes is the longest parameter name.
	MaxParamKeyBytes = 64
	// MaxParamValueBytes is the longest parameter value.
	MaxParamValueBytes = 4096
	// MaxViewNameBytes is the longest view name (state.view).
	MaxViewNameBytes = 64
	// MaxDeckViews is the most slides one deck may have.
	MaxDeckViews = 500
)

// reservedIDs are the words an id may not be, so that ids never collide
// with routes beside /api/views/{id} and /api/decks/{id}.
var reservedIDs = []string{"new"}

// NewViewID returns a fresh random view id: "v-" and 12 lower-case letters
// and digits (60 random bits), safe to call concurrently.
func NewViewID() string { return "v-" + randomWord(12) }

// NewDeckID returns a fresh random deck id: "d-" and 12 lower-case letters
// and digits.
func NewDeckID() string { return "d-" + randomWord(12) }

// randomWord returns n characters of base32 (a–z, 2–7) from crypto/rand.
func randomWord(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}

// CheckID checks a view or deck id as it appears in a URL path or a link
// (guccho.CheckPathID); field names it in the error.
func CheckID(field, id string) error { return guccho.CheckPathID(field, id, reservedIDs...) }

// checkText checks one language pair of a text under field ("title" gives
// "title.en" and "title.bn").
func checkText(field string, t Text, max int) error {
	if err := guccho.CheckText(field+".en", t.EN, max); err != nil {
		return err
	}
	return guccho.CheckText(field+".bn", t.BN, max)
}

// checkTitles checks a title (required in at least one language) and a
// subtitle.
func checkTitles(title, subtitle Text) error {
	if strings.TrimSpace(title.EN) == "" && strings.TrimSpace(title.BN) == "" {
		return guccho.Errorf(guccho.EINVALID, "field \"title\": give a title in English (title.en) or Bangla (title.bn)")
	}
	if err := checkText("title", title, MaxTitleBytes); err != nil {
		return err
	}
	return checkText("subtitle", subtitle, MaxTitleBytes)
}

// Validate checks a view before it is stored: its id when set (CheckID), a
// title in at least one language, every text within its limit
// (MaxTitleBytes, MaxNotesBytes) and its state (State.Validate). The
// EINVALID error names the field, as in "title.bn" or
// `state.params["sel"]`.
func (v *View) Validate() error {
	if v.ID != "" {
		if err := CheckID("id", v.ID); err != nil {
			return err
		}
	}
	if err := checkTitles(v.Title, v.Subtitle); err != nil {
		return err
	}
	if err := checkText("notes", v.Notes, MaxNotesBytes); err != nil {
		return err
	}
	return v.State.Validate()
}

// Validate checks a state: a version of 1 or more (a version above
// StateVersion is kept: a newer build saved it), a view name of at most
// MaxViewNameBytes, and at most MaxParams parameters, each with a name of
// 1 to MaxParamKeyBytes bytes and a value of at most MaxParamValueBytes.
// "view" is not a parameter (it is State.View). Parameter names are
// checked in sorted order, so the error is the same on every call.
func (s *State) Validate() error {
	if s.V < 1 {
		return guccho.Errorf(guccho.EINVALID, "field \"state.v\": %d is not a state version (this build writes %d)", s.V, StateVersion)
	}
	if err := guccho.CheckText("state.view", s.View, MaxViewNameBytes); err != nil {
		return err
	}
	if len(s.Params) > MaxParams {
		return guccho.Errorf(guccho.EINVALID, "field \"state.params\": %d parameters is more than the limit of %d", len(s.Params), MaxParams)
	}
	keys := make([]string, 0, len(s.Params))
	for k := range s.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field := fmt.Sprintf("state.params[%q]", k)
		switch {
		case k == "":
			return guccho.Errorf(guccho.EINVALID, "field \"state.params\": a parameter has an empty name")
		case len(k) > MaxParamKeyBytes:
			return guccho.Errorf(guccho.EINVALID, "field \"state.params\": the name %q… is longer than the limit of %d bytes", k[:MaxParamKeyBytes/2], MaxParamKeyBytes)
		case k == "view":
			return guccho.Errorf(guccho.EINVALID, "field %q: the view's name goes in state.view, not in the parameters", field)
		}
		if err := guccho.CheckText(field, k, MaxParamKeyBytes); err != nil {
			return err
		}
		if err := guccho.CheckText(field, s.Params[k], MaxParamValueBytes); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a deck before it is stored: its id when set, a title in
// at least one language, texts within MaxTitleBytes, and at most
// MaxDeckViews view ids, each a well-formed id; the error names the field,
// as in "view_ids[3]". Whether each view exists is for the store to check
// (EINVALID naming the same field).
func (d *Deck) Validate() error {
	if d.ID != "" {
		if err := CheckID("id", d.ID); err != nil {
			return err
		}
	}
	if err := checkTitles(d.Title, d.Subtitle); err != nil {
		return err
	}
	if len(d.ViewIDs) > MaxDeckViews {
		return guccho.Errorf(guccho.EINVALID, "field \"view_ids\": %d views is more than the limit of %d", len(d.ViewIDs), MaxDeckViews)
	}
	for i, id := range d.ViewIDs {
		if err := CheckID(fmt.Sprintf("view_ids[%d]", i), id); err != nil {
			return err
		}
	}
	return nil
}

// MissingViewError is the EINVALID error of a deck whose view_ids[i] names
// a view that does not exist; both stores return it.
func MissingViewError(i int, id string) error {
	return guccho.Errorf(guccho.EINVALID, "field \"view_ids[%d]\": no saved view %q", i, id)
}

// EventChanged is the event type of every write to saved views and decks;
// its payload is a Change. Subscribers to the "decks" topic of /ws get it.
const EventChanged = "decks.changed"

// Change is the payload of EventChanged: what one write did.
type Change struct {
	Action string `json:"action"` // "created", "updated" or "deleted"
	Kind   string `json:"kind"`   // "view" or "deck"
	ID     string `json:"id"`
	// Decks are the decks a deleted view was removed from.
	Decks []string `json:"decks,omitempty"`
}
