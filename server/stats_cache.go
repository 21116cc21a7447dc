package server

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/geo/stats"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/tiles"
)

// maxStatsResults bounds the encoded results the stats cache keeps; when it
// is full the results are dropped (weights and aggregates stay).
const maxStatsResults = 32

// maxUnitAggs bounds the units whose aggregates the stats cache keeps;
// when it is full, the unit asked for least recently goes. A unit's
// aggregates are one profile.Counts per sector it has (a few kilobytes),
// so the bound is a few megabytes and holds every division, district and
// upazila of Bangladesh (8 + 64 + 495 units): at national scale a
// district's aggregates take seconds to read again and a division's tens
// of seconds. (With a bound of 32, which dropped every unit when full,
// the twelve-million load test's sessions over 57 districts read
// profiles again for 2.4–9.5 s each.)
const maxUnitAggs = 1024

// levelUnits are the units of one level as statistics show them, in
// P-code order (the order of every weights matrix built for the level).
type levelUnits struct {
	units     []unitSummary
	centroids []orb.Point // planar centroids, for knn and distance weights
	index     map[string]int
}

// weightsKey names one weights matrix.
type weightsKey struct {
	level  geo.Level
	kind   string // queen, rook, knn, distance
	k      int
	bandKM float64
}

// statsCache keeps what statistics and profiles are computed from, and the
// answers: units and weights per level (until the boundaries change),
// enterprises and jobs per unit and sector per level and encoded results
// per parameter set (until the enterprises change), and aggregates of
// single units (until an event of the store's log says they may have
// changed: unitAggregates). Every entry is tagged by the data versions
// it was computed from, so an answer computed across a change is never
// stored, and a change seen through the versions drops the entries even
// where no event arrives. Safe for concurrent use.
type statsCache struct {
	agg profile.Aggregator

	mu         sync.Mutex
	boundaries string // version the units and weights are for
	data       string // version the aggregates and results are for
	units      map[geo.Level]*levelUnits
	weights    map[weightsKey]*stats.Weights
	// jobs are Aggregator.AggregateJobs per level; unitAggs the aggregates
	// of single units by P-code (at most maxUnitAggs, the least recently
	// used going first, by the clock unitUse), kept across changes of the
	// enterprises and checked against the event log.
	jobs     map[geo.Level][]profile.Aggregate
	unitAggs map[string]*unitAggs
	unitUse  uint64
	results  map[string][]byte
	// points are the enterprises clusters are found among, kept across
	// changes of the enterprises and patched (gpsPointsAt); runs and
	// answers the clusterings and encoded answers of GET /api/clusters,
	// each valid while what it was computed from is unchanged (clusterRun,
	// clusterAnswer); centres counts the changes of common service centres
	// seen.
	points  *gpsPoints
	runs    map[clusterRunKey]*clusterRun
	answers map[string]*clusterAnswer
	centres int64
	flights map[string]*flight
	// closed ends the loads under way when the server closes (close).
	closed context.Context
	close  context.CancelFunc
}

func newStatsCache(agg profile.Aggregator) *statsCache {
	c := &statsCache{agg: agg, flights: map[string]*flight{}}
	c.closed, c.close = context.WithCancel(context.Background())
	c.dropBoundaries()
	c.dropData() // a store whose data version is still "" matches the empty cache at once
	return c
}

// versions are the boundary and enterprise data versions an answer is for.
type versions struct{ boundaries, data string }

// statsVersions returns the current data versions, dropping what older
// versions left in the cache.
func (s *Server) statsVersions() versions {
	v := versions{s.cfg.DataVersion(tiles.AdminLayers[0].Name), s.cfg.DataVersion(tiles.EnterpriseLayer.Name)}
	c := s.stats
	c.mu.Lock()
	defer c.mu.Unlock()
	if v.boundaries != c.boundaries {
		c.dropBoundariesLocked()
		c.boundaries = v.boundaries
	}
	if v.data != c.data {
		c.dropDataLocked()
		c.data = v.data
	}
	return v
}

func (c *statsCache) dropBoundaries() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropBoundariesLocked()
}

func (c *statsCache) dropBoundariesLocked() {
	c.units = map[geo.Level]*levelUnits{}
	c.weights = map[weightsKey]*stats.Weights{}
	c.results = map[string][]byte{}
	c.points = nil // their unions
	c.runs = map[clusterRunKey]*clusterRun{}
	c.answers = map[string]*clusterAnswer{}
	c.unitAggs = map[string]*unitAggs{} // their units
}

// dropData forgets the sums per level and the results, after enterprises
// changed. The aggregates of single units, the points clusters are found
// among, the clusterings and their answers stay: they are checked against
// the data version and the event log when next used.
func (c *statsCache) dropData() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropDataLocked()
}

