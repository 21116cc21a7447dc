package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
)

// PresentationConfig tunes Presentations; zero values take the defaults.
type PresentationConfig struct {
	// Instance names this server instance in follower counts; default a
	// random id. Every instance on one database needs its own.
	Instance string
	// MoveEvery is how often a deck's positions may reach the event log:
	// the first of a burst at once, then the newest one waiting when the
	// interval ends, so a camera flight costs at most 1/MoveEvery events a
	// second and its last position always arrives. Default 200 ms (5/s).
	MoveEvery time.Duration
	// CountEvery is how often this instance's follower count of a deck may
	// reach the log, in the same way. Default 1 s.
	CountEvery time.Duration
	// Heartbeat is how often a count above zero is repeated, so that other
	// instances know this one is still there. Default 15 s.
	Heartbeat time.Duration
	// Forget leaves out of the totals the counts of instances not heard
	// from for longer (an instance that stopped without saying so).
	// Default 45 s; it should be a few Heartbeats.
	Forget time.Duration
	Logger *slog.Logger // default slog.Default()
}

// Presentations relays live presentations through the event log, so that
// they cross server instances: a presenter's position becomes a
// guccho.EventPresentationMoved event (throttled per deck, see
// PresentationConfig.MoveEvery) that reaches the deck's subscribers on
// every instance; each instance appends its own follower count of a deck as
// guccho.EventPresentationFollowers when it changes (throttled) and every
// Heartbeat while it is above zero; and each instance sums the latest count
// of every instance heard from within Forget and sends the total to the
// deck's subscribers as the transient guccho.EventPresentationAudience
// whenever it changes.
//
// Presentations is safe for concurrent use. Create it with
// NewPresentations and end it with Close (before closing the hub).
type Presentations struct {
	hub *Hub
	log guccho.EventAppender
	cfg PresentationConfig

	ctx    context.Context // for appends made from timers; cancelled by Close
	cancel context.CancelFunc
	done   chan struct{} // closed when the heartbeat loop ended

	// sendMu orders the totals sent: each is computed and published under
	// it, so the last one a subscriber gets is never older than the counts
	// (a total computed earlier cannot overtake one computed later).
	sendMu sync.Mutex

	mu     sync.Mutex
	moves  map[string]*throttle // deck → its positions on their way to the log
	counts map[string]*throttle // deck → this instance's count on its way to the log
	local  map[string]int       // deck → followers on this instance
	heard  map[string]map[string]heardCount
	totals map[string]int   // deck → the total last sent
	latest map[string]int64 // deck → id of the newest position event seen
}

// heardCount is one instance's latest follower count of a deck.
type heardCount struct {
	id    int64 // the event's id: an older event never overwrites a newer one
	count int
	at    time.Time
}

