package server

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/valuechain"
)

// nearbyMarginM widens a cluster's radius when looking for the stored
// actors around it.
const nearbyMarginM = 10000

// AssembleRequest is the body of POST /api/valuechains/assemble: the id of
// a cluster as GET /api/clusters gives it, the parameters it was found
// with (method and sector default to those the id names, the others to
// GET /api/clusters' defaults), and the chain's sector (default the
// cluster's).
type AssembleRequest struct {
	Cluster   string   `json:"cluster"`
	Sector    string   `json:"sector,omitempty"`
	Method    string   `json:"method,omitempty"`
	RadiusKM  *float64 `json:"radius_km,omitempty"`
	MinUnits  *int     `json:"min_units,omitempty"`
	EpsM      *float64 `json:"eps_m,omitempty"`
	MinPoints *int     `json:"min_points,omitempty"`
}

// Assembled is what AssembleChain stored and how: the chain's summary and
// valuechain.Derive's counts and skipped answers.
type Assembled struct {
	Chain  valuechain.Summary  `json:"chain"`
	Report *valuechain.Derived `json:"report"`
}

// assemble answers POST /api/valuechains/assemble (editors): 201 with
// the chain assembled for a cluster (see AssembleChain).
func (h valuechainHandlers) assemble(w http.ResponseWriter, r *http.Request) {
	var req AssembleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	res, err := h.s.AssembleChain(r.Context(), req)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/valuechains/"+res.Chain.ID)
	writeJSON(w, http.StatusCreated, res)
}

