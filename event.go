package guccho

import (
	"context"
	"encoding/json"
	"sort"
	"time"
)

// Event types published by writes.
const (
	EventBoundariesReplaced = "boundaries.replaced"
)

// Event is a change that happened, published to the hub after the write that
// caused it has committed. Payload is small (ids and counts, never whole
// records); subscribers fetch details by id.
type Event struct {
	ID      int64           `json:"id"` // monotonically increasing per hub
	Type    string          `json:"type"`
	Time    time.Time       `json:"time"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// More event types. Events with an ID come from the store's event log and
// can be replayed; transient events (import progress) have ID 0.
const (
	EventEnterprisesChanged = "enterprises.changed" // a write created, updated or deleted enterprises
	EventImportProgress     = "import.progress"     // transient: an import's counts while it runs
	// EventValuechainsChanged: a write created, changed or deleted a value
	// chain (payload valuechain.ChainChange: action, chain id, sector).
	EventValuechainsChanged = "valuechains.changed"
)

// EnterpriseChange is the payload of EventEnterprisesChanged: what one
// write (an edit, or one batch of an import) did, small enough for a NOTIFY.
// Subscribers fetch details by id.
type EnterpriseChange struct {
	Action   string     `json:"action"`              // "created", "updated", "deleted" or "imported"
	ImportID string     `json:"import_id,omitempty"` // for imports
	Count    int        `json:"count"`               // enterprises touched
	IDs      []string   `json:"ids,omitempty"`       // their ids, when at most MaxChangeIDs
	Sectors  []string   `json:"sectors"`             // sectors touched (old and new)
	Bound    [4]float64 `json:"bbox"`                // west, south, east, north of every old and new point; zero when none was placed
	// Points are the old and new map points, when at most MaxChangeIDs
	// enterprises changed: tile caches drop exactly the tiles holding them.
	Points [][2]float64 `json:"points,omitempty"`
	// Units, when the write lists them (see ChangedUnits), are the P-codes
	// of the deepest admin units of every old and new version of an
	// enterprise whose counted content (what a unit's profile sums: its
	// counts, sector and admin codes) changed, sorted: a unit's profile can
	// have changed only when one of them lies in it. A non-nil empty list
	// ("units":[]) says no profile changed, as for a rename or a move within
	// a unit; nil (absent) says nothing, as for imports, undo, indexing and
	// writes of more than MaxChangeIDs enterprises, and readers must then
	// take every unit as changed.
	Units *[]string `json:"units,omitempty"`
}

// ChangedUnits returns c.Units and whether the write listed them: when
// listed is false any unit's profile may have changed.
func (c EnterpriseChange) ChangedUnits() (units []string, listed bool) {
	if c.Units == nil {
		return nil, false
	}
	return *c.Units, true
}

// MaxChangeIDs bounds the ids and points an EnterpriseChange lists.
const MaxChangeIDs = 100

// EventStore is a store's event log: every write appends its events in the
// write's own transaction, so an event exists exactly when its write
// committed, with ids that increase in commit order.
type EventStore interface {
	// EventsAfter returns up to limit events with ID > after, oldest first.
	EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error)
	// LatestEventID returns the newest event's id (0 when there is none).
	LatestEventID(ctx context.Context) (int64, error)
	// OldestEventID returns the oldest id still kept (older ones are pruned).
	OldestEventID(ctx context.Context) (int64, error)
	// EventsWritten signals (without blocking, coalescing) after events were
	// committed — by this process, or, for a shared database, by any
	// instance. Readers then call EventsAfter.
	EventsWritten() <-chan struct{}
}

// ChangeBuilder collects what one write did to enterprises into an
// EnterpriseChange. The zero value is ready to use with Action set.
type ChangeBuilder struct {
	Action   string
	ImportID string
	// ListUnits makes the change list the units whose profiles it may have
	// changed (EnterpriseChange.Units): a write that sets it calls AddUnits
	// for every enterprise it adds (with none when its counted content did
	// not change). A builder without it leaves them unlisted.
	ListUnits bool

	count   int
	ids     []string
	sectors map[string]bool
	points  [][2]float64
	bound   [4]float64
	placed  bool
	units   map[string]bool
}

// Add records one enterprise touched by the write: its id, and the sector
// and map point it had or has (call twice for an update that moved it; a nil
// point is an enterprise that is not placed).
func (b *ChangeBuilder) Add(id, sector string, point *[2]float64) {
	if b.sectors == nil {
		b.sectors = map[string]bool{}
	}
	if id != "" {
		b.count++
		if len(b.ids) < MaxChangeIDs {
			b.ids = append(b.ids, id)
		}
	}
	if sector != "" {
		b.sectors[sector] = true
	}
	if point == nil {
		return
	}
	p := *point
	if len(b.points) < 2*MaxChangeIDs {
		b.points = append(b.points, p)
	}
	if !b.placed {
		b.bound, b.placed = [4]float64{p[0], p[1], p[0], p[1]}, true
		return
	}
	b.bound = [4]float64{min(b.bound[0], p[0]), min(b.bound[1], p[1]), max(b.bound[2], p[0]), max(b.bound[3], p[1])}
}

// AddUnits records the P-codes of units whose profiles the write may have
// changed (deepest units only: their ancestors are implied). It records
// nothing unless ListUnits is set.
func (b *ChangeBuilder) AddUnits(pcodes ...string) {
	if !b.ListUnits {
		return
	}
	if b.units == nil {
		b.units = map[string]bool{}
	}
	for _, p := range pcodes {
		if p != "" {
			b.units[p] = true
		}
	}
}

// Empty reports whether nothing was added.
func (b *ChangeBuilder) Empty() bool { return b.count == 0 && len(b.sectors) == 0 }

// Change returns the collected change. IDs, Points and Units are left out
// when more than MaxChangeIDs enterprises were touched; Bound still covers
// all. Units are listed only when ListUnits is set.
func (b *ChangeBuilder) Change() EnterpriseChange {
	c := EnterpriseChange{Action: b.Action, ImportID: b.ImportID, Count: b.count, Bound: b.bound, Sectors: []string{}}
	for s := range b.sectors {
		c.Sectors = append(c.Sectors, s)
	}
	sort.Strings(c.Sectors)
	if b.count <= MaxChangeIDs {
		c.IDs, c.Points = b.ids, b.points
		if b.ListUnits {
			units := make([]string, 0, len(b.units))
			for u := range b.units {
				units = append(units, u)
			}
			sort.Strings(units)
			c.Units = &units
		}
	}
	return c
}

// Events of live presentations (package live relays them; docs/presenting.md).
const (
	// EventPresentationMoved: a presenter showed a slide of a deck or moved
	// its camera (payload deck.Position). Throttled by the server before it
	// reaches the log.
	EventPresentationMoved = "presentation.moved"
	// EventPresentationFollowers: how many followers of a deck one server
	// instance holds (payload deck.Followers). It crosses instances through
	// the log but reaches no subscriber: each instance sums the latest
	// count of every instance and sends the total.
	EventPresentationFollowers = "presentation.followers"
	// EventPresentationAudience: transient, the total followers of a deck
	// over every instance (payload deck.Audience), sent to the deck's
	// subscribers when it changes.
	EventPresentationAudience = "presentation.audience"
)

// EventAppender is an event log that also takes events that no store write
// causes, such as a presenter's position: AppendEvent commits one event of
// type typ with payload's JSON encoding in a transaction of its own, signals
// EventsWritten like any write, and returns the event's id. It returns
// EINVALID when payload does not encode and the store's errors
// (EUNAVAILABLE, …) otherwise.
type EventAppender interface {
	AppendEvent(ctx context.Context, typ string, payload any) (int64, error)
}
