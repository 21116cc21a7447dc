package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/gpkg"
	"github.com/guccho/guccho/profile"
)

// Defaults and limits of the cluster parameters (docs/clusters.md).
const (
	defaultRadiusKM  = 5 // the SMEF rule: 50 similar units within 5 km
	defaultMinUnits  = 50
	defaultEpsM      = 5000 // DBSCAN defaults to the SMEF scale
	defaultMinPoints = 50
	maxRadiusKM      = 50
	maxEpsM          = maxRadiusKM * 1000
	defaultMinLQ     = 1.25
)

// clusterRoutes adds GET /api/clusters and GET /api/clusters/potential,
// beside the statistics they draw on (statsRoutes: only when the store
// sums enterprises per unit).
func (s *Server) clusterRoutes(api *mux.Router) {
	if s.stats == nil {
		return
	}
	api.Handle("/clusters", readOnly(s.handleClusters))
	api.Handle("/clusters/potential", readOnly(s.handlePotential))
}

// clusterParams are the parameters of GET /api/clusters, defaults filled.
type clusterParams struct {
	Method    string   `json:"method"`
	Sector    string   `json:"sector"` // "" for every sector
	RadiusKM  *float64 `json:"radius_km,omitempty"`
	MinUnits  *int     `json:"min_units,omitempty"`
	EpsM      *float64 `json:"eps_m,omitempty"`
	MinPoints *int     `json:"min_points,omitempty"`
	Format    string   `json:"format"`
}

// eps returns the clustering distance in metres and the least number of
// points.
func (p clusterParams) eps() (float64, int) {
	if p.Method == "smef" {
		return *p.RadiusKM * 1000, *p.MinUnits
	}
	return *p.EpsM, *p.MinPoints
}

// sectorParam reads the sector parameter: a code, name or alias of the
// catalogue, returned as its code; "" when absent.
func (s *Server) sectorParam(q url.Values) (string, error) {
	v := q.Get("sector")
	if v == "" || s.cfg.Sectors == nil {
		return v, nil
	}
	sec, ok := s.cfg.Sectors.Lookup(v)
	if !ok {
		return "", badParam("sector", "%q is not in the sector catalogue (GET /api/sectors)", v)
	}
	return sec.Code, nil
}

