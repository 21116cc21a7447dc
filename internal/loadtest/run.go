package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/guccho/guccho/internal/loadgen"
	"github.com/guccho/guccho/internal/wsload"
)

// Limits on a run, whatever the Config asks for.
const (
	MaxSteps    = 16
	MaxStep     = time.Minute
	MaxRequests = 5_000_000
	MaxInFlight = 20_000
)

// Target is what a run offers its requests to.
type Target struct {
	Name string
	// URLs are base URLs (scheme, loopback host, port): the requests of the
	// mix other than edits go to them in turn.
	URLs []string
	// EditURL is the base URL edits go to; default URLs[0].
	EditURL string
	// Token is the editor token edits carry (Authorization: Bearer).
	Token string
}

// Config describes a run. Target and Mix are required.
type Config struct {
	Target Target
	Mix    Mix
	// StartRate is the first step's arrival rate in requests per second;
	// default 25. Each further step multiplies it by Factor (default 2).
	StartRate, Factor float64
	// Step is how long each step offers requests; default 10s, at most
	// MaxStep. Responses still due when it ends are waited for (up to
	// Timeout) and counted in the step.
	Step time.Duration
	// Steps bounds the number of steps; default 10, at most MaxSteps.
	Steps int
	// P99 is the latency a step's p99 (over all its requests) must stay
	// within to be held; default 250ms.
	P99 time.Duration
	// Timeout bounds one request, body included; default 30s, the server's
	// own request deadline (--request-timeout). A request that times out is
	// an error.
	Timeout time.Duration
	// InFlight bounds the requests awaiting a response; an arrival beyond
	// it is not sent and counts as dropped (the server is far behind).
	// Default 4096, at most MaxInFlight.
	InFlight int
	// Requests bounds the requests of the whole run; default and at most
	// MaxRequests.
	Requests int
	// Events, when set, are websocket clients listening to the target; after
	// each step Run waits (up to EventWait, default 10s) until every one of
	// them has received the event LatestEventID names, and reports their
	// delivery latencies. A client that misses it fails the step.
	Events        *wsload.Readers
	LatestEventID func(context.Context) (int64, error)
	EventWait     time.Duration
	// OnStep, when set, is called with each step as it ends.
	OnStep func(Step)
	// Warm, when set, are requests sent before the first step to every URL
	// of the target, one at a time, each until it is answered with a 2xx:
	// a 503 (the server still computing what the answer needs) or a
	// timeout is asked again a second later, any other failure ends the
	// run with an error. The steps then measure a server whose analysis
	// caches its first users have filled, not one just started (see
	// Mix.Analyses). WarmTimeout bounds the warm-up; default 30 minutes.
	Warm        []Request
	WarmTimeout time.Duration
}

// Stats are the latencies of a set of requests, measured from the moment
// each was due to be sent (so time spent queueing in the client counts)
// to the last byte of its response. Percentiles are by nearest rank over the
// requests that received a response.
type Stats struct {
	Requests int           // requests that received a response (any status)
	Errors   int           // non-2xx responses, failed and timed-out requests
	P50, P99 time.Duration // latency percentiles
	Max      time.Duration
}

// EventStats are the websocket deliveries of one step.
type EventStats struct {
	Clients   int // connected clients
	Delivered int // events received, all clients together
	// P50 and P99 are from each event's time (its commit) to its arrival.
	P50, P99 time.Duration
	Err      string // why the clients did not all receive the step's last event; "" when they did
}

// Step is the outcome of one step of a run.
type Step struct {
	Offered float64       // arrivals per second
	Served  float64       // 2xx responses completed within the step's Config.Step, per second
	Elapsed time.Duration // from the first arrival to the last response
	Sent    int           // requests sent
	Dropped int           // arrivals not sent because InFlight requests were pending
	// New counts the GETs sent for a path no earlier request of the run
	// asked for: what no cache of the target can have held.
	New    int
	All    Stats // every request sent
	Kinds  map[Kind]Stats
	Events *EventStats // nil without Config.Events
	// Held reports whether the step met the bound: p99 within Config.P99,
	// no error, nothing dropped, every event delivered.
	Held     bool
	FirstErr string // the first error, for the report
}

// Report is the outcome of a run.
type Report struct {
	Target string
	P99    time.Duration // the bound a step's p99 had to meet
	Steps  []Step
	// Held is the highest offered rate of a held step (requests/s); 0 when
	// not even the first step held.
	Held float64
	// Warm is how long the warm-up took (Config.Warm), Warmed the
	// requests it sent until answered, over every URL.
	Warm   time.Duration
	Warmed int
}

