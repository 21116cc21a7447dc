package server

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/live/livetest"
	"github.com/guccho/guccho/profile"
)

// noEnterprises aggregates a store that holds no enterprises.
type noEnterprises struct{}

func (noEnterprises) AggregateEnterprises(context.Context, geo.Level) ([]profile.Aggregate, error) {
	return nil, nil
}

func (noEnterprises) AggregateUnit(context.Context, string) ([]profile.Aggregate, error) {
	return nil, nil
}

func (noEnterprises) AggregateJobs(context.Context, geo.Level) ([]profile.Aggregate, error) {
	return nil, nil
}

// A new PostGIS database reports "" as its data version until its first
// write, which equals a fresh cache's version: the first statistic must
// still be cached without a nil-map panic (it answered 500 before).
func TestAFreshStatsCacheKeepsAggregatesOfAnEmptyStore(t *testing.T) {
	s := &Server{stats: newStatsCache(noEnterprises{})}
	v := versions{}
	if !s.stats.current(v) {
		t.Fatal("a fresh cache should hold the empty versions")
	}
	if _, err := s.jobsAt(context.Background(), v, geo.District); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.stats.jobs[geo.District]; !ok {
		t.Error("the district aggregates were not kept")
	}
}

// slowJobs sums enterprises, of a level or of one unit, only when
// released, counting the calls.
type slowJobs struct {
	noEnterprises
	release chan struct{}
	calls   atomic.Int32
}

func (s *slowJobs) AggregateJobs(ctx context.Context, lv geo.Level) ([]profile.Aggregate, error) {
	return s.sum(ctx)
}

func (s *slowJobs) AggregateUnit(ctx context.Context, pcode string) ([]profile.Aggregate, error) {
	return s.sum(ctx)
}

