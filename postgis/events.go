package postgis

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
)

var (
	_ guccho.EventStore    = (*Store)(nil)
	_ guccho.EventAppender = (*Store)(nil)
)

// eventsChannel is the NOTIFY channel; payloads are just the event id, far
// below PostgreSQL's 8,000-byte limit.
const eventsChannel = "guccho_events"

// keepEvents is how many events the log keeps for clients that reconnect.
const keepEvents = 10_000

// appendEvents writes events into the log inside tx and notifies listeners
// once (delivered when tx commits).
func appendEvents(ctx context.Context, tx pgx.Tx, typ string, payloads ...any) error {
	if len(payloads) == 0 {
		return nil
	}
	var last int64
	if err := tx.QueryRow(ctx, `UPDATE guccho.event_counter SET last = last + $1 RETURNING last`, len(payloads)).Scan(&last); err != nil {
		return dbErr(err, "number events")
	}
	first := last - int64(len(payloads)) + 1
	rows := make([][]any, len(payloads))
	for i, p := range payloads {
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		rows[i] = []any{first + int64(i), typ, string(b)}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"guccho", "events"}, []string{"id", "type", "payload"}, pgx.CopyFromRows(rows)); err != nil {
		return dbErr(err, "record events")
	}
	if first/100 != last/100 {
		if _, err := tx.Exec(ctx, `DELETE FROM guccho.events WHERE id <= $1`, last-keepEvents); err != nil {
			return dbErr(err, "prune events")
		}
	}
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, eventsChannel, strconv.FormatInt(last, 10))
	return dbErr(err, "notify")
}

// AppendEvent commits one event that no other write causes (a presenter's
// position, a follower count) in a transaction of its own, with one NOTIFY,
// and returns the event's id.
func (s *Store) AppendEvent(ctx context.Context, typ string, payload any) (int64, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, guccho.WrapError(err, guccho.EINVALID, "the %s event's payload does not encode as JSON", typ)
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := appendEvents(ctx, tx, typ, json.RawMessage(b)); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT last FROM guccho.event_counter`).Scan(&id)
	})
	return id, dbErr(err, "append the "+typ+" event")
}

// EventsWritten signals after any instance committed events (LISTEN), and
// once after each reconnection of the listener, so that readers catch up.
func (s *Store) EventsWritten() <-chan struct{} { return s.events }

func (s *Store) eventsWritten() {
	select {
	case s.events <- struct{}{}:
	default:
	}
}

// listen keeps a LISTEN connection open until the store closes, reconnecting
// with backoff when the database goes away.
func (s *Store) listen() {
	defer close(s.listenDone)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-s.stop; cancel() }()
	backoff := 200 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.connConfig)
		if err == nil {
			_, err = conn.Exec(ctx, `LISTEN `+eventsChannel)
		}
		if err == nil {
			backoff = 200 * time.Millisecond
			s.eventsWritten() // catch up on anything missed while away
			for err == nil {
				_, err = conn.WaitForNotification(ctx)
				if err == nil {
					s.eventsWritten()
				}
			}
		}
		if conn != nil {
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// EventsAfter returns up to limit events with ID > after, oldest first.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]guccho.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, type, time, payload FROM guccho.events WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, dbErr(err, "read events")
	}
	defer rows.Close()
	var out []guccho.Event
	for rows.Next() {
		var e guccho.Event
		var payload []byte
		if err := rows.Scan(&e.ID, &e.Type, &e.Time, &payload); err != nil {
			return nil, dbErr(err, "read events")
		}
		e.Time = e.Time.UTC()
		e.Payload = payload
		out = append(out, e)
	}
	return out, dbErr(rows.Err(), "read events")
}

// LatestEventID returns the newest committed event's id (0 when none).
func (s *Store) LatestEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM guccho.events`).Scan(&id)
	return id, dbErr(err, "read events")
}

// OldestEventID returns the oldest kept event's id (0 when none).
func (s *Store) OldestEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(min(id), 0) FROM guccho.events`).Scan(&id)
	return id, dbErr(err, "read events")
}
