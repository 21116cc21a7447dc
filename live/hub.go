// Package live is the event hub behind Guccho's live updates: it reads a
// store's event log (guccho.EventStore) and fans each event out to
// subscribers whose filters match it (topics; for enterprise changes a
// bounding box and sectors; transient import progress for editors only),
// without ever blocking on a slow subscriber, which is dropped instead. A
// subscriber that reconnects with the id of the last event it saw gets the
// events it missed replayed from the store's log, or a reset when the log
// no longer reaches back that far.
//
// The hub knows nothing of HTTP or websockets: package server speaks the
// wire protocol of GET /ws and hands each connection a Subscription.
package live

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/guccho/guccho"
)

// Why a subscription ended; Subscription.Next returns one of these.
var (
	ErrTooSlow      = errors.New("too slow: the subscriber's buffer filled up")
	ErrHubClosed    = errors.New("hub closed")
	ErrUnsubscribed = errors.New("unsubscribed")
)

// Config tunes a Hub; zero values take the defaults.
type Config struct {
	// Buffer is the number of messages queued per subscriber; a subscriber
	// whose queue is full when an event arrives is dropped with ErrTooSlow.
	// Default 256.
	Buffer int
	// Poll is how often the hub reads the log when EventsWritten stays
	// silent (a missed signal, or a store that cannot signal). Default 1s.
	Poll time.Duration
	// Page is how many events one EventsAfter call reads. Default 1000.
	Page   int
	Logger *slog.Logger // default slog.Default()
}

// Stats are a hub's counters.
type Stats struct {
	Subscribers int    // open subscriptions
	LastEventID int64  // the newest log event fanned out
	Events      uint64 // log and transient events fanned out
	Queued      uint64 // messages queued to subscribers
	Dropped     uint64 // subscribers dropped as too slow
}

// Hub fans the events of a guccho.EventStore out to subscribers. One loop
// reads the log (woken by EventsWritten, and every Config.Poll in case a
// signal was missed) and queues each event to every subscriber whose filter
// matches it, without ever waiting: a subscriber whose queue is full is
// dropped (ErrTooSlow) and may reconnect with its last event id.
//
// The hub keeps no history of its own: the store's log is the history, so a
// reconnecting subscriber's missed events are read from the store
// (EventsAfter), once per reconnect, and the hub's memory does not depend on
// the event rate. Each event is encoded to JSON once and the bytes are
// shared by every subscriber.
//
// A Hub is safe for concurrent use. Create it with NewHub and end it with
// Close.
type Hub struct {
	store guccho.EventStore
	cfg   Config

	ready    chan struct{} // closed when the starting position is known
	stop     context.CancelFunc
	loopDone chan struct{}

	mu        sync.Mutex
	last      int64 // the newest log event fanned out; only the loop advances it
	subs      map[*Subscription]struct{}
	owners    int           // subscriptions not yet Closed by their owner
	idle      chan struct{} // made by Close, closed when owners reaches 0
	closed    bool
	listeners []func(guccho.Event)
	stats     Stats
}

// NewHub starts a hub reading store. It begins at the store's newest event:
// older events reach only subscribers that ask for them by id.
func NewHub(store guccho.EventStore, cfg Config) *Hub {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 256
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Page <= 0 {
		cfg.Page = 1000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{store: store, cfg: cfg, ready: make(chan struct{}), stop: cancel, loopDone: make(chan struct{}),
		subs: map[*Subscription]struct{}{}}
	go h.run(ctx)
	return h
}

// OnEvent registers f to be called with every event of the log, in id
// order, once each, after it was queued to subscribers. Transient events
// are not passed. f runs on the hub's loop: it must return quickly and must
// not block, or every subscriber waits.
func (h *Hub) OnEvent(f func(guccho.Event)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.listeners = append(h.listeners, f)
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.stats
	st.Subscribers = len(h.subs)
	st.LastEventID = h.last
	return st
}

// Close stops the hub: the loop ends, every subscription ends with
// ErrHubClosed, and Close waits until each subscription's owner has called
// Subscription.Close (a websocket handler does so once it has said goodbye
// to its client) or ctx is done, whose error it then returns. Close may be
// called more than once.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		h.idle = make(chan struct{})
		if h.owners == 0 {
			close(h.idle)
		}
		for s := range h.subs {
			h.endLocked(s, ErrHubClosed)
		}
	}
	idle := h.idle
	h.mu.Unlock()
	h.stop()
	select {
	case <-h.loopDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// PublishTransient fans out an event that is not in the log, such as import
// progress, to the subscribers of its topic. Its ID is sent as 0 (transient
// events cannot be replayed) and a zero Time is set to now. Like log events
// it never waits for a subscriber.
func (h *Hub) PublishTransient(ev guccho.Event) {
	ev.ID = 0
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	it := newItem(ev)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.fanOutLocked(it)
	}
}

