package server

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
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
