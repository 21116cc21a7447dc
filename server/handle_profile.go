package server

import (
	"context"
	"math"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

// profileAnswer is the answer of GET /api/profile/{pcode}.
type profileAnswer struct {
	Unit unitSummary `json:"unit"`
	// MinCount is the smallest count a sector's LQ is given for.
	MinCount float64 `json:"min_count"`
	*profile.Profile
	// NearestCentre is the common service centre (of any sector) closest to
	// the unit's label point; null when no centre is stored (or the store
	// keeps none), and for the whole country.
	NearestCentre *nearestCentre `json:"nearest_centre"`
	// NotSummed names the parts of the profile left at zero because the
	// sums it is read from do not count them: for the whole country, which
	// is read from the national sums every write keeps (enterprises, self
	// and wage jobs per sector), gender, owners, RECP and barriers.
	NotSummed []string `json:"not_summed,omitempty"`
}

// notSummedNationally are the parts of a profile the national sums
// (Aggregator.AggregateJobs) do not count.
var notSummedNationally = []string{"gender", "owners", "recp", "barriers"}

// country is the whole country as a profile names it when the boundary set
// holds no unit of level 0.
var country = unitSummary{PCode: "BD", Level: geo.Country, LevelName: geo.Country.String(), NameEN: "Bangladesh", NameBN: "বাংলাদেশ"}

// nearestCentre names a centre and its distance from a unit.
type nearestCentre struct {
	ID        string  `json:"id"`
	NameEN    string  `json:"name_en"`
	NameBN    string  `json:"name_bn"`
	Sector    string  `json:"sector"`
	DistanceM float64 `json:"distance_m"` // metres, great circle, rounded to whole metres
}

// handleProfile answers GET /api/profile/{pcode}[?min_count=5]: the profile
// of the enterprises resolved to a division, district, upazila or union,
// with location quotients against every unit of its level (so they equal
// GET /api/stats/lq at that level), and the nearest common service centre:
// the one closest (great-circle distance) to the unit's label point, a
// point inside the unit, so a centre inside the unit is usually, but not
// always, the nearest. For "BD", the whole country, it is the profile of
// every enterprise read from the national sums (enterprises and jobs per
// sector, each LQ 1), never from every enterprise: see
// profileAnswer.NotSummed.
func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request) {
	pcode := mux.Vars(r)["pcode"]
	lv, err := geo.PCodeLevel(pcode)
	if err != nil {
		s.writeError(w, r, badParam("pcode", "%q is not the P-code of the country (BD), a division, district, upazila or union", pcode))
		return
	}
	minCount := float64(defaultMinCount)
	for name := range r.URL.Query() {
		if name != "min_count" {
			s.writeError(w, r, badParam(name, "unknown for a profile (use min_count)"))
			return
		}
	}
	if q := r.URL.Query(); q.Has("min_count") {
		v, err := strconv.ParseFloat(q.Get("min_count"), 64)
		if err != nil || !(v >= 0) || math.IsInf(v, 0) { // NaN too
			s.writeError(w, r, badParam("min_count", "%q: want a number ≥ 0", q.Get("min_count")))
			return
		}
		minCount = v
	}
	u, err := s.cfg.Geo.FindUnitByPCode(r.Context(), pcode)
	summary := country
	switch {
	case err == nil:
		summary = summarize(u)
	case lv != geo.Country || guccho.ErrorCode(err) != guccho.ENOTFOUND:
		s.writeError(w, r, err)
		return
	}
	// The unit's own enterprises and the per-sector totals of its level:
	// nothing here sums every unit of the country. The country is its own
	// region, read from the national sums.
	v := s.statsVersions()
	region, err := s.regionAt(r.Context(), v, lv)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	area := region
	if lv != geo.Country {
		if area, err = s.unitAggregates(r.Context(), v, pcode); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	p, err := profile.New(area, region, minCount)
	if err != nil {
		s.writeError(w, r, guccho.WrapError(err, guccho.EINTERNAL, "profile of %s", pcode))
		return
	}
	answer := profileAnswer{Unit: summary, MinCount: minCount, Profile: p}
	if lv == geo.Country {
		answer.NotSummed = notSummedNationally
		writeJSON(w, http.StatusOK, answer)
		return
	}
	all, err := s.centres(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c, m, ok := profile.NearestCentre(u.Label, all); ok {
		answer.NearestCentre = &nearestCentre{ID: c.ID, NameEN: c.NameEN, NameBN: c.NameBN, Sector: c.Sector, DistanceM: math.Round(m)}
	}
	writeJSON(w, http.StatusOK, answer)
}

// centres returns every common service centre the store keeps; none when
// it keeps none (the store is no guccho.CentreStore).
func (s *Server) centres(ctx context.Context) ([]*guccho.Centre, error) {
	cs, ok := s.cfg.Enterprises.(guccho.CentreStore)
	if !ok {
		return nil, nil
	}
	return cs.FindCentres(ctx, guccho.CentreFilter{})
}
