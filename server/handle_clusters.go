package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
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
	centre  orb.Point           // unrounded, for the nearest centre
	area    []profile.Aggregate // the members summed per sector, by sector
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

// clusterRunKey names one clustering: the method with its distance in
// metres and least number of points, and the sector ("" for every one).
type clusterRunKey struct {
	method, sector string
	eps            float64
	minPts         int
}

// clusterRun is one clustering of the points of a sector (of every sector
// for ""), described: all of an answer but the clusters' profiles, whose
// location quotients divide by every enterprise of the store, and their
// nearest centres. It stays valid while the point sets it was computed
// from are the current ones: an edit of another sector, or one that moved
// no point and changed no count, leaves it in use.
type clusterRun struct {
	from     map[string]*pointSet
	points   int
	clusters []*clusterInfo // largest first, then by id; no Profile or NearestCentre
}

// clusterAnswer is an encoded answer of GET /api/clusters and what it was
// computed from: it is served again while the run, the national sums its
// LQs divide by and the centres are the same.
type clusterAnswer struct {
	body    []byte
	run     *clusterRun
	region  string // regionAt(geo.Country), printed
	centres int64  // statsCache.centres
}

// computeClusters clusters the enterprises with a GPS point by p and
// describes each cluster. The API runs cluster.DBSCAN (or SMEF) on both
// stores alike, so their answers agree by construction.
func (s *Server) computeClusters(ctx context.Context, v versions, p clusterParams) (*clusterSet, error) {
	run, err := s.clusterRunOf(ctx, v, p)
	if err != nil {
		return nil, err
	}
	region, err := s.regionAt(ctx, v, geo.Country)
	if err != nil {
		return nil, err
	}
	return s.profileRun(ctx, p, run, region)
}

// clusterRunOf returns the clustering p asks for: cached while the points
// it was computed from are unchanged, else computed.
func (s *Server) clusterRunOf(ctx context.Context, v versions, p clusterParams) (*clusterRun, error) {
	g, err := s.gpsPointsAt(ctx, v)
	if err != nil {
		return nil, err
	}
	eps, minPts := p.eps()
	key := clusterRunKey{method: p.Method, sector: p.Sector, eps: eps, minPts: minPts}
	from := g.from(p.Sector)
	c := s.stats
	c.mu.Lock()
	run := c.runs[key]
	c.mu.Unlock()
	if run != nil && sameSets(run.from, from) {
		return run, nil
	}
	if run, err = s.runClusters(ctx, v, g, p); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.boundaries == v.boundaries {
		c.runs = putBounded(c.runs, key, run)
	}
	c.mu.Unlock()
	return run, nil
}

// runClusters clusters the points of g that p selects and describes the
// clusters, summing each one's members per sector (clusterInfo.area).
func (s *Server) runClusters(ctx context.Context, v versions, g *gpsPoints, p clusterParams) (*clusterRun, error) {
	ps := g.of(p.Sector)
	points := ps.points
	eps, minPts := p.eps()
	var res cluster.Result
	var err error
	if p.Method == "smef" {
		res, err = cluster.SMEF(points, eps, minPts)
	} else {
		res, err = cluster.DBSCAN(points, eps, minPts)
	}
	if err != nil {
		return nil, err
	}
	// Names of the units.
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
	run := &clusterRun{from: g.from(p.Sector), points: len(points)}
	scope := p.Sector
	if scope == "" {
		scope = "all"
	}
	if p.Method == "smef" {
		scope = "" // every SMEF cluster has one sector, named below
	}
	for _, c := range res.Clusters {
		d := cluster.Describe(points, c, eps, ps.locator(c.Members))
		first := points[c.Members[0]] // members ascend, points are in id order
		id := p.Method + ":" + cmp.Or(scope, c.Sector) + ":" + first.ID
		info := &clusterInfo{ID: id, Method: p.Method, Sector: c.Sector, Size: len(c.Members), CoreCount: c.Cores,
			Centre: [2]float64{round6(d.Centre[0]), round6(d.Centre[1])}, RadiusM: math.Round(d.RadiusM),
			Concave: d.Concave, Units: []clusterUnit{}, Unlocated: d.Unlocated, outline: d.Outline, centre: d.Centre}
		for _, u := range d.Units {
			n := names[u.PCode]
			info.Units = append(info.Units, clusterUnit{PCode: u.PCode, Level: u.Level.String(), NameEN: n.NameEN, NameBN: n.NameBN, Count: u.Count})
		}
		bySector := map[string]*profile.Aggregate{}
		for _, m := range c.Members {
			info.members = append(info.members, points[m].ID)
			info.memberPoints = append(info.memberPoints, orb.Point{points[m].Lon, points[m].Lat})
			a := bySector[points[m].Sector]
			if a == nil {
				a = &profile.Aggregate{Sector: points[m].Sector}
				bySector[a.Sector] = a
			}
			ps.addCounts(&a.Counts, m)
		}
		for _, a := range bySector {
			info.area = append(info.area, *a)
		}
		slices.SortFunc(info.area, func(a, b profile.Aggregate) int { return strings.Compare(a.Sector, b.Sector) })
		run.clusters = append(run.clusters, info)
	}
	slices.SortFunc(run.clusters, func(a, b *clusterInfo) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), strings.Compare(a.ID, b.ID))
	})
	return run, nil
}

