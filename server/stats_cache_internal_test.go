package server

import (
	"context"
	"testing"

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