// onlyParams returns an error naming the first parameter of q not in
// allowed.
func onlyParams(q url.Values, what string, allowed ...string) error {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			return badParam(name, "unknown for %s (use %s)", what, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// boundedParam reads a number in (lo, hi], or def when absent.
func boundedParam(q url.Values, name string, def, lo, hi float64, want string) (float64, error) {
	if !q.Has(name) {
		return def, nil
	}
	v, err := strconv.ParseFloat(q.Get(name), 64)
	if err != nil || !(v > lo && v <= hi) {
		return 0, badParam(name, "%q: want %s", q.Get(name), want)
	}
	return v, nil
}

// intParam reads a whole number ≥ 1, or def when absent.
func intParam(q url.Values, name string, def int) (int, error) {
	if !q.Has(name) {
		return def, nil
	}
	v, err := strconv.Atoi(q.Get(name))
	if err != nil || v < 1 {
		return 0, badParam(name, "%q: want a whole number ≥ 1", q.Get(name))
	}
	return v, nil
}

// parseClusterParams reads and checks the query of GET /api/clusters; every
// error is EINVALID and names the parameter.
func (s *Server) parseClusterParams(q url.Values) (clusterParams, error) {
	p := clusterParams{Method: "smef", Format: "geojson"}
	if err := onlyParams(q, "clusters", "sector", "method", "radius_km", "min_units", "eps_m", "min_points", "format"); err != nil {
		return p, err
	}
	var err error
	if p.Sector, err = s.sectorParam(q); err != nil {
		return p, err
	}
	if q.Has("method") {
		p.Method = q.Get("method")
	}
	if q.Has("format") {
		p.Format = q.Get("format")
		if p.Format != "geojson" && p.Format != "csv" && p.Format != "gpkg" {
			return p, badParam("format", "%q: want geojson, csv or gpkg", p.Format)
		}
	}
	switch p.Method {
	case "smef":
		for _, name := range []string{"eps_m", "min_points"} {
			if q.Has(name) {
				return p, badParam(name, "only for method=dbscan; smef takes radius_km and min_units")
			}
		}
		r, err := boundedParam(q, "radius_km", defaultRadiusKM, 0, maxRadiusKM, "a radius in km > 0 and ≤ 50")
		if err != nil {
			return p, err
		}
		n, err := intParam(q, "min_units", defaultMinUnits)
		if err != nil {
			return p, err
		}
		p.RadiusKM, p.MinUnits = &r, &n
	case "dbscan":
		for _, name := range []string{"radius_km", "min_units"} {
			if q.Has(name) {
				return p, badParam(name, "only for method=smef; dbscan takes eps_m and min_points")
			}
		}
		e, err := boundedParam(q, "eps_m", defaultEpsM, 0, maxEpsM, "a distance in metres > 0 and ≤ 50000")
		if err != nil {
			return p, err
		}
		n, err := intParam(q, "min_points", defaultMinPoints)
		if err != nil {
			return p, err
		}
		p.EpsM, p.MinPoints = &e, &n
	default:
		return p, badParam("method", "%q: want smef or dbscan", p.Method)
	}
	return p, nil
}

// key is the cache key of the parameter set.
func (p clusterParams) key() string {
	b, _ := json.Marshal(p)
	return "clusters:" + string(b)
}

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

func (g *byID) Len() int           { return len(g.points) }
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

// clusterUnit is one admin unit a cluster spans.
type clusterUnit struct {
	PCode  string `json:"pcode"`
	Level  string `json:"level"` // district or upazila
	NameEN string `json:"name_en"`
	NameBN string `json:"name_bn"`
	Count  int    `json:"count"` // members in the unit
}

// clusterInfo is one cluster as the API shows it: a feature's properties.
type clusterInfo struct {
	ID        string        `json:"id"`
	Method    string        `json:"method"`
	Sector    string        `json:"sector"` // "" when DBSCAN mixes sectors
	Size      int           `json:"size"`
	CoreCount int           `json:"core_count"`
	Centre    [2]float64    `json:"centre"`   // lon, lat
	RadiusM   float64       `json:"radius_m"` // centre to the farthest member, whole metres
	Concave   bool          `json:"concave"`
	Units     []clusterUnit `json:"units"`     // districts first, then upazilas, largest first
	Unlocated int           `json:"unlocated"` // members in no admin unit
	// Profile sums the members (LQs against every enterprise of the store).
	Profile *profile.Profile `json:"profile"`
	// NearestCentre is the common service centre (of any sector) closest
	// to Centre; null when no centre is stored.
	NearestCentre *nearestCentre `json:"nearest_centre"`

	outline orb.Polygon
	// members are the member enterprises' ids and GPS points, in id order
	// (for assembling value chains).
	members      []string
	memberPoints []orb.Point
}

// mainUnit returns the unit of level lv holding most members, or nil.
func (c *clusterInfo) mainUnit(lv string) *clusterUnit {
	for i := range c.Units { // largest first within a level
		if c.Units[i].Level == lv {
			return &c.Units[i]
		}
	}
	return nil
}

// clusterSet is the outcome of one clustering.
type clusterSet struct {
	Params   clusterParams
	Points   int
	Noise    int
	Clusters []*clusterInfo // largest first, then by id
}

// computeClusters clusters the enterprises with a GPS point by p and
// describes each cluster. The API runs cluster.DBSCAN (or SMEF) on both
// stores alike, so their answers agree by construction.
func (s *Server) computeClusters(ctx context.Context, v versions, p clusterParams) (*clusterSet, error) {
	all, err := s.gpsPointsAt(ctx, v)
	if err != nil {
		return nil, err
	}
	// The points of the sector (all of them for every sector), and where
	// each is in all.
	points, index := all.points, []int(nil)
	if p.Sector != "" {
		points = nil
		for i, pt := range all.points {
			if pt.Sector == p.Sector {
				points = append(points, pt)
				index = append(index, i)
			}
		}
	}
	at := func(m int) int {
		if index == nil {
			return m
		}
		return index[m]
	}
	eps, minPts := p.eps()
	var res cluster.Result
	if p.Method == "smef" {
		res, err = cluster.SMEF(points, eps, minPts)
	} else {
		res, err = cluster.DBSCAN(points, eps, minPts)
	}
	if err != nil {
		return nil, err
	}
	// Names of the units, and every enterprise of the store as the region
	// of the clusters' LQs.
	names := map[string]unitSummary{}
	for _, lv := range []geo.Level{geo.District, geo.Upazila} {
		lu, err := s.unitsAt(ctx, v, lv)
		if err != nil {
			return nil, err
		}
		for _, u := range lu.units {
			names[u.PCode] = u
		}
	}
	region, err := s.regionAt(ctx, v, geo.Country)
	if err != nil {
		return nil, err
	}
	centres, err := s.centres(ctx)
	if err != nil {
		return nil, err
	}
	set := &clusterSet{Params: p, Points: len(points), Noise: len(points)}
	scope := p.Sector
	if scope == "" {
		scope = "all"
	}
	if p.Method == "smef" {
		scope = "" // every SMEF cluster has one sector, named below
	}
	for _, c := range res.Clusters {
		in := make([]int, len(c.Members))
		for i, m := range c.Members {
			in[i] = at(m)
		}
		d := cluster.Describe(points, c, eps, all.locator(in))
		first := points[c.Members[0]] // members ascend, points are in id order
		id := p.Method + ":" + cmp.Or(scope, c.Sector) + ":" + first.ID
		info := &clusterInfo{ID: id, Method: p.Method, Sector: c.Sector, Size: len(c.Members), CoreCount: c.Cores,
			Centre: [2]float64{round6(d.Centre[0]), round6(d.Centre[1])}, RadiusM: math.Round(d.RadiusM),
			Concave: d.Concave, Units: []clusterUnit{}, Unlocated: d.Unlocated, outline: d.Outline}
		for _, u := range d.Units {
			n := names[u.PCode]
			info.Units = append(info.Units, clusterUnit{PCode: u.PCode, Level: u.Level.String(), NameEN: n.NameEN, NameBN: n.NameBN, Count: u.Count})
		}
		for _, m := range c.Members {
			info.members = append(info.members, points[m].ID)
			info.memberPoints = append(info.memberPoints, orb.Point{points[m].Lon, points[m].Lat})
		}
		bySector := map[string]*profile.Aggregate{}
		for _, m := range c.Members {
			a := bySector[points[m].Sector]
			if a == nil {
				a = &profile.Aggregate{Sector: points[m].Sector}
				bySector[a.Sector] = a
			}
			all.addCounts(&a.Counts, at(m))
		}
		area := make([]profile.Aggregate, 0, len(bySector))
		for _, a := range bySector {
			area = append(area, *a)
		}
		slices.SortFunc(area, func(a, b profile.Aggregate) int { return strings.Compare(a.Sector, b.Sector) })
		if info.Profile, err = profile.New(area, region, defaultMinCount); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "profile of cluster %s", id)
		}
		if c, m, ok := profile.NearestCentre(d.Centre, centres); ok {
			info.NearestCentre = &nearestCentre{ID: c.ID, NameEN: c.NameEN, NameBN: c.NameBN, Sector: c.Sector, DistanceM: math.Round(m)}
		}
		set.Noise -= len(c.Members)
		set.Clusters = append(set.Clusters, info)
	}
	slices.SortFunc(set.Clusters, func(a, b *clusterInfo) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), strings.Compare(a.ID, b.ID))
	})
	return set, nil
}

