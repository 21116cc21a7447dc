// Package loadtest replays a realistic mix of web-map sessions against
// Guccho servers (or a peer tile server) at rising rates, open loop, and
// reports the highest rate each target holds with a p99 latency within a
// bound (docs/load.md).
//
// A Mix models what the web app asks for: a user opens the map at a
// district, pans, zooms in to the enterprise points and out again, each
// view requesting the tiles of the viewport it has not fetched yet; some
// users open a unit profile or run a cluster request; and now and then an
// editor changes an enterprise. Run offers the requests of a Mix at a fixed rate per step —
// arrivals never wait for responses, so latency under overload shows — and
// raises the rate (doubling by default) each step until the p99 or an error says stop. Every run
// is bounded in steps, time and requests, and refuses any host but
// localhost or a loopback address.
package loadtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Kind names a kind of request of the mix; Run reports latencies per kind.
type Kind string

// The kinds of request of the mix.
const (
	KindEnterpriseTile Kind = "enterprise-tile" // a tile of the enterprises layer
	KindAdminTile      Kind = "admin-tile"      // a tile of an admin boundary layer
	KindProfile        Kind = "profile"         // GET /api/profile/{pcode}
	KindCluster        Kind = "cluster"         // GET /api/clusters?sector=…&method=smef|dbscan
	KindEdit           Kind = "edit"            // PUT /api/enterprises/{id} with an editor token
)

// Kinds lists every kind in report order.
var Kinds = []Kind{KindEnterpriseTile, KindAdminTile, KindProfile, KindCluster, KindEdit}

// IsTile reports whether k is a tile request.
func (k Kind) IsTile() bool { return k == KindEnterpriseTile || k == KindAdminTile }

// Layer is a tile layer as the web app's explore view draws it.
type Layer struct {
	Name string
	Kind Kind // KindEnterpriseTile or KindAdminTile
	// DrawFrom is the lowest whole zoom at which the web app requests the
	// layer's tiles (its map layers' minzoom, rounded up).
	DrawFrom int
	// MaxZoom is the source's maxzoom (its TileJSON): deeper views request
	// the covering tiles at MaxZoom and overzoom them.
	MaxZoom int
}

// WebAppLayers are the layers of the web app's explore view
// (static/src/views/explore): the enterprises from z0 to z16 and the admin
// levels from the zoom each is drawn at (divisions 0, districts 5.5,
// upazilas 7.5, unions 9.5) to the admin sources' maxzoom, 12.
var WebAppLayers = []Layer{
	{Name: "enterprises", Kind: KindEnterpriseTile, DrawFrom: 0, MaxZoom: 16},
	{Name: "divisions", Kind: KindAdminTile, DrawFrom: 0, MaxZoom: 12},
	{Name: "districts", Kind: KindAdminTile, DrawFrom: 6, MaxZoom: 12},
	{Name: "upazilas", Kind: KindAdminTile, DrawFrom: 8, MaxZoom: 12},
	{Name: "unions", Kind: KindAdminTile, DrawFrom: 10, MaxZoom: 12},
}

// GucchoTilePath is the path of a tile of a Guccho server:
// /tiles/{layer}/{z}/{x}/{y}.mvt.
func GucchoTilePath(layer string, t maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, t.Z, t.X, t.Y)
}

// Area is a place where sessions open the map: a district, whose profile
// a session may open.
type Area struct {
	Code   string    // P-code, for GET /api/profile/{code}
	Center orb.Point // where the map opens, lon/lat
}

// Editable is an enterprise that the mix's editor may change: an edit
// replaces it (PUT, the whole record, as the web app's form sends it) with
// the same id, sector and Fields, a new name, and as its GPS point either
// Point or Point moved 0.0001° (about 10 m) east, odd and even edits in
// turn: a correction that changes no unit's counts.
type Editable struct {
	ID     string
	Sector string
	Point  orb.Point // lon/lat
	// Fields are the record's other fields of the edit body (employment,
	// barriers, stated places, …: PUT /api/enterprises/{id}'s names), sent
	// back unchanged; nil sends none, which clears them.
	Fields map[string]any
}

// Viewport size in tiles: the map of a laptop screen at 1024×768 CSS pixels
// with 256-pixel tiles, the view centred in it.
const (
	viewportX = 4
	viewportY = 3
)

