package server

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

// pointSet is a set of enterprises with a surveyed GPS point, in
// enterprise id order (so both stores feed the algorithms the same
// sequence, and border points fall the same way), with what their profiles
// need, packed: at 12 million enterprises (some 7 million with GPS) they are
// the server's largest cache, so each point costs about 100 bytes, not a
// profile.Counts with a map of its own. A pointSet is never changed once
// built: an edit builds a new one for the sector it touched.
type pointSet struct {
	points []cluster.Point
	counts []pointCounts
	// union indexes unionCodes: the union holding each point ("" for none,
	// for cluster.Describe).
	union []uint32
	// at is, in a set merging the sectors' (gpsPoints.of("")), the index
	// of each point in its sector's set, which holds its counts and union
	// (sectors): 4 bytes a point instead of a copy of 44; nil otherwise.
	at      []uint32
	sectors map[string]*pointSet
	pointTables
}

// pointTables are the tables the packed points index. They only grow, and
// always by a copy (their capacity is their length), so a pointSet built
// with an older, shorter copy still finds every index it holds.
type pointTables struct {
	// barrierSets are the distinct sets of barriers named, each sorted;
	// pointCounts.barriers indexes them (0: none).
	barrierSets [][]string
	unionCodes  []string
}

// gpsPoints are the enterprises with a surveyed GPS point, one pointSet per
// sector. A gpsPoints is never changed once built either: an edit makes a
// new one (patched) that shares the sets of the sectors it did not touch,
// so answers computed from those sets stay valid (clusterRun.from).
type gpsPoints struct {
	sectors map[string]*pointSet
	pointTables
	// data is the enterprise data version the points are up to date with;
	// event the newest event of the store's log they reflect (changes
	// after it are read from the log: patched).
	data  string
	event int64
}

// of returns the points of sector, or of every sector for "": merged in
// id order, built afresh, and compact (see pointSet.at).
func (g *gpsPoints) of(sector string) *pointSet {
	if sector != "" {
		if ps := g.sectors[sector]; ps != nil {
			return ps
		}
		return &pointSet{pointTables: g.pointTables}
	}
	// Merge the sectors' sets, each in id order: a few sectors, so the
	// smallest head is found by looking at each.
	n := 0
	sets := make([]*pointSet, 0, len(g.sectors))
	for _, ps := range g.sectors {
		n += len(ps.points)
		sets = append(sets, ps)
	}
	all := &pointSet{points: make([]cluster.Point, 0, n), at: make([]uint32, 0, n), sectors: g.sectors, pointTables: g.pointTables}
	next := make([]int, len(sets))
	for range n {
		k := -1
		for j, ps := range sets {
			if next[j] < len(ps.points) && (k < 0 || ps.points[next[j]].ID < sets[k].points[next[k]].ID) {
				k = j
			}
		}
		all.points, all.at = append(all.points, sets[k].points[next[k]]), append(all.at, uint32(next[k]))
		next[k]++
	}
	return all
}

// entry returns the set and the index in it that hold the counts and the
// union of point i: g and i, or for a merged set its sector's.
func (g *pointSet) entry(i int) (*pointSet, int) {
	if g.at == nil {
		return g, i
	}
	return g.sectors[g.points[i].Sector], int(g.at[i])
}

// from returns the point sets the answers for sector are computed from:
// the sector's, or every sector's for "".
func (g *gpsPoints) from(sector string) map[string]*pointSet {
	if sector == "" {
		return g.sectors
	}
	return map[string]*pointSet{sector: g.sectors[sector]}
}

// sameSets reports whether a and b hold the same point sets (the same
// pointers: sets are never changed in place).
func sameSets(a, b map[string]*pointSet) bool {
	if len(a) != len(b) {
		return false
	}
	for k, ps := range a {
		if qs, ok := b[k]; !ok || qs != ps {
			return false
		}
	}
	return true
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

// pointCountsBuilder packs counts, interning the sets of barriers and the
// unions' codes into pointTables, which it extends by copying.
type pointCountsBuilder struct {
	pointTables
	index      map[string]uint32 // barrier sets, joined by NUL
	unionIndex map[string]uint32
}

// newPointCountsBuilder returns a builder that adds to the tables t (none
// yet when t is zero).
func newPointCountsBuilder(t pointTables) *pointCountsBuilder {
	if t.barrierSets == nil {
		t = pointTables{barrierSets: [][]string{nil}, unionCodes: []string{""}}
	}
	b := &pointCountsBuilder{pointTables: t, index: make(map[string]uint32, len(t.barrierSets)),
		unionIndex: make(map[string]uint32, len(t.unionCodes))}
	for i, set := range t.barrierSets {
		b.index[strings.Join(set, "\x00")] = uint32(i)
	}
	for i, u := range t.unionCodes {
		b.unionIndex[u] = uint32(i)
	}
	return b
}

// tables returns the tables built, their capacity clipped to their length
// so that the next builder's appends copy them.
func (b *pointCountsBuilder) tables() pointTables {
	return pointTables{barrierSets: slices.Clip(b.barrierSets), unionCodes: slices.Clip(b.unionCodes)}
}

// union returns the index of the union code u.
func (b *pointCountsBuilder) union(u string) uint32 {
	k, ok := b.unionIndex[u]
	if !ok {
		k = uint32(len(b.unionCodes))
		b.unionIndex[u] = k
		b.unionCodes = append(b.unionCodes, u)
	}
	return k
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
			i = uint32(len(b.barrierSets))
			b.index[key] = i
			b.barrierSets = append(b.barrierSets, set)
		}
		p.barriers = i
	}
	return p
}

