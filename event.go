package guccho

import (
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