// clusterFeature is one cluster as a GeoJSON Feature.
type clusterFeature struct {
	Type       string           `json:"type"`
	ID         string           `json:"id"`
	Geometry   geojson.Geometry `json:"geometry"`
	Properties *clusterInfo     `json:"properties"`
}

// clusterCollection is the GeoJSON answer of GET /api/clusters.
type clusterCollection struct {
	Type       string           `json:"type"`
	Parameters clusterParams    `json:"parameters"`
	Points     int              `json:"points"` // enterprises with a GPS point clustered
	Noise      int              `json:"noise"`  // of those, in no cluster
	Features   []clusterFeature `json:"features"`
}

// handleClusters answers GET /api/clusters: point clusters of the
// enterprises with a surveyed GPS point, as GeoJSON or CSV, cached per
// parameter set until the enterprises or boundaries change.
func (s *Server) handleClusters(w http.ResponseWriter, r *http.Request) {
	p, err := s.parseClusterParams(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.Format == "gpkg" {
		// Downloads are written afresh (a file per request), from the
		// clustering the other formats cache.
		set, err := s.computeClusters(r.Context(), s.statsVersions(), p)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		sector := p.Sector
		if sector == "" {
			sector = "all"
		}
		desc, _ := json.Marshal(p)
		s.sendGPKG(w, r, "guccho-clusters-"+p.Method+"-"+sector, func(gw *gpkg.Writer) error {
			return writeClustersLayer(gw, string(desc), set)
		})
		return
	}
	contentType := "application/geo+json"
	if p.Format == "csv" {
		contentType = "text/csv; charset=utf-8"
	}
	s.cached(w, r, p.key(), contentType, func(v versions) ([]byte, error) {
		set, err := s.computeClusters(r.Context(), v, p)
		if err != nil {
			return nil, err
		}
		if p.Format == "csv" {
			return clustersCSV(set)
		}
		fc := clusterCollection{Type: "FeatureCollection", Parameters: p, Points: set.Points, Noise: set.Noise, Features: []clusterFeature{}}
		for _, c := range set.Clusters {
			fc.Features = append(fc.Features, clusterFeature{Type: "Feature", ID: c.ID, Geometry: geojson.Geometry{Coordinates: c.outline}, Properties: c})
		}
		return encodeJSON(fc)
	})
}

// cached writes the answer cached under key, or computes, caches and
// writes it; X-Cache says which.
func (s *Server) cached(w http.ResponseWriter, r *http.Request, key, contentType string, compute func(versions) ([]byte, error)) {
	v := s.statsVersions()
	b, ok := s.stats.result(key)
	state := "hit"
	if !ok {
		var err error
		if b, err = compute(v); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.stats.putResult(v, key, b)
		state = "miss"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Cache", state)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "encoding the answer")
	}
	return buf.Bytes(), nil
}

// clusterColumns are the columns of the CSV and GeoPackage answers: one
// row per cluster; the GeoPackage adds the outline.
var clusterColumns = []gpkg.Field{
	{Name: "id", Type: gpkg.Text}, {Name: "method", Type: gpkg.Text}, {Name: "sector", Type: gpkg.Text},
	{Name: "size", Type: gpkg.Integer}, {Name: "core_count", Type: gpkg.Integer},
	{Name: "centre_lon", Type: gpkg.Real}, {Name: "centre_lat", Type: gpkg.Real}, {Name: "radius_m", Type: gpkg.Real},
	{Name: "concave", Type: gpkg.Integer}, {Name: "units", Type: gpkg.Text}, {Name: "enterprises", Type: gpkg.Integer},
	{Name: "jobs", Type: gpkg.Integer}, {Name: "recp_aware_share", Type: gpkg.Real}, {Name: "recp_adopted_share", Type: gpkg.Real},
}

// clusterRow is c's values in the order of clusterColumns; an unknown
// share is nil.
func clusterRow(c *clusterInfo) []any {
	units := make([]string, len(c.Units))
	for i, u := range c.Units {
		units[i] = u.PCode + ":" + strconv.Itoa(u.Count)
	}
	share := func(v *float64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	concave := 0
	if c.Concave {
		concave = 1
	}
	return []any{c.ID, c.Method, c.Sector, c.Size, c.CoreCount, c.Centre[0], c.Centre[1], c.RadiusM, concave,
		strings.Join(units, " "), c.Profile.Enterprises, c.Profile.Jobs, share(c.Profile.AwareShare), share(c.Profile.AdoptedShare)}
}

// clustersCSV writes one row per cluster, without the outline.
func clustersCSV(set *clusterSet) ([]byte, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	head := make([]string, len(clusterColumns))
	for i, c := range clusterColumns {
		head[i] = c.Name
	}
	cw.Write(head)
	for _, c := range set.Clusters {
		row := clusterRow(c)
		rec := make([]string, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case nil:
			case string:
				rec[i] = v
			case int:
				rec[i] = strconv.Itoa(v)
			case float64:
				rec[i] = strconv.FormatFloat(v, 'g', 15, 64)
			}
		}
		if clusterColumns[8].Name == "concave" {
			rec[8] = strconv.FormatBool(c.Concave)
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "writing clusters CSV")
	}
	return buf.Bytes(), nil
}

// writeClustersLayer adds the clusters as one layer, "clusters", of
// outlines; desc (the parameters as JSON) describes it.
func writeClustersLayer(gw *gpkg.Writer, desc string, set *clusterSet) error {
	l, err := gw.AddLayer(gpkg.Schema{Name: "clusters", Description: desc, Geometry: gpkg.Polygon, Fields: clusterColumns})
	if err != nil {
		return err
	}
	for _, c := range set.Clusters {
		if err := l.Add(c.outline, clusterRow(c)...); err != nil {
			return err
		}
	}
	return nil
}