// Run offers cfg.Mix's requests to cfg.Target in steps of rising rate, each
// arrival at its time whatever became of the earlier ones, and stops after
// the first step not held (or at the bounds). It returns an error, before
// sending anything, when cfg is invalid or names a host that is not
// loopback; failed requests are counted, not returned. Cancelling ctx ends
// the run early, cutting its last step short.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if len(cfg.Target.URLs) == 0 {
		return Report{}, errors.New("loadtest: target has no URL")
	}
	urls := make([]string, len(cfg.Target.URLs))
	for i, u := range cfg.Target.URLs {
		base, err := loadgen.CheckBaseURL(u)
		if err != nil {
			return Report{}, fmt.Errorf("loadtest: target %s: %w", cfg.Target.Name, err)
		}
		urls[i] = base
	}
	editURL := urls[0]
	if cfg.Target.EditURL != "" {
		base, err := loadgen.CheckBaseURL(cfg.Target.EditURL)
		if err != nil {
			return Report{}, fmt.Errorf("loadtest: target %s: edits: %w", cfg.Target.Name, err)
		}
		editURL = base
	}
	if cfg.Events != nil && cfg.LatestEventID == nil {
		return Report{}, errors.New("loadtest: Events without LatestEventID")
	}
	stream, err := cfg.Mix.Stream()
	if err != nil {
		return Report{}, err
	}
	if cfg.StartRate <= 0 {
		cfg.StartRate = 25
	}
	if cfg.Factor <= 1 {
		cfg.Factor = 2
	}
	if cfg.Step <= 0 {
		cfg.Step = 10 * time.Second
	}
	cfg.Step = min(cfg.Step, MaxStep)
	if cfg.Steps <= 0 {
		cfg.Steps = 10
	}
	cfg.Steps = min(cfg.Steps, MaxSteps)
	if cfg.P99 <= 0 {
		cfg.P99 = 250 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.InFlight <= 0 {
		cfg.InFlight = 4096
	}
	cfg.InFlight = min(cfg.InFlight, MaxInFlight)
	if cfg.Requests <= 0 || cfg.Requests > MaxRequests {
		cfg.Requests = MaxRequests
	}
	if cfg.EventWait <= 0 {
		cfg.EventWait = 10 * time.Second
	}
	if cfg.WarmTimeout <= 0 {
		cfg.WarmTimeout = 30 * time.Minute
	}

	tr := loadgen.Transport(cfg.InFlight)
	defer tr.CloseIdleConnections()
	d := &driver{cfg: cfg, urls: urls, editURL: editURL, stream: stream,
		client: &http.Client{Transport: tr, Timeout: cfg.Timeout}, asked: map[string]bool{}}

	rep := Report{Target: cfg.Target.Name, P99: cfg.P99}
	t0 := time.Now()
	if err := d.warm(ctx); err != nil {
		return rep, fmt.Errorf("loadtest: target %s: warm-up: %w", cfg.Target.Name, err)
	}
	rep.Warm, rep.Warmed = time.Since(t0), len(cfg.Warm)*len(urls)
	rate, left := cfg.StartRate, cfg.Requests
	for range cfg.Steps {
		if left <= 0 || ctx.Err() != nil {
			break
		}
		st := d.step(ctx, rate, left)
		left -= st.Sent + st.Dropped
		rep.Steps = append(rep.Steps, st)
		if cfg.OnStep != nil {
			cfg.OnStep(st)
		}
		if !st.Held {
			break
		}
		rep.Held = st.Offered
		rate *= cfg.Factor
	}
	return rep, nil
}

// driver holds what the steps of one run share.
type driver struct {
	cfg     Config
	urls    []string
	editURL string
	stream  *Stream
	client  *http.Client
	next    int             // the URL the next request goes to
	asked   map[string]bool // the paths of the GETs sent so far
}

// outcome is what became of one arrival.
type outcome struct {
	kind    Kind
	sent    bool
	fresh   bool // a GET of a path not asked for before in the run
	status  int  // 0 when the request failed without a response
	latency time.Duration
	done    time.Time // when the response was read
	err     string    // non-empty for an error
}