// NewPresentations starts relaying presentations through log (the same
// event log hub reads) and registers with hub for the log's events. It
// reads the log's kept events once, in the background, so that it knows
// each deck's latest position and the counts of other instances from
// before it started.
func NewPresentations(hub *Hub, log guccho.EventAppender, cfg PresentationConfig) *Presentations {
	if cfg.Instance == "" {
		cfg.Instance = randomInstance()
	}
	if cfg.MoveEvery <= 0 {
		cfg.MoveEvery = 200 * time.Millisecond
	}
	if cfg.CountEvery <= 0 {
		cfg.CountEvery = time.Second
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.Forget <= 0 {
		cfg.Forget = 45 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Presentations{hub: hub, log: log, cfg: cfg, ctx: ctx, cancel: cancel, done: make(chan struct{}),
		moves: map[string]*throttle{}, counts: map[string]*throttle{}, local: map[string]int{},
		heard: map[string]map[string]heardCount{}, totals: map[string]int{}, latest: map[string]int64{}}
	hub.OnEvent(func(ev guccho.Event) { p.observe(ev, time.Now()) })
	go p.loop()
	return p
}

// randomInstance returns a random instance id.
func randomInstance() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Instance returns this instance's id in follower counts.
func (p *Presentations) Instance() string { return p.cfg.Instance }

// Close stops the heartbeats and drops positions and counts still waiting
// for their interval. It may be called more than once.
func (p *Presentations) Close() {
	p.cancel()
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range p.moves {
		t.stop()
	}
	for _, t := range p.counts {
		t.stop()
	}
}

// Move relays a presenter's position. The first position of a deck after a
// quiet MoveEvery is appended to the log before Move returns (its error is
// returned); later ones wait for the interval to end, and only the newest
// waiting one is appended then (its error is logged). It returns EINVALID
// for a position that does not validate.
func (p *Presentations) Move(ctx context.Context, pos deck.Position) error {
	if err := pos.Validate(); err != nil {
		return err
	}
	p.mu.Lock()
	t := p.moves[pos.Deck]
	if t == nil {
		t = &throttle{every: p.cfg.MoveEvery, ctx: p.ctx, log: p.cfg.Logger}
		p.moves[pos.Deck] = t
	}
	p.mu.Unlock()
	return t.do(ctx, func(ctx context.Context) error {
		_, err := p.log.AppendEvent(ctx, guccho.EventPresentationMoved, pos)
		return err
	})
}

// Follow counts one more follower of deckID on this instance until the
// returned function is called (once; later calls do nothing).
func (p *Presentations) Follow(deckID string) (unfollow func()) {
	p.addLocal(deckID, 1)
	var once sync.Once
	return func() { once.Do(func() { p.addLocal(deckID, -1) }) }
}

func (p *Presentations) addLocal(deckID string, n int) {
	p.mu.Lock()
	p.local[deckID] += n
	if p.local[deckID] <= 0 {
		delete(p.local, deckID)
	}
	p.mu.Unlock()
	p.publishCount(deckID)
}

// publishCount appends this instance's count of deckID, throttled per deck:
// never from the caller's goroutine.
func (p *Presentations) publishCount(deckID string) {
	p.mu.Lock()
	t := p.counts[deckID]
	if t == nil {
		t = &throttle{every: p.cfg.CountEvery, ctx: p.ctx, log: p.cfg.Logger, async: true}
		p.counts[deckID] = t
	}
	p.mu.Unlock()
	t.do(p.ctx, func(ctx context.Context) error {
		p.mu.Lock()
		n := p.local[deckID]
		p.mu.Unlock()
		_, err := p.log.AppendEvent(ctx, guccho.EventPresentationFollowers, deck.Followers{Deck: deckID, Instance: p.cfg.Instance, Count: n})
		return err
	})
}

// Followers returns the total followers of deckID over every instance heard
// from within Forget, as this instance last heard.
func (p *Presentations) Followers(deckID string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.totalLocked(deckID, time.Now())
}

// LatestMove returns the id of the newest position event of deckID this
// instance knows, 0 when none. A follower that subscribes from the id
// before it is sent the presenter's position at once (as a replay).
func (p *Presentations) LatestMove(deckID string) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.latest[deckID]
}

// Announce sends the deck's current total of followers to its subscribers
// (transient), so that one that just subscribed learns it.
func (p *Presentations) Announce(deckID string) { p.publishTotal(deckID, true) }

// publishTotal sends the deck's total when it changed since the last one
// sent (or always, with force).
func (p *Presentations) publishTotal(deckID string, force bool) {
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	p.mu.Lock()
	n := p.totalLocked(deckID, time.Now())
	changed := n != p.totals[deckID]
	p.totals[deckID] = n
	p.mu.Unlock()
	if changed || force {
		b, _ := json.Marshal(deck.Audience{Deck: deckID, Followers: n})
		p.hub.PublishTransient(guccho.Event{Type: guccho.EventPresentationAudience, Payload: b})
	}
}

// totalLocked sums the counts of deckID heard within Forget of now. p.mu is
// held.
func (p *Presentations) totalLocked(deckID string, now time.Time) int {
	n := 0
	for _, h := range p.heard[deckID] {
		if now.Sub(h.at) <= p.cfg.Forget {
			n += h.count
		}
	}
	return n
}

// observe learns from one event of the log, received at at.
func (p *Presentations) observe(ev guccho.Event, at time.Time) {
	switch ev.Type {
	case guccho.EventPresentationMoved:
		var pos deck.Position
		if json.Unmarshal(ev.Payload, &pos) != nil || pos.Deck == "" {
			return
		}
		p.mu.Lock()
		if ev.ID > p.latest[pos.Deck] {
			p.latest[pos.Deck] = ev.ID
		}
		p.mu.Unlock()
	case guccho.EventPresentationFollowers:
		var f deck.Followers
		if json.Unmarshal(ev.Payload, &f) != nil || f.Deck == "" || f.Instance == "" || f.Count < 0 {
			return
		}
		p.mu.Lock()
		byInstance := p.heard[f.Deck]
		if byInstance == nil {
			byInstance = map[string]heardCount{}
			p.heard[f.Deck] = byInstance
		}
		if old, ok := byInstance[f.Instance]; ok && old.id >= ev.ID {
			p.mu.Unlock()
			return
		}
		byInstance[f.Instance] = heardCount{id: ev.ID, count: f.Count, at: at}
		p.mu.Unlock()
		p.publishTotal(f.Deck, false)
	}
}

// loop reads the kept log once, then repeats this instance's counts every
// Heartbeat and forgets silent instances, until Close.
func (p *Presentations) loop() {
	defer close(p.done)
	p.seed()
	beat := time.NewTicker(p.cfg.Heartbeat)
	defer beat.Stop()
	sweep := time.NewTicker(max(p.cfg.Forget/4, 10*time.Millisecond))
	defer sweep.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-beat.C:
			p.mu.Lock()
			decks := make([]string, 0, len(p.local))
			for d := range p.local {
				decks = append(decks, d)
			}
			p.mu.Unlock()
			for _, d := range decks {
				p.publishCount(d)
			}
		case now := <-sweep.C:
			p.forget(now)
		}
	}
}