// Zoom range of a session: the map opens at openMin..openMax, is zoomed in
// to deepMin..deepMax (enterprise points) and out again.
const (
	openMin, openMax = 7, 9
	deepMin, deepMax = 12, 14
)

// Mix describes the sessions to replay. Areas is required; Sectors is
// required when Cluster > 0 and Editable when Edit > 0.
type Mix struct {
	Areas    []Area
	Sectors  []string   // sector codes for cluster requests
	Editable []Editable // enterprises edits may change
	// TilePath formats a tile's path on the target; default GucchoTilePath.
	TilePath func(layer string, t maptile.Tile) string
	Layers   []Layer // default WebAppLayers
	// Profile and Cluster are per-session chances: of opening the profile
	// of the session's district, and of one cluster request (SMEF rule or
	// DBSCAN, half each, with the web app's default parameters). Edit is
	// the share of all requests that are edits by an editor, who works
	// beside the map users. Zero values take the defaults 0.5, 0.2 and 0.01;
	// a negative value means never.
	Profile, Cluster, Edit float64
	// TilesOnly keeps only the tile requests. The tile requests are those
	// of the full mix with the same Seed, in the same order, so a peer tile
	// server can be offered exactly the tile part of what Guccho was.
	TilesOnly bool
	// Sessions is the number of sessions whose requests interleave at any
	// moment; default 32.
	Sessions int
	Seed     uint64
}

// Request is one request of the mix.
type Request struct {
	Kind   Kind
	Method string // GET or PUT
	Path   string // path and query, starting with /
	Body   []byte // JSON, for edits
}

// Stream is an endless sequence of requests of a Mix: requests of Sessions
// sessions at a time, interleaved at random (a session that ends is
// replaced by a new one), and among them the editor's edits. A Stream is
// not safe for concurrent use.
type Stream struct {
	mix      Mix
	rng      *rand.Rand
	sessions [][]Request
	edits    int
}

// Stream checks m and returns a stream of its requests, the same sequence
// for the same Mix.
func (m Mix) Stream() (*Stream, error) {
	if len(m.Areas) == 0 {
		return nil, errors.New("loadtest: mix: no areas to open the map at")
	}
	def := func(p *float64, d float64) {
		if *p == 0 {
			*p = d
		}
	}
	def(&m.Profile, 0.5)
	def(&m.Cluster, 0.2)
	def(&m.Edit, 0.01)
	if m.Cluster > 0 && len(m.Sectors) == 0 {
		return nil, errors.New("loadtest: mix: cluster requests need sectors")
	}
	if m.Edit > 0 && len(m.Editable) == 0 {
		return nil, errors.New("loadtest: mix: edits need editable enterprises")
	}
	if m.TilePath == nil {
		m.TilePath = GucchoTilePath
	}
	if m.Layers == nil {
		m.Layers = WebAppLayers
	}
	if m.Sessions <= 0 {
		m.Sessions = 32
	}
	s := &Stream{mix: m, rng: rand.New(rand.NewPCG(m.Seed, 13)), sessions: make([][]Request, m.Sessions)}
	// Join the first sessions at random points of their course, as if the
	// users had been at work for a while, so that the mix is the steady
	// one from the first request rather than all maps opening at once.
	for i := range s.sessions {
		reqs := s.session()
		s.sessions[i] = reqs[s.rng.IntN(len(reqs)):]
	}
	return s, nil
}

// Next returns the next request.
func (s *Stream) Next() Request {
	for {
		if s.mix.Edit > 0 && s.rng.Float64() < s.mix.Edit {
			r := s.edit(s.mix.Editable[s.rng.IntN(len(s.mix.Editable))])
			if s.mix.TilesOnly {
				continue
			}
			return r
		}
		i := s.rng.IntN(len(s.sessions))
		for len(s.sessions[i]) == 0 {
			s.sessions[i] = s.session()
		}
		r := s.sessions[i][0]
		s.sessions[i] = s.sessions[i][1:]
		if s.mix.TilesOnly && !r.Kind.IsTile() {
			continue
		}
		return r
	}
}

