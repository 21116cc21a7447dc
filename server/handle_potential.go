package server

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// potentialParams are the parameters of GET /api/clusters/potential,
// defaults filled, with the fixed settings of the evidence beside them.
type potentialParams struct {
	Sector   string  `json:"sector"` // "" for every sector with enterprises
	Level    string  `json:"level"`  // of the admin-unit candidates
	MinUnits int     `json:"min_units"`
	MinLQ    float64 `json:"min_lq"`
	// Fixed: the SMEF rule's defaults for point clusters, and the Gi*
	// settings (as GET /api/stats/hotspots with its defaults).
	RadiusKM     float64 `json:"radius_km"`
	SMEFMinUnits int     `json:"smef_min_units"`
	Weights      string  `json:"weights"`
	Permutations int     `json:"permutations"`
	Seed         uint64  `json:"seed"`
	Alpha        float64 `json:"alpha"`
	MinCount     float64 `json:"lq_min_count"`
}

func (p potentialParams) key() string {
	b, _ := encodeJSON(p)
	return "potential:" + string(b)
}

func (s *Server) parsePotentialParams(q url.Values) (potentialParams, error) {
	p := potentialParams{Level: "upazila", MinUnits: defaultMinUnits, MinLQ: defaultMinLQ, RadiusKM: defaultRadiusKM,
		SMEFMinUnits: defaultMinUnits, Weights: "queen", Permutations: defaultPermutations, Seed: 1, Alpha: defaultAlpha,
		MinCount: defaultMinCount}
	if err := onlyParams(q, "potential clusters", "sector", "level", "min_units", "min_lq"); err != nil {
		return p, err
	}
	var err error
	if p.Sector, err = s.sectorParam(q); err != nil {
		return p, err
	}
	if q.Has("level") {
		p.Level = q.Get("level")
		if p.Level != "upazila" && p.Level != "district" {
			return p, badParam("level", "%q: want upazila or district", p.Level)
		}
	}
	if p.MinUnits, err = intParam(q, "min_units", defaultMinUnits); err != nil {
		return p, err
	}
	if p.MinLQ, err = boundedParam(q, "min_lq", defaultMinLQ, 0, 1e6, "a location quotient > 0"); err != nil {
		return p, err
	}
	return p, nil
}

// giStar is a unit's Getis-Ord Gi* for the sector's enterprise counts.
type giStar struct {
	Z     *float64 `json:"z"`
	P     *float64 `json:"p"`     // permutation p-value (999 permutations)
	Class string   `json:"class"` // hot, cold or ns (p > alpha)
}

// candidate is one entry of the potential-cluster list.
type candidate struct {
	Rank   int    `json:"rank"`
	Kind   string `json:"kind"` // point_cluster or admin_unit
	ID     string `json:"id"`   // the cluster's id (GET /api/clusters) or the unit's P-code
	NameEN string `json:"name_en"`
	NameBN string `json:"name_bn"`
	// Level is the level of the unit named: the candidate unit's, or for a
	// point cluster "upazila" (the upazila holding most of its members).
	Level  string `json:"level"`
	Sector string `json:"sector"`
	// Size is a point cluster's members; Count the sector's enterprises
	// resolved to the unit (any geocode method). Each is set for its kind.
	Size  *int     `json:"size,omitempty"`
	Count *float64 `json:"count,omitempty"`
	// Upazila and District are the units the evidence is for: where most
	// members lie, or the candidate unit (and its district).
	Upazila    string             `json:"upazila,omitempty"`
	District   string             `json:"district"`
	LQUpazila  *float64           `json:"lq_upazila"`
	LQDistrict *float64           `json:"lq_district"`
	GiStar     map[string]*giStar `json:"gistar"` // by level: upazila, district
	Evidence   []string           `json:"evidence"`
	Reasons    []string           `json:"reasons"` // smef, count, lq, hotspot

	score float64
}

// potentialAnswer is the answer of GET /api/clusters/potential.
type potentialAnswer struct {
	Parameters potentialParams `json:"parameters"`
	Candidates []*candidate    `json:"candidates"`
}

// sectorEvidence is the LQ and Gi* of one sector at one level, by P-code.
type sectorEvidence struct {
	units map[string]int // P-code → index
	stats []statsUnit    // lq answer's units: value, lq
	hot   []statsUnit    // hotspots answer's units; nil when undefined (zero variance)
}

func (e *sectorEvidence) lq(pcode string) *float64 {
	if i, ok := e.units[pcode]; ok {
		return e.stats[i].LQ
	}
	return nil
}

func (e *sectorEvidence) gi(pcode string) *giStar {
	i, ok := e.units[pcode]
	if !ok || e.hot == nil {
		return nil
	}
	u := e.hot[i]
	return &giStar{Z: u.Z, P: u.PAdj, Class: u.Class}
}

// evidenceAt computes the LQ and Gi* of sector at level, with the
// parameters of GET /api/stats/lq and /api/stats/hotspots at their
// defaults (so the numbers equal theirs).
func (s *Server) evidenceAt(r *http.Request, v versions, sector, level string) (*sectorEvidence, error) {
	q := url.Values{"sector": {sector}, "level": {level}}
	lp, err := s.parseStatsParams("lq", q)
	if err != nil {
		return nil, err
	}
	lq, err := s.computeStats(r, v, lp)
	if err != nil {
		return nil, err
	}
	ev := &sectorEvidence{units: map[string]int{}, stats: lq.Units}
	for i, u := range lq.Units {
		ev.units[u.PCode] = i
	}
	hp, err := s.parseStatsParams("hotspots", q)
	if err != nil {
		return nil, err
	}
	hot, err := s.computeStats(r, v, hp)
	switch {
	case err == nil:
		ev.hot = hot.Units
	case guccho.ErrorCode(err) == guccho.EINVALID:
		// The same count everywhere (or too few units): no Gi*.
	default:
		return nil, err
	}
	return ev, nil
}