// run is the hub's loop.
func (h *Hub) run(ctx context.Context) {
	defer close(h.loopDone)
	for {
		id, err := h.store.LatestEventID(ctx)
		if err == nil {
			h.mu.Lock()
			h.last = id
			h.mu.Unlock()
			close(h.ready)
			break
		}
		h.cfg.Logger.Warn("hub: reading the event log's position", slog.Any("err", err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(h.cfg.Poll):
		}
	}
	written := h.store.EventsWritten()
	tick := time.NewTicker(h.cfg.Poll)
	defer tick.Stop()
	failing := false
	for {
		err := h.catchUp(ctx)
		if err != nil && ctx.Err() == nil && !failing {
			h.cfg.Logger.Warn("hub: reading the event log", slog.Any("err", err))
		}
		failing = err != nil
		select {
		case <-ctx.Done():
			return
		case <-written:
		case <-tick.C:
		}
	}
}

// catchUp reads and fans out the log's events after the hub's position
// until it has read them all.
func (h *Hub) catchUp(ctx context.Context) error {
	h.mu.Lock()
	after := h.last
	h.mu.Unlock()
	for {
		evs, err := h.store.EventsAfter(ctx, after, h.cfg.Page)
		if err != nil {
			return err
		}
		items := make([]*item, 0, len(evs))
		for _, ev := range evs {
			if ev.ID > after { // a store returning an old event must not repeat it
				items = append(items, newItem(ev))
				after = ev.ID
			}
		}
		// Listeners first (the tile cache drops what changed), so that a
		// client refetching on the event never gets a stale cached tile.
		h.mu.Lock()
		listeners := h.listeners
		h.mu.Unlock()
		for _, it := range items {
			for _, f := range listeners {
				f(it.msg.Event)
			}
		}
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil
		}
		for _, it := range items {
			h.fanOutLocked(it)
			h.last = it.msg.Event.ID
		}
		h.mu.Unlock()
		if len(evs) < h.cfg.Page {
			return nil
		}
	}
}

// fanOutLocked queues it to every matching subscriber, dropping those whose
// queue is full. h.mu is held.
func (h *Hub) fanOutLocked(it *item) {
	h.stats.Events++
	for s := range h.subs {
		if !s.filter.match(it) {
			continue
		}
		select {
		case s.ch <- it.msg:
			h.stats.Queued++
		default:
			h.stats.Dropped++
			h.endLocked(s, ErrTooSlow)
		}
	}
}

// endLocked ends s with err and forgets it. h.mu is held.
func (h *Hub) endLocked(s *Subscription, err error) {
	delete(h.subs, s)
	s.endOnce.Do(func() {
		s.err = err
		close(s.done)
	})
}

// Subscribe starts a subscription to the events that f matches.
//
// With lastEventID 0 it begins at the hub's position. With lastEventID > 0
// it first replays, from the store, the matching events after lastEventID
// up to the hub's position, then continues with live events: events arrive
// in id order with none repeated or missing across that boundary. When the
// store no longer keeps the events after lastEventID (lastEventID <
// OldestEventID-1), or never had lastEventID (a newer id than the log's
// newest, as after the database was replaced), the first message is a
// MessageReset instead of a replay. Either way a MessageSubscribed follows
// before live events.
//
// ctx bounds only the store calls Subscribe makes. It returns EINVALID for
// a bad filter or a negative id, ErrHubClosed after Close, and the store's
// errors. The caller must Close the subscription.
func (h *Hub) Subscribe(ctx context.Context, f Filter, lastEventID int64) (*Subscription, error) {
	cf, err := f.compile()
	if err != nil {
		return nil, err
	}
	if lastEventID < 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "last_event_id %d: want 0 or more", lastEventID)
	}
	select {
	case <-h.ready:
	case <-h.loopDone:
		return nil, ErrHubClosed
	case <-ctx.Done():
		return nil, guccho.WrapError(ctx.Err(), guccho.EUNAVAILABLE, "the event log is not ready")
	}
	s := &Subscription{hub: h, ch: make(chan *Message, h.cfg.Buffer), done: make(chan struct{}), filter: cf}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrHubClosed
	}
	// Registering and reading the position under one lock splits the ids
	// cleanly: events up to pos were fanned out before s existed (replay
	// covers them), events after pos are queued to s.
	pos := h.last
	h.subs[s] = struct{}{}
	h.owners++
	h.mu.Unlock()

	s.current = max(pos, lastEventID)
	s.sent = lastEventID
	if lastEventID > 0 {
		reset, err := h.gapTooOld(ctx, lastEventID)
		if err != nil {
			s.Close()
			return nil, err
		}
		if reset != "" {
			s.pending = []*Message{resetMessage(reset)}
			s.current = pos
		} else {
			s.replayAfter, s.replayTo = lastEventID, pos
		}
	}
	return s, nil
}