// step offers rate requests per second for cfg.Step (at most limit
// requests), waits for the responses and tallies them.
func (d *driver) step(ctx context.Context, rate float64, limit int) Step {
	n := min(limit, max(1, int(math.Round(rate*d.cfg.Step.Seconds()))))
	outs := make([]outcome, n)
	slots := make(chan struct{}, d.cfg.InFlight)
	var wg sync.WaitGroup
	timer := time.NewTimer(0)
	defer timer.Stop()
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			outs = outs[:i]
			break
		}
		req := d.stream.Next()
		base := d.editURL
		if req.Kind != KindEdit {
			base = d.urls[d.next%len(d.urls)]
			d.next++
		}
		select {
		case slots <- struct{}{}:
		default:
			outs[i] = outcome{kind: req.Kind, err: fmt.Sprintf("%s %s: dropped, %d requests pending", req.Method, req.Path, d.cfg.InFlight)}
			continue
		}
		fresh := req.Method == http.MethodGet && !d.asked[req.Path]
		d.asked[req.Path] = true
		wg.Go(func() {
			defer func() { <-slots }()
			outs[i] = d.do(ctx, base, req, due)
			outs[i].fresh = fresh
		})
	}
	wg.Wait()

	st := Step{Offered: rate, Elapsed: time.Since(start), Kinds: map[Kind]Stats{}}
	var all []time.Duration
	byKind := map[Kind][]time.Duration{}
	errs := map[Kind]int{}
	ok, end := 0, start.Add(d.cfg.Step)
	for _, o := range outs {
		if o.fresh {
			st.New++
		}
		switch {
		case !o.sent:
			st.Dropped++
		case o.status != 0:
			st.Sent++
			all = append(all, o.latency)
			byKind[o.kind] = append(byKind[o.kind], o.latency)
		default:
			st.Sent++
		}
		if o.err != "" {
			if o.sent {
				errs[o.kind]++
			}
			if st.FirstErr == "" {
				st.FirstErr = o.err
			}
		} else if o.status != 0 && !o.done.After(end) {
			ok++
		}
	}
	st.Served = float64(ok) / d.cfg.Step.Seconds()
	st.All = stats(all, 0)
	for _, k := range Kinds {
		st.All.Errors += errs[k]
		if len(byKind[k]) > 0 || errs[k] > 0 {
			st.Kinds[k] = stats(byKind[k], errs[k])
		}
	}
	if d.cfg.Events != nil {
		st.Events = d.events(ctx)
	}
	st.Held = st.All.P99 <= d.cfg.P99 && st.All.Errors == 0 && st.Dropped == 0 &&
		(st.Events == nil || st.Events.Err == "") && len(outs) == n
	return st
}

// warm sends every request of cfg.Warm to every URL until answered (see
// Config.Warm). Their paths count as asked before.
func (d *driver) warm(ctx context.Context) error {
	if len(d.cfg.Warm) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.WarmTimeout)
	defer cancel()
	for _, base := range d.urls {
		for _, req := range d.cfg.Warm {
			for {
				o := d.do(ctx, base, req, time.Now())
				if o.err == "" {
					break
				}
				if ctx.Err() != nil {
					return fmt.Errorf("not answered within %v: %s", d.cfg.WarmTimeout, o.err)
				}
				if o.status != 0 && o.status != http.StatusServiceUnavailable {
					return errors.New(o.err)
				}
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
			if req.Method == "GET" {
				d.asked[req.Path] = true
			}
		}
	}
	return nil
}

// do sends req to base and reads the response to the end; its latency runs
// from due, the moment the request was due to be sent.
func (d *driver) do(ctx context.Context, base string, req Request, due time.Time) outcome {
	o := outcome{kind: req.Kind, sent: true}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, base+req.Path, body)
	if err != nil {
		o.err = err.Error()
		return o
	}
	hr.Header.Set("Accept-Encoding", "gzip")
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.Kind == KindEdit && d.cfg.Target.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+d.cfg.Target.Token)
	}
	resp, err := d.client.Do(hr)
	if err != nil {
		o.err = fmt.Sprintf("%s %s: %v", req.Method, req.Path, err)
		return o
	}
	defer resp.Body.Close()
	var head []byte
	if resp.StatusCode/100 != 2 {
		head, _ = io.ReadAll(io.LimitReader(resp.Body, 200))
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		o.err = fmt.Sprintf("%s %s: reading the body: %v", req.Method, req.Path, err)
		return o
	}
	o.done = time.Now()
	o.status, o.latency = resp.StatusCode, o.done.Sub(due)
	if resp.StatusCode/100 != 2 {
		o.err = fmt.Sprintf("%s %s: %s %s", req.Method, req.Path, resp.Status, strings.TrimSpace(string(head)))
	}
	return o
}