// addCounts adds the counts of point i to c.
func (g *pointSet) addCounts(c *profile.Counts, i int) {
	g, i = g.entry(i)
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

// byID sorts a pointSet's points, counts and unions together by enterprise
// id.
type byID pointSet

func (g *byID) Len() int { return len(g.points) }

func (g *byID) Less(i, j int) bool { return g.points[i].ID < g.points[j].ID }

func (g *byID) Swap(i, j int) {
	g.points[i], g.points[j] = g.points[j], g.points[i]
	g.counts[i], g.counts[j] = g.counts[j], g.counts[i]
	g.union[i], g.union[j] = g.union[j], g.union[i]
}

// memberUnits is a cluster.Locator of one cluster's members: the unions
// their pointSet holds for them.
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
func (g *pointSet) locator(members []int) memberUnits {
	m := make(memberUnits, len(members))
	for _, i := range members {
		ps, j := g.entry(i)
		m[orb.Point{g.points[i].Lon, g.points[i].Lat}] = g.unionCodes[ps.union[j]]
	}
	return m
}

// gpsPointsAt returns the enterprises with a surveyed GPS point, up to date
// with data version v.data (see refreshGPSPoints; shared).
func (s *Server) gpsPointsAt(ctx context.Context, v versions) (*gpsPoints, error) {
	c := s.stats
	c.mu.Lock()
	g := c.points
	c.mu.Unlock()
	if g != nil && g.data == v.data {
		return g, nil
	}
	return shared(ctx, c, "the points clusters are found among", v, s.refreshGPSPoints)
}

// refreshGPSPoints brings the cached points up to date with version v and
// caches them: by patching the sectors that the events logged since they
// were read changed, when the enterprise store keeps the event log and the
// events list every enterprise they changed; else by reading every
// enterprise again.
func (s *Server) refreshGPSPoints(ctx context.Context, v versions) (*gpsPoints, error) {
	c := s.stats
	c.mu.Lock()
	old := c.points
	c.mu.Unlock()
	var g *gpsPoints
	if log, ok := s.cfg.Enterprises.(guccho.EventStore); ok && old != nil {
		var err error
		if g, err = s.patchGPSPoints(ctx, log, old, v); err != nil {
			return nil, err
		}
	}
	if g == nil {
		var err error
		if g, err = s.loadGPSPoints(ctx, v); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	if c.boundaries == v.boundaries && (c.points == nil || c.points.event <= g.event) {
		c.points = g
	}
	c.mu.Unlock()
	return g, nil
}

// maxPatchIDs bounds the enterprises a patch of the points reads one by
// one; when more changed, every enterprise is read again.
const maxPatchIDs = 1000

// eventPage is how many events a patch reads from the log at a time.
const eventPage = 500

// patchGPSPoints returns g brought up to date with version v from the
// events logged after g.event: it reads the enterprises they name and
// rebuilds only the sectors whose points changed. It returns nil (read
// every enterprise again) when the log cannot say which changed: an
// import's batches name no ids, more than maxPatchIDs changed, the
// boundaries were replaced, or the events after g.event were pruned.
func (s *Server) patchGPSPoints(ctx context.Context, log guccho.EventStore, g *gpsPoints, v versions) (*gpsPoints, error) {
	oldest, err := log.OldestEventID(ctx)
	if err != nil {
		return nil, err
	}
	if oldest > g.event+1 {
		return nil, nil
	}
	ids, last := []string(nil), g.event
	seen := map[string]bool{}
	for {
		evs, err := log.EventsAfter(ctx, last, eventPage)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			last = ev.ID
			switch ev.Type {
			case guccho.EventBoundariesReplaced:
				return nil, nil
			case guccho.EventEnterprisesChanged:
				var ch guccho.EnterpriseChange
				if err := json.Unmarshal(ev.Payload, &ch); err != nil || len(ch.IDs) < ch.Count {
					return nil, nil
				}
				for _, id := range ch.IDs {
					if !seen[id] {
						seen[id] = true
						ids = append(ids, id)
					}
				}
				if len(ids) > maxPatchIDs {
					return nil, nil
				}
			}
		}
		if len(evs) < eventPage {
			break
		}
	}
	out := *g
	out.data, out.event = v.data, last
	if len(ids) == 0 {
		return &out, nil
	}
	edits := make([]pointEdit, len(ids))
	var pts []orb.Point
	for i, id := range ids {
		edits[i].id = id
		e, err := s.cfg.Enterprises.FindEnterpriseByID(ctx, id)
		if guccho.ErrorCode(err) == guccho.ENOTFOUND {
			continue // deleted
		}
		if err != nil {
			return nil, err
		}
		if e.GPS != nil {
			edits[i].e = e
			pts = append(pts, *e.GPS)
		}
	}
	unions, err := s.cfg.Geo.LocateUnions(ctx, pts)
	if err != nil {
		return nil, err
	}
	for i := range edits {
		if edits[i].e != nil {
			edits[i].union, unions = unions[0], unions[1:]
		}
	}
	p := g.patched(edits)
	p.data, p.event = out.data, out.event
	return p, nil
}

// pointEdit is one enterprise as it is now: e is nil when it is gone or
// has no GPS point; union is the union holding that point.
type pointEdit struct {
	id    string
	e     *guccho.Enterprise
	union string
}

// patched returns g with the enterprises of edits (distinct ids) as they
// are now. The sets of sectors that no edit changed are g's own; a sector's
// set is rebuilt only when one of its points was added, removed or changed
// (an edit of a name leaves every set as it was).
func (g *gpsPoints) patched(edits []pointEdit) *gpsPoints {
	type entry struct {
		point  cluster.Point
		counts pointCounts
		union  uint32
	}
	b := newPointCountsBuilder(g.pointTables)
	gone := map[string]map[int]bool{} // by sector, indexes in g's set
	come := map[string][]entry{}      // by sector
	byID := func(p cluster.Point, id string) int { return strings.Compare(p.ID, id) }
	for _, ed := range edits {
		for sec, ps := range g.sectors {
			if i, ok := slices.BinarySearchFunc(ps.points, ed.id, byID); ok {
				if gone[sec] == nil {
					gone[sec] = map[int]bool{}
				}
				gone[sec][i] = true
			}
		}
		if e := ed.e; e != nil {
			come[e.Sector] = append(come[e.Sector], entry{cluster.Point{ID: e.ID, Lon: e.GPS[0], Lat: e.GPS[1], Sector: e.Sector},
				b.pack(profile.CountsOf(e)), b.union(ed.union)})
		}
	}
	out := &gpsPoints{sectors: maps.Clone(g.sectors), pointTables: b.tables()}
	touched := slices.Collect(maps.Keys(gone))
	for sec := range come {
		if gone[sec] == nil {
			touched = append(touched, sec)
		}
	}
	for _, sec := range touched {
		old := g.sectors[sec]
		if old == nil {
			old = &pointSet{}
		}
		add := come[sec]
		slices.SortFunc(add, func(a, b entry) int { return strings.Compare(a.point.ID, b.point.ID) })
		unchanged := len(add) == len(gone[sec])
		for _, a := range add {
			i, ok := slices.BinarySearchFunc(old.points, a.point.ID, byID)
			unchanged = unchanged && ok && old.points[i] == a.point && old.counts[i] == a.counts && old.union[i] == a.union
		}
		if unchanged {
			continue
		}
		n := len(old.points) - len(gone[sec]) + len(add)
		ps := &pointSet{points: make([]cluster.Point, 0, n), counts: make([]pointCounts, 0, n), union: make([]uint32, 0, n),
			pointTables: out.pointTables}
		i := 0
		keep := func(upTo string, all bool) {
			for ; i < len(old.points) && (all || old.points[i].ID < upTo); i++ {
				if !gone[sec][i] {
					ps.points, ps.counts, ps.union = append(ps.points, old.points[i]), append(ps.counts, old.counts[i]), append(ps.union, old.union[i])
				}
			}
		}
		for _, a := range add {
			keep(a.point.ID, false)
			ps.points, ps.counts, ps.union = append(ps.points, a.point), append(ps.counts, a.counts), append(ps.union, a.union)
		}
		keep("", true)
		if len(ps.points) == 0 {
			delete(out.sectors, sec)
		} else {
			out.sectors[sec] = ps
		}
	}
	return out
}