// AssembleChain computes the clusters exactly as GET /api/clusters does,
// takes the one req names, and stores the value chain derived from its
// member enterprises' input-source and buyer answers
// (guccho.AttrInputSourceType, …; places resolved by the gazetteer) and the
// actors of stored chains of the same sector around it — placed within the
// cluster's radius plus 10 km of its centre, or working in one of its
// upazilas (valuechain.Derive). The chain is
// valuechain.ClusterChainID(cluster), with Cluster set, Admin the upazila
// holding most members, and Synthetic when any member is; it is replaced
// whole when it exists. Actors of synthetic chains are reused only in a
// synthetic chain.
//
// Errors: EINVALID naming the field; ENOTFOUND naming the cluster when no
// cluster has that id under those parameters; EUNAVAILABLE when the store
// cannot compute clusters or keep chains.
func (s *Server) AssembleChain(ctx context.Context, req AssembleRequest) (*Assembled, error) {
	vc, ok := s.cfg.Enterprises.(valuechain.Store)
	if !ok || s.stats == nil {
		return nil, guccho.Errorf(guccho.EUNAVAILABLE, "this store cannot assemble value chains")
	}
	if strings.TrimSpace(req.Cluster) == "" {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"cluster\": missing (an id from GET /api/clusters)")
	}
	p, err := s.parseClusterParams(req.query())
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s", strings.Replace(guccho.ErrorMessage(err), "parameter ", "field ", 1))
	}
	set, err := s.computeClusters(ctx, s.statsVersions(), p)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(set.Clusters, func(c *clusterInfo) bool { return c.ID == req.Cluster })
	if i < 0 {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "cluster %q: none such among the %d clusters of method %s (GET /api/clusters)", req.Cluster, len(set.Clusters), p.Method)
	}
	c := set.Clusters[i]
	chain := valuechain.Chain{ID: valuechain.ClusterChainID(c.ID), Cluster: c.ID, Sector: c.Sector}
	if req.Sector != "" {
		if chain.Sector, err = (valuechainHandlers{s: s}).sector("field \"sector\"", req.Sector); err != nil {
			return nil, err
		}
	}
	if chain.Sector == "" {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"sector\": cluster %q mixes sectors; name the chain's sector", c.ID)
	}
	secName := chain.Sector
	if s.cfg.Sectors != nil {
		if sec, ok := s.cfg.Sectors.Lookup(chain.Sector); ok {
			secName = sec.NameEN
		}
	}
	chain.Name = secName + " value chain of cluster " + c.ID
	if u := c.mainUnit("upazila"); u != nil {
		chain.Admin = u.PCode
		chain.Name = secName + " value chain around " + u.NameEN
		if u.NameBN != "" {
			chain.NameBN = u.NameBN + " ঘিরে মূল্য শৃঙ্খল"
		}
	}
	chain.Name += " (from the survey)"

	// The members, in id order.
	members := map[string]bool{}
	var bound orb.Bound
	for i, id := range c.members {
		members[id] = true
		if i == 0 {
			bound = c.memberPoints[i].Bound()
		}
		bound = bound.Extend(c.memberPoints[i])
	}
	var producers []valuechain.Enterprise
	places := map[string]valuechain.Party{}
	district := ""
	if u := c.mainUnit("district"); u != nil {
		district = u.PCode
	}
	add := func(e *guccho.Enterprise) error {
		if !members[e.ID] || e.GPS == nil {
			return nil
		}
		delete(members, e.ID)
		chain.Synthetic = chain.Synthetic || e.Synthetic
		pr := valuechain.Enterprise{EnterpriseID: e.ID, Name: e.Name, Sector: e.Sector, Admin: finestAdmin(e.Admin), Lon: e.GPS[0], Lat: e.GPS[1]}
		var err error
		if pr.Input, err = s.party(ctx, places, district, e.Attributes[guccho.AttrInputSourceType], e.Attributes[guccho.AttrInputSourcePlace]); err != nil {
			return err
		}
		pr.Buyer, err = s.party(ctx, places, district, e.Attributes[guccho.AttrBuyerType], e.Attributes[guccho.AttrBuyerPlace])
		producers = append(producers, pr)
		return err
	}
	// Members are clustered by their GPS point, but the map (and the
	// filter) places some elsewhere (a GPS point at odds with the stated
	// union): those are read one by one.
	if err := s.cfg.Enterprises.FindEnterprises(ctx, guccho.EnterpriseFilter{Bound: &bound}, add); err != nil {
		return nil, err
	}
	for _, id := range c.members {
		if !members[id] {
			continue
		}
		e, err := s.cfg.Enterprises.FindEnterpriseByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := add(e); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(producers, func(a, b valuechain.Enterprise) int { return strings.Compare(a.EnterpriseID, b.EnterpriseID) })
	nearby, err := nearbyActors(ctx, vc, chain, c)
	if err != nil {
		return nil, err
	}
	d := valuechain.Derive(chain, producers, nearby)
	if err := vc.ReplaceChain(ctx, &chain, d.Actors, d.Links); err != nil {
		return nil, err
	}
	return &Assembled{Chain: valuechain.Summary{Chain: chain, Actors: len(d.Actors), Links: len(d.Links)}, Report: d}, nil
}

// query turns the request's clustering parameters into GET /api/clusters'
// query, taking the method and (for DBSCAN) the sector from the cluster id
// ("method:sector-or-all:first member") when not given.
func (req AssembleRequest) query() url.Values {
	q := url.Values{}
	parts := strings.SplitN(req.Cluster, ":", 3)
	q.Set("method", cmp.Or(req.Method, parts[0]))
	if q.Get("method") == "dbscan" && len(parts) == 3 && parts[1] != "all" {
		q.Set("sector", parts[1])
	}
	num := func(name string, v *float64) {
		if v != nil {
			q.Set(name, strconv.FormatFloat(*v, 'g', -1, 64))
		}
	}
	whole := func(name string, v *int) {
		if v != nil {
			q.Set(name, strconv.Itoa(*v))
		}
	}
	num("radius_km", req.RadiusKM)
	whole("min_units", req.MinUnits)
	num("eps_m", req.EpsM)
	whole("min_points", req.MinPoints)
	return q
}

// finestAdmin returns the finest P-code of codes.
func finestAdmin(a guccho.AdminCodes) string {
	for _, c := range []string{a.Union, a.Upazila, a.District, a.Division} {
		if c != "" {
			return c
		}
	}
	return ""
}

