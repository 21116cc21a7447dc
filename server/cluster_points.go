package server

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

// gpsPoints are the enterprises with a surveyed GPS point, in enterprise id
// order (so both stores feed the algorithms the same sequence, and border
// points fall the same way), with what their profiles need, packed: at 12
// million enterprises (some 7 million with GPS) they are the server's
// largest cache, so each point costs about 100 bytes, not a profile.Counts
// with a map of its own.
type gpsPoints struct {
	points []cluster.Point
	counts []pointCounts
	// barrierSets are the distinct sets of barriers named, each sorted;
	// pointCounts.barriers indexes them (0: none).
	barrierSets [][]string
	// union indexes unionCodes: the union holding each point ("" for none,
	// for cluster.Describe).
	union      []uint32
	unionCodes []string
}

// pointCounts is profile.CountsOf one enterprise, packed.
type pointCounts struct {
	self, wage, female, male int64
	flags                    uint16 // the one-enterprise counts, bit by bit (see countFlags)
	barriers                 uint32 // index in gpsPoints.barrierSets
}

// countFlags are the profile.Counts fields that are 0 or 1 for one
// enterprise, in the order of their bits in pointCounts.flags.
var countFlags = [...]func(*profile.Counts) *int{
	func(c *profile.Counts) *int { return &c.GenderReported },
	func(c *profile.Counts) *int { return &c.OwnerFemale },
	func(c *profile.Counts) *int { return &c.OwnerMale },
	func(c *profile.Counts) *int { return &c.OwnerOther },
	func(c *profile.Counts) *int { return &c.AwareKnown },
	func(c *profile.Counts) *int { return &c.Aware },
	func(c *profile.Counts) *int { return &c.AdoptedKnown },
	func(c *profile.Counts) *int { return &c.Adopted },
}

// pointCountsBuilder packs counts, interning the sets of barriers.
type pointCountsBuilder struct {
	sets  [][]string
	index map[string]uint32
}

func newPointCountsBuilder() *pointCountsBuilder {
	return &pointCountsBuilder{sets: [][]string{nil}, index: map[string]uint32{"": 0}}
}

// pack packs the counts of one enterprise (profile.CountsOf).
func (b *pointCountsBuilder) pack(c profile.Counts) pointCounts {
	p := pointCounts{self: int64(c.Self), wage: int64(c.Wage), female: int64(c.Female), male: int64(c.Male)}
	for i, f := range countFlags {
		if *f(&c) != 0 {
			p.flags |= 1 << i
		}
	}
	if len(c.Barriers) > 0 {
		set := slices.Sorted(maps.Keys(c.Barriers))
		key := strings.Join(set, "\x00")
		i, ok := b.index[key]
		if !ok {
			i = uint32(len(b.sets))
			b.index[key] = i
			b.sets = append(b.sets, set)
		}
		p.barriers = i
	}
	return p
}

// addCounts adds the counts of point i to c.
func (g *gpsPoints) addCounts(c *profile.Counts, i int) {
	p := g.counts[i]
	c.Enterprises++
	c.Self += int(p.self)
	c.Wage += int(p.wage)
	c.Female += int(p.female)
	c.Male += int(p.male)
	for bit, f := range countFlags {
		if p.flags&(1<<bit) != 0 {
			*f(c)++
		}
	}
	for _, b := range g.barrierSets[p.barriers] {
		if c.Barriers == nil {
			c.Barriers = map[string]int{}
		}
		c.Barriers[b]++
	}
}

// byID sorts gpsPoints' points and counts together by enterprise id.
type byID gpsPoints

func (g *byID) Len() int { return len(g.points) }

func (g *byID) Less(i, j int) bool { return g.points[i].ID < g.points[j].ID }

func (g *byID) Swap(i, j int) {
	g.points[i], g.points[j] = g.points[j], g.points[i]
	g.counts[i], g.counts[j] = g.counts[j], g.counts[i]
}

// memberUnits is a cluster.Locator of one cluster's members: the unions
// gpsPoints found for them.
type memberUnits map[orb.Point]string

// Locate makes memberUnits a cluster.Locator.
func (m memberUnits) Locate(pt orb.Point) (*geo.Unit, bool) {
	code := m[pt]
	if code == "" {
		return nil, false
	}
	return &geo.Unit{PCode: code}, true
}

// locator returns a cluster.Locator of the points at the indexes members.
func (g *gpsPoints) locator(members []int) memberUnits {
	m := make(memberUnits, len(members))
	for _, i := range members {
		m[orb.Point{g.points[i].Lon, g.points[i].Lat}] = g.unionCodes[g.union[i]]
	}
	return m
}

// gpsPointsAt returns the enterprises with a surveyed GPS point, read once
// per data version (see shared).
func (s *Server) gpsPointsAt(ctx context.Context, v versions) (*gpsPoints, error) {
	c := s.stats
	c.mu.Lock()
	g := c.points
	c.mu.Unlock()
	if g != nil {
		return g, nil
	}
	return shared(ctx, c, "the points clusters are found among", v, s.loadGPSPoints)
}

// loadGPSPoints reads the enterprises with a surveyed GPS point and caches
// them.
func (s *Server) loadGPSPoints(ctx context.Context, v versions) (*gpsPoints, error) {
	c := s.stats
	g := &gpsPoints{}
	b := newPointCountsBuilder()
	err := s.cfg.Enterprises.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		if e.GPS != nil { // display points are not locations
			g.points = append(g.points, cluster.Point{ID: e.ID, Lon: e.GPS[0], Lat: e.GPS[1], Sector: e.Sector})
			g.counts = append(g.counts, b.pack(profile.CountsOf(e)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	g.barrierSets = b.sets
	g.points, g.counts = slices.Clip(g.points), slices.Clip(g.counts)
	sort.Sort((*byID)(g))
	pts := make([]orb.Point, len(g.points))
	for i, p := range g.points {
		pts[i] = orb.Point{p.Lon, p.Lat}
	}
	unions, err := s.cfg.Geo.LocateUnions(ctx, pts)
	if err != nil {
		return nil, err
	}
	g.union = make([]uint32, len(unions))
	codes := map[string]uint32{"": 0}
	g.unionCodes = []string{""}
	for i, u := range unions {
		k, ok := codes[u]
		if !ok {
			k = uint32(len(g.unionCodes))
			codes[u] = k
			g.unionCodes = append(g.unionCodes, u)
		}
		g.union[i] = k
	}
	c.mu.Lock()
	if c.current(v) {
		c.points = g
	}
	c.mu.Unlock()
	return g, nil
}