func (s *slowJobs) sum(ctx context.Context) ([]profile.Aggregate, error) {
	s.calls.Add(1)
	select {
	case <-s.release:
		return []profile.Aggregate{{Unit: "BD10", Sector: "dairy", Counts: profile.Counts{Enterprises: 7}}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A national sum, or the aggregates of a unit of millions of enterprises,
// that takes longer than a request's deadline is not started over by every
// retry: the request gets EUNAVAILABLE, the load goes on and is cached,
// requests meanwhile share it, and the next one after it is answered from
// the cache.
func TestALongLoadOutlivesTheRequestThatStartedIt(t *testing.T) {
	for _, tt := range []struct {
		name string
		load func(s *Server, ctx context.Context) ([]profile.Aggregate, error)
	}{
		{"the enterprises and jobs of every division", func(s *Server, ctx context.Context) ([]profile.Aggregate, error) {
			return s.jobsAt(ctx, versions{}, geo.Division)
		}},
		{"the aggregates of one division (its profile)", func(s *Server, ctx context.Context) ([]profile.Aggregate, error) {
			return s.unitAggregates(ctx, versions{}, "BD10")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			agg := &slowJobs{release: make(chan struct{})}
			s := &Server{stats: newStatsCache(agg)}
			short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			_, err := tt.load(s, short)
			if guccho.ErrorCode(err) != guccho.EUNAVAILABLE {
				t.Fatalf("a request whose deadline passed: %v; want %s", err, guccho.EUNAVAILABLE)
			}
			waiting := make(chan error, 1)
			go func() {
				_, err := tt.load(s, context.Background())
				waiting <- err
			}()
			time.Sleep(20 * time.Millisecond)
			close(agg.release)
			if err := <-waiting; err != nil {
				t.Fatalf("a request waiting for the load: %v", err)
			}
			got, err := tt.load(s, context.Background())
			if err != nil || len(got) != 1 || got[0].Enterprises != 7 {
				t.Fatalf("after the load: %+v, %v; want its result", got, err)
			}
			if n := agg.calls.Load(); n != 1 {
				t.Errorf("the store summed %d times; want once for all three requests", n)
			}
		})
	}
}

// Closing the server ends the loads it started that no request waits for
// any more, instead of leaving them to run for up to loadTimeout beside
// whatever the process does next.
func TestClosingEndsTheLoadsNoRequestWaitsFor(t *testing.T) {
	agg := &slowJobs{release: make(chan struct{})} // never released
	s := &Server{stats: newStatsCache(agg)}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.unitAggregates(short, versions{}, "BD10"); guccho.ErrorCode(err) != guccho.EUNAVAILABLE {
		t.Fatalf("a request whose deadline passed: %v; want %s", err, guccho.EUNAVAILABLE)
	}
	s.stats.mu.Lock()
	var f *flight
	for _, f = range s.stats.flights {
	}
	s.stats.mu.Unlock()
	if f == nil {
		t.Fatal("no load under way after the request gave up")
	}
	s.stats.close() // what Server.Close does
	select {
	case <-f.done:
		if !errors.Is(f.err, context.Canceled) {
			t.Errorf("the load ended with %v; want %v", f.err, context.Canceled)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the load still runs 10 s after the server closed")
	}
}

// loggedStore is an enterprise store whose only working part is its event
// log.
type loggedStore struct {
	guccho.EnterpriseStore
	*livetest.Log
}

// unitSums aggregates a unit as holding n enterprises, counting the reads;
// afterRead, when set, runs once after the next read (a write that commits
// between the read and whatever follows it).
type unitSums struct {
	noEnterprises
	n         atomic.Int32
	reads     atomic.Int32
	afterRead func()
}

func (u *unitSums) AggregateUnit(ctx context.Context, pcode string) ([]profile.Aggregate, error) {
	u.reads.Add(1)
	a := []profile.Aggregate{{Unit: pcode, Sector: "dairy", Counts: profile.Counts{Enterprises: int(u.n.Load())}}}
	if f := u.afterRead; f != nil {
		u.afterRead = nil
		f()
	}
	return a, nil
}

// listing is an "updated" change that lists units (perhaps none).
func listing(units ...string) guccho.EnterpriseChange {
	c := unlisted()
	units = append([]string{}, units...)
	c.Units = &units
	return c
}

// unlisted is an "updated" change that lists no units, as an import's.
func unlisted() guccho.EnterpriseChange { return livetest.PointChange(90.3, 22.3, "dairy") }

// The aggregates of the district BD1004 are kept across the events logged
// after they were read exactly when none can have changed them: every
// event an enterprises.changed that lists its units, none in the district,
// or an event that changes no enterprise.
func TestUnitAggregatesAreKeptWhileTheLogSaysNothingChangedThem(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events func(log *livetest.Log)
		kept   bool
	}{
		{"an edit that changes no profile", func(log *livetest.Log) { log.Change(listing()) }, true},
		{"an edit in another district", func(log *livetest.Log) { log.Change(listing("BD10091815")) }, true},
		{"an edit in another division whose code begins alike", func(log *livetest.Log) { log.Change(listing("BD100")) }, true},
		{"a change of common service centres", func(log *livetest.Log) {
			log.Append(guccho.EventCentresChanged, map[string]any{"action": "created", "count": 1})
		}, true},
		{"an edit in one of its unions", func(log *livetest.Log) { log.Change(listing("BD10091815", "BD10040911")) }, false},
		{"an edit of the district itself", func(log *livetest.Log) { log.Change(listing("BD1004")) }, false},
		{"an edit placed only in its division", func(log *livetest.Log) { log.Change(listing("BD10")) }, true},
		{"a change that lists no units (an import's batch)", func(log *livetest.Log) { log.Change(unlisted()) }, false},
		{"a kept edit, then an unlisted one", func(log *livetest.Log) {
			log.Change(listing("BD1009"))
			log.Change(unlisted())
		}, false},
		{"a payload that does not parse", func(log *livetest.Log) { log.Append(guccho.EventEnterprisesChanged, "units") }, false},
		{"boundaries replaced", func(log *livetest.Log) { log.Append(guccho.EventBoundariesReplaced, map[string]any{}) }, false},
		{"more than a page of edits elsewhere", func(log *livetest.Log) {
			for range eventPage + 1 {
				log.Change(listing("BD1009"))
			}
		}, true},
		{"edits elsewhere, pruned from the log", func(log *livetest.Log) {
			log.Change(listing("BD1009"))
			last := log.Change(listing("BD1009"))
			log.Prune(last.ID)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, agg := livetest.NewLog(), &unitSums{}
			log.Change(listing("BD1004")) // history before the first read
			s := &Server{cfg: Config{Enterprises: loggedStore{Log: log}}, stats: newStatsCache(agg)}
			agg.n.Store(1)
			if _, err := s.unitAggregates(context.Background(), versions{data: "v1"}, "BD1004"); err != nil {
				t.Fatal(err)
			}
			tc.events(log)
			agg.n.Store(2) // what a read gives now
			got, err := s.unitAggregates(context.Background(), versions{data: "v2"}, "BD1004")
			if err != nil {
				t.Fatal(err)
			}
			want, reads := 2, int32(2)
			if tc.kept {
				want, reads = 1, 1
			}
			if got[0].Enterprises != want || agg.reads.Load() != reads {
				t.Errorf("after %s: %d enterprises from %d reads; want %d from %d", tc.name, got[0].Enterprises, agg.reads.Load(), want, reads)
			}
			if _, err := s.unitAggregates(context.Background(), versions{data: "v2"}, "BD1004"); err != nil || agg.reads.Load() != reads {
				t.Errorf("asked again at the same version: %d reads (%v); want %d", agg.reads.Load(), err, reads)
			}
		})
	}
}

// The aggregates are tagged with the newest event logged before they were
// read, never one logged after: an edit of the unit that commits while it
// is read (after the store's snapshot) is checked when next asked, and
// read then.
func TestUnitAggregatesReadAcrossAnEditAreNotTaggedPastIt(t *testing.T) {
	log, agg := livetest.NewLog(), &unitSums{}
	s := &Server{cfg: Config{Enterprises: loggedStore{Log: log}}, stats: newStatsCache(agg)}
	agg.n.Store(1)
	agg.afterRead = func() {
		agg.n.Store(2)
		log.Change(listing("BD10040911"))
	}
	if got, err := s.unitAggregates(context.Background(), versions{data: "v1"}, "BD1004"); err != nil || got[0].Enterprises != 1 {
		t.Fatalf("the first read: %+v, %v; want 1 enterprise", got, err)
	}
	got, err := s.unitAggregates(context.Background(), versions{data: "v2"}, "BD1004")
	if err != nil || got[0].Enterprises != 2 || agg.reads.Load() != 2 {
		t.Errorf("after the edit committed during the read: %+v from %d reads (%v); want 2 enterprises, read again", got, agg.reads.Load(), err)
	}
}

// The cache keeps the aggregates of every division, district and upazila
// of the country once each was asked for (8 + 64 + 495 units; a national
// deployment's profiles of districts take seconds each to read again),
// and when full lets go of the unit asked for least recently, never all
// at once.
func TestUnitAggregatesOfTheWholeCountryStayCached(t *testing.T) {
	ctx, v := context.Background(), versions{data: "v1"}
	agg := &unitSums{}
	s := &Server{stats: newStatsCache(agg)}
	ask := func(pcode string) {
		t.Helper()
		if _, err := s.unitAggregates(ctx, v, pcode); err != nil {
			t.Fatal(err)
		}
	}
	unit := func(i int) string { return fmt.Sprintf("BD%06d", i) }
	const country = 8 + 64 + 495
	for round := range 2 {
		for i := range country {
			ask(unit(i))
		}
		if got := agg.reads.Load(); got != country {
			t.Fatalf("after asking for %d units %d times: %d reads, want %d", country, round+1, got, country)
		}
	}

	for i := country; i < maxUnitAggs; i++ { // the cache is full
		ask(unit(i))
	}
	ask(unit(0)) // the first unit is asked for again: unit 1 is now the least recent
	ask(unit(maxUnitAggs))
	reads := agg.reads.Load()
	ask(unit(0))
	ask(unit(2))
	ask(unit(maxUnitAggs - 1))
	if got := agg.reads.Load(); got != reads {
		t.Errorf("units asked for recently were read again (%d reads, want %d)", got, reads)
	}
	ask(unit(1))
	if got := agg.reads.Load(); got != reads+1 {
		t.Errorf("the unit asked for least recently was kept (%d reads, want %d)", got, reads+1)
	}
	if n := len(s.stats.unitAggs); n != maxUnitAggs {
		t.Errorf("%d units cached, want %d", n, maxUnitAggs)
	}
}

// The cluster caches hold maxStatsResults entries: a new entry in a full
// one makes one other entry go, not all of them, and replacing an entry
// makes none go.
func TestAFullClusterCacheLetsOneEntryGo(t *testing.T) {
	var m map[int]string
	for i := range maxStatsResults {
		m = putBounded(m, i, "run")
	}
	m = putBounded(m, 0, "run again")
	if len(m) != maxStatsResults || m[0] != "run again" {
		t.Fatalf("after replacing an entry of a full cache: %d entries, entry 0 %q; want %d, %q", len(m), m[0], maxStatsResults, "run again")
	}
	m = putBounded(m, maxStatsResults, "new")
	if len(m) != maxStatsResults || m[maxStatsResults] != "new" {
		t.Errorf("after a new entry in a full cache: %d entries, the new one %q; want %d, %q", len(m), m[maxStatsResults], maxStatsResults, "new")
	}
}