// handlePotential answers GET /api/clusters/potential: one ranked list of
// candidate clusters per sector — SMEF point clusters with their evidence,
// then upazilas or districts passing the admin-unit rules that hold no
// point cluster (docs/clusters.md, "Potential clusters").
func (s *Server) handlePotential(w http.ResponseWriter, r *http.Request) {
	p, err := s.parsePotentialParams(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.cached(w, r, p.key(), "application/json; charset=utf-8", func(v versions) ([]byte, error) {
		ans, err := s.computePotential(r, v, p)
		if err != nil {
			return nil, err
		}
		return encodeJSON(ans)
	})
}

func (s *Server) computePotential(r *http.Request, v versions, p potentialParams) (*potentialAnswer, error) {
	ctx := r.Context()
	radius, smefMin := p.RadiusKM, p.SMEFMinUnits
	set, err := s.computeClusters(ctx, v, clusterParams{Method: "smef", Sector: p.Sector, RadiusKM: &radius, MinUnits: &smefMin})
	if err != nil {
		return nil, err
	}
	sectors := []string{p.Sector}
	if p.Sector == "" {
		aggs, err := s.jobsAt(ctx, v, geo.Division)
		if err != nil {
			return nil, err
		}
		sectors = nil
		for _, a := range aggs {
			if !slices.Contains(sectors, a.Sector) {
				sectors = append(sectors, a.Sector)
			}
		}
		slices.Sort(sectors)
	}
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

	ans := &potentialAnswer{Parameters: p, Candidates: []*candidate{}}
	var units []*candidate
	for _, sector := range sectors {
		ev := map[string]*sectorEvidence{}
		for _, lv := range []string{"upazila", "district"} {
			if ev[lv], err = s.evidenceAt(r, v, sector, lv); err != nil {
				return nil, err
			}
		}
		covered := map[string]bool{} // units holding members of a point cluster
		for _, c := range set.Clusters {
			if c.Sector != sector {
				continue
			}
			for _, u := range c.Units {
				covered[u.PCode] = true
			}
			size := c.Size
			cand := &candidate{Kind: "point_cluster", ID: c.ID, Level: "upazila", Sector: sector, Size: &size,
				Reasons: []string{"smef"}, score: float64(c.Size)}
			cand.Evidence = append(cand.Evidence, fmt.Sprintf("%d enterprises in a SMEF point cluster: %d or more within %g km of a core",
				c.Size, p.SMEFMinUnits, p.RadiusKM))
			if up := c.mainUnit("upazila"); up != nil {
				cand.Upazila, cand.NameEN, cand.NameBN = up.PCode, up.NameEN, up.NameBN
			}
			if d := c.mainUnit("district"); d != nil {
				cand.District = d.PCode
			}
			cand.addEvidence(ev, p, names)
			ans.Candidates = append(ans.Candidates, cand)
		}
		lev := ev[p.Level]
		for _, u := range lev.stats {
			if u.Value < float64(p.MinUnits) || u.LQ == nil || *u.LQ < p.MinLQ || covered[u.PCode] {
				continue
			}
			count := u.Value
			cand := &candidate{Kind: "admin_unit", ID: u.PCode, NameEN: u.NameEN, NameBN: u.NameBN, Level: p.Level,
				Sector: sector, Count: &count, Reasons: []string{"count"}, score: count * *u.LQ}
			cand.Evidence = append(cand.Evidence, fmt.Sprintf("%g %s enterprises in the %s (at least %d), and no point cluster",
				count, sector, p.Level, p.MinUnits))
			if p.Level == "upazila" {
				cand.Upazila, cand.District = u.PCode, geo.ParentCodes(u.PCode)[1]
			} else {
				cand.District = u.PCode
			}
			cand.addEvidence(ev, p, names)
			units = append(units, cand)
		}
	}
	slices.SortFunc(ans.Candidates, func(a, b *candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(units, func(a, b *candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.Sector, b.Sector), strings.Compare(a.ID, b.ID))
	})
	ans.Candidates = append(ans.Candidates, units...)
	for i, c := range ans.Candidates {
		c.Rank = i + 1
	}
	return ans, nil
}

// addEvidence fills the LQs and Gi* of the candidate's upazila and district
// and says what they show.
func (c *candidate) addEvidence(ev map[string]*sectorEvidence, p potentialParams, names map[string]unitSummary) {
	c.GiStar = map[string]*giStar{}
	lq, hot := false, false
	for _, lv := range []string{"upazila", "district"} {
		pcode := c.Upazila
		if lv == "district" {
			pcode = c.District
		}
		if pcode == "" {
			continue
		}
		l := ev[lv].lq(pcode)
		if lv == "upazila" {
			c.LQUpazila = l
		} else {
			c.LQDistrict = l
		}
		name := cmp.Or(names[pcode].NameEN, pcode)
		if l != nil {
			c.Evidence = append(c.Evidence, fmt.Sprintf("location quotient %.2f in %s %s", *l, lv, name))
			lq = lq || *l >= p.MinLQ
		}
		if g := ev[lv].gi(pcode); g != nil {
			c.GiStar[lv] = g
			if g.Class == "hot" {
				hot = true
				c.Evidence = append(c.Evidence, fmt.Sprintf("Gi* hot spot at %s level: %s, z %.2f, p %.3f", lv, name, *g.Z, *g.P))
			}
		}
	}
	if lq {
		c.Reasons = append(c.Reasons, "lq")
	}
	if hot {
		c.Reasons = append(c.Reasons, "hotspot")
	}
}