func (c *statsCache) dropDataLocked() {
	c.jobs = map[geo.Level][]profile.Aggregate{}
	c.results = map[string][]byte{}
}

// current reports whether v are still the versions the cache holds.
func (c *statsCache) current(v versions) bool {
	return c.boundaries == v.boundaries && c.data == v.data
}

// result returns the encoded answer cached under key.
func (c *statsCache) result(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.results[key]
	return b, ok
}

// putResult caches an answer computed from data of versions v.
func (c *statsCache) putResult(v versions, key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.current(v) {
		return
	}
	if len(c.results) >= maxStatsResults {
		c.results = map[string][]byte{}
	}
	c.results[key] = b
}

// unitsAt returns the units of level lv.
func (s *Server) unitsAt(ctx context.Context, v versions, lv geo.Level) (*levelUnits, error) {
	c := s.stats
	c.mu.Lock()
	lu, ok := c.units[lv]
	c.mu.Unlock()
	if ok {
		return lu, nil
	}
	us, err := s.cfg.Geo.FindUnits(ctx, geo.UnitFilter{Level: &lv, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	lu = &levelUnits{units: summarizeAll(us), centroids: make([]orb.Point, len(us)), index: make(map[string]int, len(us))}
	for i, u := range us {
		lu.index[u.PCode] = i
		lu.centroids[i] = u.Label
		if len(u.Geometry) > 0 {
			lu.centroids[i], _ = planar.CentroidArea(u.Geometry)
		}
	}
	c.mu.Lock()
	if c.current(v) {
		c.units[lv] = lu
	}
	c.mu.Unlock()
	return lu, nil
}

// weightsFor returns the weights named by key over the units lu.
func (s *Server) weightsFor(ctx context.Context, v versions, key weightsKey, lu *levelUnits) (*stats.Weights, error) {
	c := s.stats
	c.mu.Lock()
	w, ok := c.weights[key]
	c.mu.Unlock()
	if ok {
		return w, nil
	}
	ids := make([]string, len(lu.units))
	for i, u := range lu.units {
		ids[i] = u.PCode
	}
	var err error
	switch key.kind {
	case "queen", "rook":
		rule, _ := stats.ParseContiguity(key.kind)
		lv := key.level
		us, ferr := s.cfg.Geo.FindUnits(ctx, geo.UnitFilter{Level: &lv, WithGeometry: true})
		if ferr != nil {
			return nil, ferr
		}
		if len(us) != len(ids) {
			return nil, guccho.Errorf(guccho.EUNAVAILABLE, "the boundaries changed while weights were built; try again")
		}
		polys := make([]orb.MultiPolygon, len(us))
		for i, u := range us {
			if u.PCode != ids[i] {
				return nil, guccho.Errorf(guccho.EUNAVAILABLE, "the boundaries changed while weights were built; try again")
			}
			if len(u.Geometry) == 0 {
				return nil, guccho.Errorf(guccho.EINTERNAL, "unit %s has no geometry for contiguity weights", u.PCode)
			}
			polys[i] = u.Geometry
		}
		w, err = stats.ContiguityWeights(ids, polys, rule, stats.DefaultTolerance)
	case "knn":
		w, err = stats.KNN(ids, lu.centroids, key.k)
	case "distance":
		w, err = stats.DistanceBand(ids, lu.centroids, key.bandKM, 0)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.current(v) {
		c.weights[key] = w
	}
	c.mu.Unlock()
	return w, nil
}

// loadTimeout bounds a load of the statistics cache that no request waits
// for any more (see shared).
const loadTimeout = 10 * time.Minute

// flight is one load of the statistics cache under way.
type flight struct {
	done chan struct{}
	val  any
	err  error
}

// shared runs load once at a time for what (which names the entry, in the
// error too) and the versions v, detached from the requests that ask for
// it: a request whose deadline passes first gets EUNAVAILABLE, while the
// load goes on, bounded by loadTimeout and ended when the server closes,
// and caches its result for the next request. At national scale the points clusters are found among and the
// national sums take longer than one request's deadline; were they loaded
// under the request's context, every retry would start over and none would
// finish. Concurrent requests share one load.
func shared[T any](ctx context.Context, c *statsCache, what string, v versions, load func(context.Context, versions) (T, error)) (T, error) {
	key := what + "\x00" + v.boundaries + "\x00" + v.data
	c.mu.Lock()
	f, ok := c.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		c.flights[key] = f
		go func() {
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
			defer cancel()
			defer context.AfterFunc(c.closed, cancel)()
			f.val, f.err = load(lctx, v)
			c.mu.Lock()
			delete(c.flights, key)
			c.mu.Unlock()
			close(f.done)
		}()
	}
	c.mu.Unlock()
	var zero T
	select {
	case <-f.done:
		if f.err != nil {
			return zero, f.err
		}
		return f.val.(T), nil
	case <-ctx.Done():
		return zero, guccho.Errorf(guccho.EUNAVAILABLE, "%s are still being computed (at this size it takes a while); try again shortly", what)
	}
}

// jobsAt returns the enterprises and jobs per unit of level lv and sector
// (Aggregator.AggregateJobs): all that statistics and LQ denominators need
// (see shared).
func (s *Server) jobsAt(ctx context.Context, v versions, lv geo.Level) ([]profile.Aggregate, error) {
	c := s.stats
	c.mu.Lock()
	a, ok := c.jobs[lv]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	return shared(ctx, c, "the enterprises and jobs of every "+lv.String(), v, func(ctx context.Context, v versions) ([]profile.Aggregate, error) {
		return s.loadJobs(ctx, v, lv)
	})
}

// loadJobs reads the enterprises and jobs at level lv and caches them.
func (s *Server) loadJobs(ctx context.Context, v versions, lv geo.Level) ([]profile.Aggregate, error) {
	c := s.stats
	a, err := c.agg.AggregateJobs(ctx, lv)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.current(v) {
		c.jobs[lv] = a
	}
	c.mu.Unlock()
	return a, nil
}

// regionAt returns, per sector, the enterprises and jobs of every
// enterprise resolved to level lv (of every enterprise for geo.Country):
// what location quotients divide by, summed from jobsAt.
func (s *Server) regionAt(ctx context.Context, v versions, lv geo.Level) ([]profile.Aggregate, error) {
	from := lv
	if lv == geo.Country {
		from = geo.Division // every level's rows hold every enterprise
	}
	aggs, err := s.jobsAt(ctx, v, from)
	if err != nil {
		return nil, err
	}
	var out []profile.Aggregate
	index := map[string]int{}
	for _, a := range aggs {
		if a.Unit == "" && lv != geo.Country {
			continue // not resolved to the level
		}
		i, ok := index[a.Sector]
		if !ok {
			i = len(out)
			index[a.Sector] = i
			out = append(out, profile.Aggregate{Sector: a.Sector})
		}
		out[i].Enterprises += a.Enterprises
		out[i].Self += a.Self
		out[i].Wage += a.Wage
	}
	slices.SortFunc(out, func(a, b profile.Aggregate) int { return strings.Compare(a.Sector, b.Sector) })
	return out, nil
}

// unitAggs are the aggregates of one unit (Aggregator.AggregateUnit) and
// what they are up to date with: data is the enterprise data version,
// event the newest event of the store's log they reflect (read before the
// aggregates, so every change logged up to it is in them; 0 when the store
// keeps no log); used is when they were last asked for, by the cache's
// clock statsCache.unitUse.
type unitAggs struct {
	aggs  []profile.Aggregate
	data  string
	event int64
	used  uint64
}

// unitAggregates returns the aggregates of the unit pcode (the store's
// AggregateUnit, which reads only that unit's enterprises), loaded detached
// from the request (see shared): at national scale a division holds
// millions of enterprises, longer to read than one request's deadline.
// They are kept across changes of the enterprises that cannot have changed
// them (refreshUnitAggregates): at 12 million enterprises a district's
// take seconds to read, a division's tens of seconds.
func (s *Server) unitAggregates(ctx context.Context, v versions, pcode string) ([]profile.Aggregate, error) {
	c := s.stats
	c.mu.Lock()
	u := c.unitAggs[pcode]
	if u != nil {
		c.unitUse++
		u.used = c.unitUse
	}
	c.mu.Unlock()
	if u != nil && u.data == v.data {
		return u.aggs, nil
	}
	return shared(ctx, c, "the aggregates of "+pcode, v, func(ctx context.Context, v versions) ([]profile.Aggregate, error) {
		return s.refreshUnitAggregates(ctx, v, pcode)
	})
}

// refreshUnitAggregates returns the aggregates of the unit pcode up to
// date with version v, and caches them: the cached ones when the events
// logged since they were read cannot have changed them (unitUnchanged),
// else read again.
func (s *Server) refreshUnitAggregates(ctx context.Context, v versions, pcode string) ([]profile.Aggregate, error) {
	c := s.stats
	c.mu.Lock()
	old := c.unitAggs[pcode]
	c.mu.Unlock()
	if old != nil && old.data == v.data {
		return old.aggs, nil
	}
	log, ok := s.cfg.Enterprises.(guccho.EventStore)
	if ok && old != nil {
		last, kept, err := unitUnchanged(ctx, log, old.event, pcode)
		if err != nil {
			return nil, err
		}
		if kept {
			c.putUnitAggs(v, pcode, &unitAggs{aggs: old.aggs, data: v.data, event: last})
			return old.aggs, nil
		}
	}
	var event int64
	if ok {
		// Read first: every change logged up to it is in what follows.
		var err error
		if event, err = log.LatestEventID(ctx); err != nil {
			return nil, err
		}
	}
	a, err := c.agg.AggregateUnit(ctx, pcode)
	if err != nil {
		return nil, err
	}
	c.putUnitAggs(v, pcode, &unitAggs{aggs: a, data: v.data, event: event})
	return a, nil
}

// putUnitAggs caches u, the aggregates of pcode up to date with version
// v.data and event u.event, unless the boundaries changed or newer ones
// are cached. An entry tagged with a data version that has moved on since
// is still right for that version: the next request checks the events
// after u.event.
func (c *statsCache) putUnitAggs(v versions, pcode string, u *unitAggs) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.boundaries != v.boundaries {
		return
	}
	if cur := c.unitAggs[pcode]; cur != nil && cur.event > u.event {
		return
	}
	if _, ok := c.unitAggs[pcode]; !ok && len(c.unitAggs) >= maxUnitAggs {
		oldest := ""
		for code, a := range c.unitAggs {
			if oldest == "" || a.used < c.unitAggs[oldest].used {
				oldest = code
			}
		}
		delete(c.unitAggs, oldest)
	}
	c.unitUse++
	u.used = c.unitUse
	c.unitAggs[pcode] = u
}

// unitUnchanged reads the events logged after event after and reports
// whether none of them can have changed the aggregates of the unit pcode,
// and the last event read: every one is an enterprises.changed that lists
// the units it changed (guccho.EnterpriseChange.Units), none of them in
// pcode, or an event that changes no enterprise. An import's batches, an
// undo, a write of many enterprises (none listed), a boundary change, an
// event that does not parse, or a log pruned past after say they may have.
func unitUnchanged(ctx context.Context, log guccho.EventStore, after int64, pcode string) (int64, bool, error) {
	oldest, err := log.OldestEventID(ctx)
	if err != nil {
		return 0, false, err
	}
	if oldest > after+1 {
		return 0, false, nil
	}
	last := after
	for {
		evs, err := log.EventsAfter(ctx, last, eventPage)
		if err != nil {
			return 0, false, err
		}
		for _, ev := range evs {
			last = ev.ID
			switch ev.Type {
			case guccho.EventBoundariesReplaced:
				return 0, false, nil
			case guccho.EventEnterprisesChanged:
				var ch guccho.EnterpriseChange
				if err := json.Unmarshal(ev.Payload, &ch); err != nil {
					return 0, false, nil
				}
				units, listed := ch.ChangedUnits()
				if !listed {
					return 0, false, nil
				}
				for _, u := range units {
					if liesIn(u, pcode) {
						return 0, false, nil
					}
				}
			}
		}
		if len(evs) < eventPage {
			return last, true, nil
		}
	}
}

// liesIn reports whether the unit code is the unit pcode or lies in it
// (P-codes nest: a union's code lies in its upazila, district and
// division).
func liesIn(code, pcode string) bool {
	return code == pcode || slices.Contains(geo.ParentCodes(code), pcode)
}

// dropStats, a hub listener, forgets statistics when enterprises,
// boundaries or common service centres (named in cluster profiles) change
// (dropData: the aggregates of single units stay, checked against the log
// when next asked for) and tells subscribers of the clusters topic that
// statistics and profiles computed before are out of date
// (profile.EventStale, transient).
func (s *Server) dropStats(ev guccho.Event) {
	switch ev.Type {
	case guccho.EventEnterprisesChanged:
		s.stats.dropData()
	case guccho.EventCentresChanged:
		s.stats.dropData()
		s.stats.mu.Lock()
		s.stats.centres++
		s.stats.mu.Unlock()
	case guccho.EventBoundariesReplaced:
		s.stats.dropBoundaries()
		s.stats.dropData()
	default:
		return
	}
	payload, _ := json.Marshal(staleStats{Cause: ev.Type, EventID: ev.ID})
	s.hub.PublishTransient(guccho.Event{Type: profile.EventStale, Payload: payload})
}

// staleStats is the payload of profile.EventStale.
type staleStats struct {
	Cause   string `json:"cause"`    // the event type that made them stale
	EventID int64  `json:"event_id"` // that event's id
}