// forget drops the counts of instances silent for longer than Forget and
// sends the totals that changed.
func (p *Presentations) forget(now time.Time) {
	p.mu.Lock()
	decks := make([]string, 0, len(p.totals))
	for d, byInstance := range p.heard {
		for inst, h := range byInstance {
			if now.Sub(h.at) > p.cfg.Forget {
				delete(byInstance, inst)
			}
		}
		if len(byInstance) == 0 {
			delete(p.heard, d)
		}
	}
	for d := range p.totals {
		decks = append(decks, d)
	}
	p.mu.Unlock()
	for _, d := range decks {
		p.publishTotal(d, false)
	}
}

// seed reads the events the log keeps (at most a few pages) so that an
// instance that starts during a presentation knows its position and the
// other instances' counts.
func (p *Presentations) seed() {
	store := p.hub.store
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	after := int64(0)
	for {
		evs, err := store.EventsAfter(ctx, after, 1000)
		if err != nil {
			if ctx.Err() == nil {
				p.cfg.Logger.Warn("presentations: reading the event log", slog.Any("err", err))
			}
			return
		}
		for _, ev := range evs {
			p.observe(ev, ev.Time)
			after = ev.ID
		}
		if len(evs) < 1000 {
			return
		}
	}
}

// throttle runs the newest of the functions it is given at most once every
// interval: at once when the last run is older and none is waiting, else
// when the interval ends. Runs never overlap, and start in the order they
// were admitted (an async throttle's functions read what they send when
// they run, so their order does not matter).
type throttle struct {
	every time.Duration
	ctx   context.Context // for waiting runs
	log   *slog.Logger
	async bool // run even the immediate function on a goroutine of its own

	// running is held while a function runs, so runs never overlap: a slow
	// append cannot land after the one that followed it.
	running sync.Mutex

	mu      sync.Mutex
	last    time.Time
	waiting func(context.Context) error
	timer   *time.Timer
	stopped bool
}

// appendTimeout bounds one append made by a throttle's timer.
const appendTimeout = 10 * time.Second

// do runs f now (with ctx, returning its error, unless the throttle is
// async) or leaves it waiting in place of any function waiting already,
// returning nil.
func (t *throttle) do(ctx context.Context, f func(context.Context) error) error {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return nil
	}
	now := time.Now()
	if t.timer == nil && now.Sub(t.last) >= t.every {
		t.last = now
		if t.async {
			t.mu.Unlock()
			go t.run(f)
			return nil
		}
		// Taken before t.mu is let go, so a later function's timer waits for this run.
		t.running.Lock()
		t.mu.Unlock()
		defer t.running.Unlock()
		return f(ctx)
	}
	t.waiting = f
	if t.timer == nil {
		t.timer = time.AfterFunc(t.last.Add(t.every).Sub(now), t.fire)
	}
	t.mu.Unlock()
	return nil
}

func (t *throttle) fire() {
	t.mu.Lock()
	f := t.waiting
	t.waiting, t.timer = nil, nil
	t.last = time.Now()
	t.mu.Unlock()
	if f != nil {
		t.run(f)
	}
}

func (t *throttle) run(f func(context.Context) error) {
	t.running.Lock()
	defer t.running.Unlock()
	ctx, cancel := context.WithTimeout(t.ctx, appendTimeout)
	defer cancel()
	if err := f(ctx); err != nil && t.ctx.Err() == nil {
		t.log.Warn("presentations: appending to the event log", slog.Any("err", err))
	}
}

// stop drops what is waiting; later calls of do do nothing.
func (t *throttle) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	if t.timer != nil {
		t.timer.Stop()
	}
	t.waiting, t.timer = nil, nil
}