// party resolves a surveyed type and place: the place to the unit whose
// name it is exactly (case and spelling variants as the gazetteer knows
// them), preferring a unit inside the cluster's district, then an upazila,
// a district, a union, a division; unresolved places stay text. Places are
// looked up once per call of AssembleChain (cache).
func (s *Server) party(ctx context.Context, cache map[string]valuechain.Party, district, typ, place string) (valuechain.Party, error) {
	p := valuechain.Party{Type: strings.TrimSpace(typ), Place: strings.TrimSpace(place)}
	if p.Place == "" {
		return p, nil
	}
	key := geo.Normalize(p.Place)
	if r, ok := cache[key]; ok {
		r.Type, r.Place = p.Type, p.Place
		return r, nil
	}
	matches, err := s.cfg.Geo.Search(ctx, p.Place, geo.SearchOptions{Limit: 20})
	if err != nil && guccho.ErrorCode(err) != guccho.EINVALID {
		return p, err
	}
	rank := func(u *geo.Unit) int {
		r := map[geo.Level]int{geo.Upazila: 0, geo.District: 1, geo.Union: 2, geo.Division: 3}[u.Level]
		if district == "" || !strings.HasPrefix(u.PCode, district) {
			r += 10
		}
		return r
	}
	var best *geo.Unit
	for _, m := range matches {
		if m.Kind == "exact" && m.Unit.Level != geo.Country && (best == nil || rank(m.Unit) < rank(best)) {
			best = m.Unit
		}
	}
	if best != nil {
		p.Admin, p.PlaceName, p.Lon, p.Lat = best.PCode, best.DisplayName(), best.Label[0], best.Label[1]
	}
	cache[key] = p
	return p, nil
}

// nearbyActors returns the actors of the stored chains of chain's sector
// (but chain itself) placed within the cluster's radius plus nearbyMarginM
// of its centre or working in one of its upazilas; synthetic chains count
// only for a synthetic chain.
func nearbyActors(ctx context.Context, vc valuechain.Store, chain valuechain.Chain, c *clusterInfo) ([]valuechain.Actor, error) {
	list, err := vc.FindChains(ctx, valuechain.Filter{Sector: chain.Sector})
	if err != nil {
		return nil, err
	}
	var upazilas []string
	for _, u := range c.Units {
		if u.Level == "upazila" {
			upazilas = append(upazilas, u.PCode)
		}
	}
	centre := orb.Point{c.Centre[0], c.Centre[1]}
	var out []valuechain.Actor
	for _, sum := range list {
		if sum.ID == chain.ID || (sum.Synthetic && !chain.Synthetic) {
			continue
		}
		d, err := vc.FindChainByID(ctx, sum.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range d.Actors {
			near := a.Placed() && orbgeo.Distance(centre, orb.Point{a.Lon, a.Lat}) <= c.RadiusM+nearbyMarginM
			for _, u := range upazilas {
				near = near || strings.HasPrefix(a.Admin, u)
			}
			if near && a.Role != valuechain.Producer {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// ClusterIn returns the id of the cluster of sector (a catalogue code) that
// GET /api/clusters finds with its defaults (SMEF, 50 within 5 km) and that
// has the most members in the unit pcode (an upazila or district P-code),
// for wiring such as the demo's. ENOTFOUND when no such cluster has a member
// there.
func (s *Server) ClusterIn(ctx context.Context, sector, pcode string) (string, error) {
	if s.stats == nil {
		return "", guccho.Errorf(guccho.EUNAVAILABLE, "this store cannot compute clusters")
	}
	p, err := s.parseClusterParams(url.Values{"sector": {sector}})
	if err != nil {
		return "", err
	}
	set, err := s.computeClusters(ctx, s.statsVersions(), p)
	if err != nil {
		return "", err
	}
	best, most := "", 0
	for _, c := range set.Clusters {
		for _, u := range c.Units {
			if u.PCode == pcode && u.Count > most {
				best, most = c.ID, u.Count
			}
		}
	}
	if best == "" {
		return "", guccho.Errorf(guccho.ENOTFOUND, "no %s cluster has members in %s", sector, pcode)
	}
	return best, nil
}