// gapTooOld returns why a client that last saw id cannot be brought up to
// date from the log, or "" when it can.
func (h *Hub) gapTooOld(ctx context.Context, id int64) (string, error) {
	latest, err := h.store.LatestEventID(ctx)
	if err != nil {
		return "", err
	}
	if id > latest {
		return "unknown last_event_id: the event log was replaced", nil
	}
	oldest, err := h.store.OldestEventID(ctx)
	if err != nil {
		return "", err
	}
	if id < oldest-1 {
		return "last_event_id too old: the event log no longer reaches back to it", nil
	}
	return "", nil
}

// Subscription is one subscriber's stream of messages. Next may be called
// from one goroutine at a time; SetFilter and Close from any.
type Subscription struct {
	hub     *Hub
	ch      chan *Message
	done    chan struct{}
	endOnce sync.Once
	err     error // why it ended; written before done is closed

	filter filter // guarded by hub.mu

	// Owned by the caller of Next.
	pending     []*Message
	replayAfter int64 // replay the events in (replayAfter, replayTo]
	replayTo    int64
	greeted     bool
	current     int64 // the id the greeting reports
	sent        int64 // the newest event id returned; older ones are skipped

	closeOnce sync.Once
}

// Next returns the subscription's next message: first a reset or the
// replayed events, then a MessageSubscribed, then live messages as they
// come. It blocks until one is there, ctx is done (returning ctx's error),
// or the subscription ended, returning ErrTooSlow, ErrHubClosed or
// ErrUnsubscribed; messages still queued are then not returned. It returns
// the store's error if a replay read fails.
func (s *Subscription) Next(ctx context.Context) (*Message, error) {
	for {
		select {
		case <-s.done:
			return nil, s.err
		default:
		}
		if len(s.pending) > 0 {
			m := s.pending[0]
			s.pending[0] = nil
			s.pending = s.pending[1:]
			return m, nil
		}
		if s.replayAfter < s.replayTo {
			if err := s.replayPage(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if !s.greeted {
			s.greeted = true
			s.hub.mu.Lock()
			topics := s.filter.topicNames()
			s.hub.mu.Unlock()
			return subscribedMessage(s.current, topics), nil
		}
		select {
		case <-s.done:
			return nil, s.err
		case <-ctx.Done():
			return nil, ctx.Err()
		case m := <-s.ch:
			if id := m.Event.ID; m.Type == MessageEvent && id > 0 {
				if id <= s.sent {
					continue
				}
				s.sent = id
			}
			return m, nil
		}
	}
}

// replayPage reads one page of the replay from the store into s.pending.
func (s *Subscription) replayPage(ctx context.Context) error {
	h := s.hub
	evs, err := h.store.EventsAfter(ctx, s.replayAfter, h.cfg.Page)
	if err != nil {
		return err
	}
	h.mu.Lock()
	f := s.filter
	h.mu.Unlock()
	for _, ev := range evs {
		if ev.ID > s.replayTo {
			break // live events carry the rest
		}
		if ev.ID <= s.replayAfter {
			continue
		}
		s.replayAfter = ev.ID
		s.sent = ev.ID
		if it := newItem(ev); f.match(it) {
			s.pending = append(s.pending, it.msg)
		}
	}
	if len(evs) < h.cfg.Page || evs[len(evs)-1].ID >= s.replayTo {
		s.replayAfter = s.replayTo
	}
	return nil
}

// SetFilter replaces the subscription's filter. Events the hub fans out
// from now on are matched against f; messages already queued stay. A
// MessageSubscribed reporting the hub's position is queued behind them, so
// the subscriber can tell where the new filter begins. It returns EINVALID
// for a bad filter and the subscription's end error if it has ended.
func (s *Subscription) SetFilter(f Filter) error {
	cf, err := f.compile()
	if err != nil {
		return err
	}
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; !ok {
		return s.err // ended: endLocked set it under h.mu
	}
	s.filter = cf
	select {
	case s.ch <- subscribedMessage(h.last, cf.topicNames()):
	default:
		h.stats.Dropped++
		h.endLocked(s, ErrTooSlow)
		return ErrTooSlow
	}
	return nil
}

// Done is closed when the subscription has ended; Err then says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err returns why the subscription ended, or nil while it runs.
func (s *Subscription) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close ends the subscription (ErrUnsubscribed, unless it already ended)
// and tells the hub its owner is done with it. It may be called more than
// once.
func (s *Subscription) Close() {
	s.closeOnce.Do(func() {
		h := s.hub
		h.mu.Lock()
		defer h.mu.Unlock()
		h.endLocked(s, ErrUnsubscribed)
		h.owners--
		if h.closed && h.owners == 0 {
			close(h.idle)
		}
	})
}
