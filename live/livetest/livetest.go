// Package livetest holds test doubles for package live: an in-memory event
// log that tests and benchmarks append to directly, without a database.
package livetest

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/guccho/guccho"
)

// Log is an in-memory guccho.EventStore: an append-only log with pruning,
// each event stamped with its append time. It is safe for concurrent use.
type Log struct {
	mu      sync.Mutex
	events  []guccho.Event // oldest first
	next    int64
	written []chan struct{} // one per EventsWritten call, as one per server instance
	silent  bool            // never signal EventsWritten: readers must poll
}

var (
	_ guccho.EventStore    = (*Log)(nil)
	_ guccho.EventAppender = (*Log)(nil)
)

// NewLog returns an empty log whose first event will have id 1.
func NewLog() *Log { return &Log{next: 1} }

// Silence stops the log from signalling EventsWritten, as a store that
// cannot signal: readers then find new events only by polling.
func (m *Log) Silence() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.silent = true
}

// Append commits one event with the given type and the JSON encoding of
// payload, and returns it. It panics if payload does not encode.
func (m *Log) Append(typ string, payload any) guccho.Event {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	m.mu.Lock()
	ev := guccho.Event{ID: m.next, Type: typ, Time: time.Now().UTC(), Payload: b}
	m.next++
	m.events = append(m.events, ev)
	if !m.silent {
		for _, c := range m.written {
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
	m.mu.Unlock()
	return ev
}

// AppendEvent is Append as a guccho.EventAppender: it returns EINVALID
// instead of panicking when payload does not encode.
func (m *Log) AppendEvent(ctx context.Context, typ string, payload any) (int64, error) {
	if _, err := json.Marshal(payload); err != nil {
		return 0, guccho.WrapError(err, guccho.EINVALID, "the %s event's payload does not encode as JSON", typ)
	}
	return m.Append(typ, payload).ID, nil
}

// Change commits an enterprises.changed event.
func (m *Log) Change(c guccho.EnterpriseChange) guccho.Event {
	return m.Append(guccho.EventEnterprisesChanged, c)
}

// Prune forgets the events older than id.
func (m *Log) Prune(id int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := 0
	for i < len(m.events) && m.events[i].ID < id {
		i++
	}
	m.events = slices.Delete(m.events, 0, i)
}

// EventsAfter implements guccho.EventStore.
func (m *Log) EventsAfter(ctx context.Context, after int64, limit int) ([]guccho.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, _ := slices.BinarySearchFunc(m.events, after+1, func(ev guccho.Event, id int64) int { return cmp.Compare(ev.ID, id) })
	return slices.Clone(m.events[i:min(i+limit, len(m.events))]), nil
}

// LatestEventID implements guccho.EventStore.
func (m *Log) LatestEventID(ctx context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.next - 1, nil
}

// OldestEventID implements guccho.EventStore.
func (m *Log) OldestEventID(ctx context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.events) == 0 {
		return m.next, nil
	}
	return m.events[0].ID, nil
}

// EventsWritten implements guccho.EventStore: each call returns a channel
// of its own, as each server instance has its own.
func (m *Log) EventsWritten() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := make(chan struct{}, 1)
	m.written = append(m.written, c)
	return c
}

// PointChange is an "updated" enterprise change of one enterprise ("e1")
// at one point (lon, lat in degrees) in the given sectors.
func PointChange(lon, lat float64, sectors ...string) guccho.EnterpriseChange {
	return guccho.EnterpriseChange{Action: "updated", Count: 1, IDs: []string{"e1"}, Sectors: sectors,
		Bound: [4]float64{lon, lat, lon, lat}, Points: [][2]float64{{lon, lat}}}
}

// IDs returns the event ids from through to, in order.
func IDs(from, to int64) []int64 {
	var out []int64
	for id := from; id <= to; id++ {
		out = append(out, id)
	}
	return out
}
