package server

import (
	"context"
	"slices"
	"sort"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/profile"
)

// loadGPSPoints reads every enterprise with a surveyed GPS point.
//
// It reads every enterprise, not only those of geocode method gps, though
// most of those without that method have no GPS point: the geocoder sets
// GPS exactly when it places a record by its point (method gps), but an
// editor who moves such a record into a unit in its import's review
// (handle_review.go, geo.Geocoder.PlaceIn) changes its method to the
// unit's level and keeps its GPS point, which stays a cluster point here
// and in patchGPSPoints (TestAReviewedGPSRecordStaysAClusterPoint). A
// method filter would drop those points; reading only the GPS rows would
// take a filter on the review's flag, or a review that drops the point.
func (s *Server) loadGPSPoints(ctx context.Context, v versions) (*gpsPoints, error) {
	var event int64
	if log, ok := s.cfg.Enterprises.(guccho.EventStore); ok {
		// Read first: every change logged up to it is in what follows;
		// later ones may be too, and patching them again changes nothing.
		var err error
		if event, err = log.LatestEventID(ctx); err != nil {
			return nil, err
		}
	}
	sets, b, err := s.readGPSPoints(ctx)
	if err != nil {
		return nil, err
	}
	finishPoints(sets)
	g := &gpsPoints{sectors: sets, pointTables: b.tables(), data: v.data, event: event}
	for _, ps := range sets {
		ps.pointTables = g.pointTables
	}
	return g, nil
}

// readGPSPoints reads every enterprise with a surveyed GPS point into its
// sector's set, with its counts packed by the builder it returns, and
// locates the points in their unions as it reads: each batch of
// locateBatch points read goes to a goroutine that locates it while the
// next is read, so the store's read and LocateUnions (on PostGIS a
// statement of its own) overlap. It reads through the store's
// guccho.EnterprisePointReader when it has one (only the fields the points
// need), else FindEnterprises. The sets come back in the store's order,
// with the spare capacity appending left (finishPoints).
func (s *Server) readGPSPoints(ctx context.Context) (map[string]*pointSet, *pointCountsBuilder, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Each point goes straight into its sector's set, so the load holds
	// the points once (TestLoadingClusterPointsHoldsThemOnce): no set of
	// every point, no copy of them all for LocateUnions. The reader
	// appends to the sets' points and counts and packs counts into b; the
	// locating goroutine appends to their unions and interns union codes
	// into b (pointCountsBuilder.union, fields pack does not touch).
	sets := map[string]*pointSet{}
	b := newPointCountsBuilder(pointTables{})
	batches, free := make(chan *locateJob, 1), make(chan *locateJob, 2)
	located := make(chan error, 1)
	go func() { located <- s.locateJobs(ctx, cancel, batches, free, b) }()
	job := &locateJob{}
	send := func() error {
		select {
		case batches <- job:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		select {
		case job = <-free:
		default:
			job = &locateJob{}
		}
		return nil
	}
	add := func(e *guccho.Enterprise) error {
		if e.GPS == nil { // display points are not locations
			return nil
		}
		ps := sets[e.Sector]
		if ps == nil {
			ps = &pointSet{}
			sets[e.Sector] = ps
		}
		sector := e.Sector
		if len(ps.points) > 0 {
			sector = ps.points[0].Sector // one copy of the name per sector, not one per point
		}
		ps.points = append(ps.points, cluster.Point{ID: e.ID, Lon: e.GPS[0], Lat: e.GPS[1], Sector: sector})
		ps.counts = append(ps.counts, b.pack(profile.CountsOf(e)))
		job.pts, job.sets = append(job.pts, *e.GPS), append(job.sets, ps)
		if len(job.pts) == locateBatch {
			return send()
		}
		return nil
	}
	var err error
	if r, ok := s.cfg.Enterprises.(guccho.EnterprisePointReader); ok {
		err = r.FindEnterprisePoints(ctx, add)
	} else {
		err = s.cfg.Enterprises.FindEnterprises(ctx, guccho.EnterpriseFilter{}, add)
	}
	if err == nil && len(job.pts) > 0 {
		err = send()
	}
	if err != nil {
		cancel(err)
	}
	close(batches)
	lerr := <-located
	switch {
	case err != nil && lerr != nil:
		return nil, nil, context.Cause(ctx) // the first to fail cancelled the other
	case err != nil:
		return nil, nil, err
	case lerr != nil:
		return nil, nil, lerr
	}
	return sets, b, nil
}

// locateJob is a batch of points read, to locate: each point and the set
// it was appended to, in reading order.
type locateJob struct {
	pts  []orb.Point
	sets []*pointSet
}

// locateJobs locates the batches of points readGPSPoints sends, in order,
// appending each point's union to its set's, and hands each job back
// through free for reuse. It stops at the first error, after cancelling
// the read with it.
func (s *Server) locateJobs(ctx context.Context, cancel context.CancelCauseFunc, batches <-chan *locateJob, free chan<- *locateJob, b *pointCountsBuilder) error {
	for job := range batches {
		unions, err := s.cfg.Geo.LocateUnions(ctx, job.pts)
		if err != nil {
			cancel(err)
			return err
		}
		for i, u := range unions {
			ps := job.sets[i]
			ps.union = append(ps.union, b.union(u))
		}
		job.pts, job.sets = job.pts[:0], job.sets[:0]
		select {
		case free <- job:
		default:
		}
	}
	return nil
}

// finishPoints drops the spare capacity appending left in each set (up to
// a quarter) and sorts it by enterprise id: a sector at a time, so the
// copies add one sector's points at the most.
func finishPoints(sets map[string]*pointSet) {
	for _, ps := range sets {
		ps.points, ps.counts, ps.union = slices.Clone(ps.points), slices.Clone(ps.counts), slices.Clone(ps.union)
		sort.Sort((*byID)(ps))
	}
}

// locateBatch is how many points loadGPSPoints locates in unions at a
// time: the coordinates it hands LocateUnions are copied a batch at a
// time, not all at once (two or three batches at the most: one located,
// one waiting, one being read).
const locateBatch = 1 << 16