// session returns the requests of one session, in order: open the map at
// a district at z7–z9, pan once or twice by one or two tiles, zoom in one
// level at a time to z12–z14, maybe open the district's profile, pan once
// more, zoom out to where the session began, maybe request clusters. Each
// view asks only for tiles this session has not
// fetched before (the browser's cache holds the others).
func (s *Stream) session() []Request {
	m, rng := &s.mix, s.rng
	area := m.Areas[rng.IntN(len(m.Areas))]
	seen := map[string]bool{}
	var out []Request
	view := func(z int, c orb.Point) {
		at := maptile.At(c, maptile.Zoom(z))
		x0, y0 := int(at.X)-(viewportX-1)/2, int(at.Y)-(viewportY-1)/2
		for _, l := range m.Layers {
			if z < l.DrawFrom {
				continue
			}
			tz := min(z, l.MaxZoom)
			for dy := range viewportY {
				for dx := range viewportX {
					x, y := x0+dx, y0+dy
					if x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
						continue
					}
					t := maptile.New(uint32(x)>>(z-tz), uint32(y)>>(z-tz), maptile.Zoom(tz))
					p := m.TilePath(l.Name, t)
					if !seen[p] {
						seen[p] = true
						out = append(out, Request{Kind: l.Kind, Method: "GET", Path: p})
					}
				}
			}
		}
	}
	pan := func(z int, c orb.Point) orb.Point {
		dx, dy := 0, 0
		for dx == 0 && dy == 0 {
			dx, dy = rng.IntN(5)-2, rng.IntN(5)-2
		}
		t := maptile.At(c, maptile.Zoom(z))
		n := 1<<z - 1
		return maptile.New(uint32(min(max(int(t.X)+dx, 0), n)), uint32(min(max(int(t.Y)+dy, 0), n)), maptile.Zoom(z)).Center()
	}

	open := openMin + rng.IntN(openMax-openMin+1)
	c := area.Center
	view(open, c)
	for range 1 + rng.IntN(2) {
		c = pan(open, c)
		view(open, c)
	}
	deep := deepMin + rng.IntN(deepMax-deepMin+1)
	for z := open + 1; z <= deep; z++ {
		view(z, c)
	}
	if m.Profile > 0 && rng.Float64() < m.Profile {
		out = append(out, profileRequest(area.Code))
	}
	c = pan(deep, c)
	view(deep, c)
	for z := deep - 1; z >= open; z-- {
		view(z, c)
	}
	if m.Cluster > 0 && rng.Float64() < m.Cluster {
		sector, method := m.Sectors[rng.IntN(len(m.Sectors))], "smef"
		if rng.IntN(2) == 1 {
			method = "dbscan"
		}
		out = append(out, clusterRequest(sector, method))
	}
	return out
}

// Analyses returns every distinct analysis request the mix's sessions can
// make: the profile of each area (unless Profile < 0) and, unless
// Cluster < 0, a cluster request of each sector by each method, as
// Stream sends them. Config.Warm sends them before a run so that its steps
// meet a server whose caches its first users have filled.
func (m Mix) Analyses() []Request {
	var out []Request
	if m.Profile >= 0 {
		for _, a := range m.Areas {
			out = append(out, profileRequest(a.Code))
		}
	}
	if m.Cluster >= 0 {
		for _, sector := range m.Sectors {
			for _, method := range []string{"smef", "dbscan"} {
				out = append(out, clusterRequest(sector, method))
			}
		}
	}
	return out
}

// profileRequest is GET /api/profile/{pcode}.
func profileRequest(pcode string) Request {
	return Request{Kind: KindProfile, Method: "GET", Path: "/api/profile/" + url.PathEscape(pcode)}
}

// clusterRequest is GET /api/clusters of sector by method (smef or dbscan)
// with the web app's default parameters.
func clusterRequest(sector, method string) Request {
	q := url.Values{"sector": {sector}, "method": {method}}
	return Request{Kind: KindCluster, Method: "GET", Path: "/api/clusters?" + q.Encode()}
}

// edit returns the PUT that changes e (see Editable).
func (s *Stream) edit(e Editable) Request {
	s.edits++
	p := e.Point
	if s.edits%2 == 1 {
		p[0] += 0.0001
	}
	rec := make(map[string]any, len(e.Fields)+4)
	for k, v := range e.Fields {
		rec[k] = v
	}
	rec["id"], rec["name"], rec["sector"], rec["gps"] = e.ID, "Load test edit "+strconv.Itoa(s.edits), e.Sector, []float64{p[0], p[1]}
	body, _ := json.Marshal(rec)
	return Request{Kind: KindEdit, Method: "PUT", Path: "/api/enterprises/" + url.PathEscape(e.ID), Body: body}
}
