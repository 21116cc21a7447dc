package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/guccho/guccho"
)

var (
	_ guccho.EventStore    = (*Store)(nil)
	_ guccho.EventAppender = (*Store)(nil)
)

// keepEvents is how many events the log keeps for clients that reconnect.
const keepEvents = 10_000

// appendEvent writes an event into the log inside the caller's transaction.
func appendEvent(ctx context.Context, tx execer, typ string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events (type, time, payload) VALUES (?, ?, ?)`,
		typ, time.Now().UTC().Format(timeFormat), string(b))
	if err != nil {
		return sqlErr(err, "recording the %s event", typ)
	}
	if id, _ := res.LastInsertId(); id%100 == 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE id <= ?`, id-keepEvents); err != nil {
			return sqlErr(err, "pruning events")
		}
	}
	return nil
}

// AppendEvent commits one event that no other write causes (a presenter's
// position, a follower count) in a transaction of its own, wakes the hub,
// and returns the event's id.
func (s *Store) AppendEvent(ctx context.Context, typ string, payload any) (int64, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, guccho.WrapError(err, guccho.EINVALID, "the %s event's payload does not encode as JSON", typ)
	}
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := appendEvent(ctx, tx, typ, json.RawMessage(b)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT last_insert_rowid()`).Scan(&id)
	}, s.eventsWritten)
	return id, err
}

// eventsWritten wakes EventsWritten readers without blocking.
func (s *Store) eventsWritten() {
	select {
	case s.events <- struct{}{}:
	default:
	}
}

// EventsWritten signals after writes of this process committed events.
func (s *Store) EventsWritten() <-chan struct{} { return s.events }

// EventsAfter returns up to limit events with ID > after, oldest first.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]guccho.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, type, time, payload FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, sqlErr(err, "reading events")
	}
	defer rows.Close()
	var out []guccho.Event
	for rows.Next() {
		var e guccho.Event
		var t, payload string
		if err := rows.Scan(&e.ID, &e.Type, &t, &payload); err != nil {
			return nil, sqlErr(err, "reading events")
		}
		e.Time, _ = time.Parse(timeFormat, t)
		e.Payload = json.RawMessage(payload)
		out = append(out, e)
	}
	return out, sqlErr(rows.Err(), "reading events")
}

// LatestEventID returns the newest event's id, 0 when there is none.
func (s *Store) LatestEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&id)
	return id, sqlErr(err, "reading events")
}

// OldestEventID returns the oldest kept event's id, 0 when there is none.
func (s *Store) OldestEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(min(id), 0) FROM events`).Scan(&id)
	return id, sqlErr(err, "reading events")
}