// events waits for every websocket client to hold the newest event and
// takes the step's delivery latencies.
func (d *driver) events(ctx context.Context) *EventStats {
	es := &EventStats{Clients: d.cfg.Events.Len()}
	wctx, cancel := context.WithTimeout(ctx, d.cfg.EventWait)
	defer cancel()
	id, err := d.cfg.LatestEventID(wctx)
	if err == nil {
		err = d.cfg.Events.WaitFor(wctx, id)
	}
	if err == nil {
		if stopped := d.cfg.Events.Stopped(); len(stopped) > 0 {
			err = fmt.Errorf("%d of %d clients stopped reading: %v", len(stopped), es.Clients, stopped[0])
		}
	}
	if err != nil {
		es.Err = fmt.Sprintf("event %d: %v", id, err)
	}
	lat := d.cfg.Events.TakeLatencies()
	es.Delivered = len(lat)
	es.P50, es.P99 = wsload.Percentile(lat, 50), wsload.Percentile(lat, 99)
	return es
}

// stats summarises latencies (sorted here) and an error count.
func stats(lat []time.Duration, errs int) Stats {
	s := Stats{Requests: len(lat), Errors: errs}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	rank := func(q float64) time.Duration {
		return lat[max(0, min(len(lat)-1, int(math.Ceil(q*float64(len(lat))))-1))]
	}
	s.P50, s.P99, s.Max = rank(0.50), rank(0.99), lat[len(lat)-1]
	return s
}

// String returns the report as a table: one line per step with the rate
// offered and served, requests sent and how many of them were new,
// errors (dropped arrivals included), overall p50/p99 and p50/p99 per
// kind of request (ms), websocket deliveries, and the first error of the
// step that stopped the run.
func (r Report) String() string {
	var b strings.Builder
	if n := len(r.Steps); n > 0 && r.Steps[n-1].Held {
		fmt.Fprintf(&b, "%s: held at least %.0f req/s with p99 ≤ %v (every step held: the run reached its bound)\n", r.Target, r.Held, r.P99)
	} else {
		fmt.Fprintf(&b, "%s: held %.0f req/s with p99 ≤ %v\n", r.Target, r.Held, r.P99)
	}
	if r.Warmed > 0 {
		fmt.Fprintf(&b, "warm-up before the first step: %d analysis requests answered in %v\n", r.Warmed, r.Warm.Round(time.Second))
	}
	fmt.Fprintf(&b, "%9s %9s %7s %7s %6s %7s %8s", "offered/s", "served/s", "sent", "new", "errors", "p50 ms", "p99 ms")
	kinds := map[Kind]bool{}
	for _, st := range r.Steps {
		for k := range st.Kinds {
			kinds[k] = true
		}
	}
	for _, k := range Kinds {
		if kinds[k] {
			fmt.Fprintf(&b, " %*s", kindWidth(k), k+" p50/p99")
		}
	}
	fmt.Fprintf(&b, "  %s\n", "ws events (clients: delivered, p99 ms)")
	for _, st := range r.Steps {
		mark := " "
		if !st.Held {
			mark = "✗"
		}
		fmt.Fprintf(&b, "%9.0f %9.0f %7d %7d %6d %7.1f %7.1f%s", st.Offered, st.Served, st.Sent, st.New, st.All.Errors+st.Dropped, ms(st.All.P50), ms(st.All.P99), mark)
		for _, k := range Kinds {
			if kinds[k] {
				cell := "-"
				if s, ok := st.Kinds[k]; ok && s.Requests > 0 {
					cell = fmt.Sprintf("%.1f/%.1f", ms(s.P50), ms(s.P99))
				}
				fmt.Fprintf(&b, " %*s", kindWidth(k), cell)
			}
		}
		if e := st.Events; e != nil {
			fmt.Fprintf(&b, "  %d: %d, %.1f", e.Clients, e.Delivered, ms(e.P99))
			if e.Err != "" {
				fmt.Fprintf(&b, " (%s)", e.Err)
			}
		}
		b.WriteString("\n")
	}
	if n := len(r.Steps); n > 0 && r.Steps[n-1].FirstErr != "" {
		fmt.Fprintf(&b, "first error of the last step: %s\n", r.Steps[n-1].FirstErr)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// kindWidth is the width of a kind's column in Report.String.
func kindWidth(k Kind) int { return max(13, len(k)+8) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