// profileRun completes the clusters of run with their profiles, with LQs
// against region (every enterprise of the store), and the common service
// centre nearest to each, in new clusterInfos (run's are shared).
func (s *Server) profileRun(ctx context.Context, p clusterParams, run *clusterRun, region []profile.Aggregate) (*clusterSet, error) {
	centres, err := s.centres(ctx)
	if err != nil {
		return nil, err
	}
	set := &clusterSet{Params: p, Points: run.points, Noise: run.points}
	for _, rc := range run.clusters {
		info := *rc
		if info.Profile, err = profile.New(info.area, region, defaultMinCount); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "profile of cluster %s", info.ID)
		}
		if c, m, ok := profile.NearestCentre(info.centre, centres); ok {
			info.NearestCentre = &nearestCentre{ID: c.ID, NameEN: c.NameEN, NameBN: c.NameBN, Sector: c.Sector, DistanceM: math.Round(m)}
		}
		set.Noise -= info.Size
		set.Clusters = append(set.Clusters, &info)
	}
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
// parameter set until what they were computed from changes (clusterAnswer).
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
	// The answer is served again while its clustering, the national sums
	// its LQs divide by and the centres are unchanged: an edit elsewhere
	// leaves it cached.
	ctx, v, c := r.Context(), s.statsVersions(), s.stats
	c.mu.Lock()
	centres := c.centres
	c.mu.Unlock()
	run, err := s.clusterRunOf(ctx, v, p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	region, err := s.regionAt(ctx, v, geo.Country)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sums := fmt.Sprint(region)
	key := p.key()
	c.mu.Lock()
	a := c.answers[key]
	c.mu.Unlock()
	state := "hit"
	if a == nil || a.run != run || a.region != sums || a.centres != centres {
		set, err := s.profileRun(ctx, p, run, region)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var body []byte
		if p.Format == "csv" {
			body, err = clustersCSV(set)
		} else {
			fc := clusterCollection{Type: "FeatureCollection", Parameters: p, Points: set.Points, Noise: set.Noise, Features: []clusterFeature{}}
			for _, c := range set.Clusters {
				fc.Features = append(fc.Features, clusterFeature{Type: "Feature", ID: c.ID, Geometry: geojson.Geometry{Coordinates: c.outline}, Properties: c})
			}
			body, err = encodeJSON(fc)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		a, state = &clusterAnswer{body: body, run: run, region: sums, centres: centres}, "miss"
		c.mu.Lock()
		if c.boundaries == v.boundaries {
			c.answers = putBounded(c.answers, key, a)
		}
		c.mu.Unlock()
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Cache", state)
	w.WriteHeader(http.StatusOK)
	w.Write(a.body)
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

// putBounded stores v under key in m and returns m: the cluster caches'
// bound. When m already holds maxStatsResults other entries, one of them
// goes (whichever the map yields first, which Go randomises), not every
// one: at national scale a clustering takes seconds to run again, and a
// user trying a 33rd set of parameters should not cost every other user
// theirs.
func putBounded[K comparable, V any](m map[K]V, key K, v V) map[K]V {
	if m == nil {
		m = map[K]V{}
	}
	if _, ok := m[key]; !ok && len(m) >= maxStatsResults {
		for k := range m {
			delete(m, k)
			break
		}
	}
	m[key] = v
	return m
}
