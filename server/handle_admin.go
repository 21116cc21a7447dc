package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// unitSummary is how a unit appears inside other answers.
type unitSummary struct {
	PCode     string    `json:"pcode"`
	Level     geo.Level `json:"level"`
	LevelName string    `json:"level_name"`
	NameEN    string    `json:"name_en"`
	NameBN    string    `json:"name_bn"`
	FeatureID uint64    `json:"feature_id"`
}

func summarize(u *geo.Unit) unitSummary {
	id, _ := geo.FeatureID(u.PCode)
	return unitSummary{PCode: u.PCode, Level: u.Level, LevelName: u.Level.String(), NameEN: u.DisplayName(), NameBN: u.NameBN, FeatureID: id}
}

func summarizeAll(us []*geo.Unit) []unitSummary {
	out := make([]unitSummary, 0, len(us))
	for _, u := range us {
		out = append(out, summarize(u))
	}
	return out
}

// adminUnit is the answer of GET /api/admin/{pcode}.
type adminUnit struct {
	unitSummary
	NameENCodab   string        `json:"name_en_codab"`
	Type          string        `json:"type"`
	AreaKM2       float64       `json:"area_km2"`
	Parent        string        `json:"parent"`
	Parents       []unitSummary `json:"parents"`
	ChildrenCount int           `json:"children_count"`
	BBox          [4]float64    `json:"bbox"`  // west, south, east, north
	Label         [2]float64    `json:"label"` // lon, lat
	AltNames      []geo.Name    `json:"alt_names"`
}

func bbox(b orb.Bound) [4]float64 {
	return [4]float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])}
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// parentsOf fetches the ancestors of several units in one store call and
// returns them keyed by P-code.
func (s *Server) parentsOf(r *http.Request, units ...*geo.Unit) (map[string]*geo.Unit, error) {
	seen := map[string]bool{}
	var codes []string
	for _, u := range units {
		for _, c := range geo.ParentCodes(u.PCode) {
			if !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	out := map[string]*geo.Unit{}
	if len(codes) == 0 {
		return out, nil
	}
	ps, err := s.cfg.Geo.FindUnits(r.Context(), geo.UnitFilter{PCodes: codes})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		out[p.PCode] = p
	}
	return out, nil
}

func parentChain(u *geo.Unit, byCode map[string]*geo.Unit) []unitSummary {
	out := []unitSummary{}
	for _, c := range geo.ParentCodes(u.PCode) {
		if p := byCode[c]; p != nil {
			out = append(out, summarize(p))
		}
	}
	return out
}

// handleAdmin answers GET /api/admin/{pcode}: a unit's names, level,
// parents, number of children, bounding box and label point.
func (s *Server) handleAdmin(w http.ResponseWriter, r *http.Request) {
	pcode := strings.ToUpper(mux.Vars(r)["pcode"])
	if _, err := geo.PCodeLevel(pcode); err != nil {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter pcode: %s", guccho.ErrorMessage(err)))
		return
	}
	u, err := s.cfg.Geo.FindUnitByPCode(r.Context(), pcode)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	parents, err := s.parentsOf(r, u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	children, err := s.cfg.Geo.FindUnits(r.Context(), geo.UnitFilter{Parent: u.PCode})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	alt := u.AltNames
	if alt == nil {
		alt = []geo.Name{}
	}
	writeJSON(w, http.StatusOK, adminUnit{
		unitSummary:   summarize(u),
		NameENCodab:   u.NameEN,
		Type:          u.Type,
		AreaKM2:       u.AreaKM2,
		Parent:        u.Parent,
		Parents:       parentChain(u, parents),
		ChildrenCount: len(children),
		BBox:          bbox(u.Bound),
		Label:         [2]float64{round6(u.Label[0]), round6(u.Label[1])},
		AltNames:      alt,
	})
}

// floatParam parses a required finite float query parameter.
func floatParam(r *http.Request, name string) (float64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, guccho.Errorf(guccho.EINVALID, "parameter %s: missing", name)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, guccho.Errorf(guccho.EINVALID, "parameter %s: %q is not a number", name, v)
	}
	return f, nil
}

// handleReverse answers GET /api/reverse?lon=…&lat=…: the unit containing the
// point at every level from division to union.
func (s *Server) handleReverse(w http.ResponseWriter, r *http.Request) {
	lon, err := floatParam(r, "lon")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lat, err := floatParam(r, "lat")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	place, err := s.cfg.Geo.Reverse(r.Context(), orb.Point{lon, lat})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"lon": lon, "lat": lat, "units": summarizeAll(place.Units())})
}

// geocodeResult is one entry of GET /api/geocode.
type geocodeResult struct {
	unitSummary
	Matched string        `json:"matched"`
	Score   float64       `json:"score"`
	Kind    string        `json:"kind"`
	Parents []unitSummary `json:"parents"`
	BBox    [4]float64    `json:"bbox"`
	Label   [2]float64    `json:"label"`
}

// handleGeocode answers GET /api/geocode?q=…[&limit=N][&level=L][&within=P]:
// units whose names match q in English or Bangla, best first, each with its
// parents so that repeated names can be told apart.
func (s *Server) handleGeocode(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	if text == "" {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter q: missing or empty"))
		return
	}
	if len(text) > 200 {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter q: longer than 200 bytes"))
		return
	}
	opt := geo.SearchOptions{Limit: 10}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter limit: %q is not a number from 1 to 50", v))
			return
		}
		opt.Limit = n
	}
	if v := q.Get("level"); v != "" {
		l, err := geo.ParseLevel(v)
		if err != nil {
			s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter level: %s", guccho.ErrorMessage(err)))
			return
		}
		opt.Level = &l
	}
	if v := q.Get("within"); v != "" {
		if _, err := geo.PCodeLevel(v); err != nil {
			s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter within: %s", guccho.ErrorMessage(err)))
			return
		}
		opt.Within = v
	}
	matches, err := s.cfg.Geo.Search(r.Context(), text, opt)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	units := make([]*geo.Unit, len(matches))
	for i, m := range matches {
		units[i] = m.Unit
	}
	parents, err := s.parentsOf(r, units...)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	results := make([]geocodeResult, 0, len(matches))
	for _, m := range matches {
		results = append(results, geocodeResult{
			unitSummary: summarize(m.Unit),
			Matched:     m.Name,
			Score:       math.Round(m.Score*1000) / 1000,
			Kind:        m.Kind,
			Parents:     parentChain(m.Unit, parents),
			BBox:        bbox(m.Unit.Bound),
			Label:       [2]float64{round6(m.Unit.Label[0]), round6(m.Unit.Label[1])},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": text, "results": results})
}
