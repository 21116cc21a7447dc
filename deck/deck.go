// Package deck is saved views and decks, what a manager prepares to present
// in a meeting. A saved view is one state of the web app (which view, its
// camera, sector filter, statistic and parameters, selection and open
// panels: everything the app keeps in its URL hash) with a title, a
// subtitle and speaker notes in English and Bangla. A deck is an ordered
// list of saved views, presented one after another and exported as one PDF
// or PowerPoint file.
//
// The store keeps views and decks (Store); the server serves them under
// /api/views and /api/decks; the web app saves, opens and presents them;
// `guccho atlas --deck` prints one page per view.
package deck

import (
	"context"
	"time"
)

// Text is a piece of text in both of the app's languages; either may be
// empty (the app falls back to the other).
type Text struct {
	EN string `json:"en"`
	BN string `json:"bn"`
}

// StateVersion is the version of State this build writes. A view saved by
// a newer build (a larger V) still opens: the app keeps what it knows and
// says what it dropped.
const StateVersion = 1

// State is the state of the web app a view restores: the view's name (as in
// the URL hash's "view", "explore" when empty) and the hash parameters
// (camera z, lon, lat, bearing, pitch; the view's own, such as sectors,
// stat, sel, cluster). The server keeps parameters it does not know: the
// app decides what it can use.
type State struct {
	V      int               `json:"v"`
	View   string            `json:"view"`
	Params map[string]string `json:"params"`
}

// View is a saved view.
type View struct {
	ID       string `json:"id"`
	Title    Text   `json:"title"`
	Subtitle Text   `json:"subtitle"`
	Notes    Text   `json:"notes"` // speaker notes
	State    State  `json:"state"`
	// CreatedBy is the public id (tok_…) of the token that saved the view.
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Deck is an ordered list of saved views.
type Deck struct {
	ID       string `json:"id"`
	Title    Text   `json:"title"`
	Subtitle Text   `json:"subtitle"`
	// ViewIDs are the deck's views in presentation order; a view may
	// appear in several decks, and more than once in one.
	ViewIDs   []string  `json:"view_ids"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Store keeps saved views and decks. Methods return guccho errors:
// not_found for an unknown id, invalid for a deck naming a view that does
// not exist.
type Store interface {
	// CreateView stores a new view; it sets ID (when empty), CreatedAt and
	// UpdatedAt in place.
	CreateView(ctx context.Context, v *View) error
	// UpdateView replaces a view's titles, notes and state (by ID),
	// setting UpdatedAt in place.
	UpdateView(ctx context.Context, v *View) error
	// FindViewByID returns one view.
	FindViewByID(ctx context.Context, id string) (*View, error)
	// FindViews lists every view, newest first.
	FindViews(ctx context.Context) ([]View, error)
	// DeleteView removes a view and its places in every deck.
	DeleteView(ctx context.Context, id string) error
	// CreateDeck stores a new deck; it sets ID (when empty), CreatedAt
	// and UpdatedAt in place.
	CreateDeck(ctx context.Context, d *Deck) error
	// UpdateDeck replaces a deck's titles and its list of views (by ID),
	// setting UpdatedAt in place.
	UpdateDeck(ctx context.Context, d *Deck) error
	// FindDeckByID returns one deck.
	FindDeckByID(ctx context.Context, id string) (*Deck, error)
	// FindDecks lists every deck, newest first.
	FindDecks(ctx context.Context) ([]Deck, error)
	// DeleteDeck removes a deck (its views stay).
	DeleteDeck(ctx context.Context, id string) error
}
