package guccho

import (
	"context"
	"encoding/json"
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
