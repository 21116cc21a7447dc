package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/geo/stats"
	"github.com/guccho/guccho/profile"
)

// Limits and defaults of the statistics' parameters.
const (
	maxPermutations     = 99_999
	defaultPermutations = 999
	defaultMinCount     = 5 // as guccho stats lq --min-count
	defaultK            = 6
	defaultAlpha        = 0.05
)

// statsRoutes adds GET /api/stats/{lq,moran,local-moran,hotspots} and GET
// /api/profile/{pcode} when the enterprise store can sum enterprises per
// unit (profile.Aggregator), and drops cached statistics on every change of
// enterprises or boundaries the hub reports (the aggregates of single
// units profiles read are checked against the event log instead: see
// unitAggregates).
func (s *Server) statsRoutes(api *mux.Router) {
	agg, ok := s.cfg.Enterprises.(profile.Aggregator)
	if !ok {
		return
	}
	s.stats = newStatsCache(agg)
	if s.hub != nil {
		s.hub.OnEvent(s.dropStats)
	}
	for _, name := range []string{"lq", "moran", "local-moran", "hotspots"} {
		api.Handle("/stats/"+name, readOnly(func(w http.ResponseWriter, r *http.Request) { s.handleStats(w, r, name) }))
	}
	api.Handle("/profile/{pcode}", readOnly(s.handleProfile))
}

// statsParams are the parameters of a statistics request, defaults filled.
type statsParams struct {
	Statistic    string  `json:"statistic"`
	Sector       string  `json:"sector"` // "" for all sectors (not for lq)
	Measure      string  `json:"measure"`
	Level        string  `json:"level"`
	Weights      string  `json:"weights,omitempty"`
	K            int     `json:"k,omitempty"`
	BandKM       float64 `json:"band_km,omitempty"`
	Transform    string  `json:"transform,omitempty"`
	Permutations int     `json:"permutations"`
	Seed         uint64  `json:"seed"`
	FDR          bool    `json:"fdr"`
	Alpha        float64 `json:"alpha"`
	Star         *bool   `json:"star,omitempty"`      // hotspots: Gi* (true) or Gi
	MinCount     float64 `json:"min_count,omitempty"` // lq

	level geo.Level
}

// statsParamNames lists the parameters each statistic accepts.
var statsParamNames = map[string][]string{
	"lq":          {"sector", "measure", "level", "min_count"},
	"moran":       {"sector", "measure", "level", "weights", "k", "band_km", "transform", "permutations", "seed"},
	"local-moran": {"sector", "measure", "level", "weights", "k", "band_km", "transform", "permutations", "seed", "fdr", "alpha"},
	"hotspots":    {"sector", "measure", "level", "weights", "k", "band_km", "transform", "permutations", "seed", "fdr", "alpha", "star"},
}

func badParam(name, format string, args ...any) error {
	return guccho.Errorf(guccho.EINVALID, "parameter %s: %s", name, fmt.Sprintf(format, args...))
}

// parseStatsParams reads and checks the query of a statistics request; every
// error is EINVALID and names the parameter.
func (s *Server) parseStatsParams(statistic string, q url.Values) (statsParams, error) {
	p := statsParams{Statistic: statistic, Measure: "count", Level: "upazila", Permutations: defaultPermutations, Seed: 1, Alpha: defaultAlpha}
	allowed := statsParamNames[statistic]
	for name := range q {
		if !slices.Contains(allowed, name) {
			return p, badParam(name, "unknown for %s (use %s)", statistic, strings.Join(slices.Concat(allowed, []string{"format"}), ", "))
		}
	}
	has := func(name string) bool { return q.Has(name) }

	if v := q.Get("sector"); v != "" {
		code := v
		if s.cfg.Sectors != nil {
			sec, ok := s.cfg.Sectors.Lookup(v)
			if !ok {
				return p, badParam("sector", "%q is not in the sector catalogue (GET /api/sectors)", v)
			}
			code = sec.Code
		}
		p.Sector = code
	} else if statistic == "lq" {
		return p, badParam("sector", "required for lq")
	}
	if has("measure") {
		p.Measure = q.Get("measure")
		if p.Measure != "count" && p.Measure != "jobs" {
			return p, badParam("measure", "%q: want count or jobs", p.Measure)
		}
	}
	if has("level") {
		p.Level = q.Get("level")
	}
	switch p.Level {
	case "district", "upazila", "union":
		p.level, _ = geo.ParseLevel(p.Level)
	default:
		return p, badParam("level", "%q: want district, upazila or union", p.Level)
	}

	if statistic == "lq" {
		p.MinCount = defaultMinCount
		if has("min_count") {
			v, err := strconv.ParseFloat(q.Get("min_count"), 64)
			if err != nil || !(v >= 0) || math.IsInf(v, 0) { // NaN too
				return p, badParam("min_count", "%q: want a number ≥ 0", q.Get("min_count"))
			}
			p.MinCount = v
		}
		p.Permutations, p.Seed, p.Alpha = 0, 0, 0
		return p, nil
	}

	p.Weights = "queen"
	if has("weights") {
		p.Weights = q.Get("weights")
	}
	switch p.Weights {
	case "queen", "rook":
		if has("k") || has("band_km") {
			return p, badParam(map[bool]string{true: "k", false: "band_km"}[has("k")], "only for weights=knn (k) or weights=distance (band_km)")
		}
	case "knn":
		p.K = defaultK
		if has("k") {
			k, err := strconv.Atoi(q.Get("k"))
			if err != nil || k < 1 {
				return p, badParam("k", "%q: want a whole number ≥ 1", q.Get("k"))
			}
			p.K = k
		}
	case "distance":
		v, err := strconv.ParseFloat(q.Get("band_km"), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return p, badParam("band_km", "%q: weights=distance needs a band in km > 0", q.Get("band_km"))
		}
		p.BandKM = v
	default:
		return p, badParam("weights", "%q: want queen, rook, knn or distance", p.Weights)
	}
	p.Transform = "r"
	if has("transform") {
		p.Transform = q.Get("transform")
		if p.Transform != "r" && p.Transform != "b" {
			return p, badParam("transform", "%q: want r (row-standardised) or b (binary)", p.Transform)
		}
	}
	if has("permutations") {
		n, err := strconv.Atoi(q.Get("permutations"))
		if err != nil || n < 0 || n > maxPermutations {
			return p, badParam("permutations", "%q: want a whole number from 0 to %d", q.Get("permutations"), maxPermutations)
		}
		p.Permutations = n
	}
	if has("seed") {
		v, err := strconv.ParseUint(q.Get("seed"), 10, 64)
		if err != nil {
			return p, badParam("seed", "%q: want a whole number ≥ 0", q.Get("seed"))
		}
		p.Seed = v
	}
	if has("fdr") {
		v, err := strconv.ParseBool(q.Get("fdr"))
		if err != nil {
			return p, badParam("fdr", "%q: want true or false", q.Get("fdr"))
		}
		p.FDR = v
	}
	if has("alpha") {
		v, err := strconv.ParseFloat(q.Get("alpha"), 64)
		if err != nil || !(v > 0 && v < 1) {
			return p, badParam("alpha", "%q: want a significance level between 0 and 1", q.Get("alpha"))
		}
		p.Alpha = v
	}
	if statistic == "hotspots" {
		star := true
		if has("star") {
			v, err := strconv.ParseBool(q.Get("star"))
			if err != nil {
				return p, badParam("star", "%q: want true (Gi*) or false (Gi)", q.Get("star"))
			}
			star = v
		}
		p.Star = &star
	}
	if statistic == "moran" {
		p.Alpha = 0 // no per-unit significance
	}
	return p, nil
}

// key is the cache key of the parameter set.
func (p statsParams) key() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// statsUnit is one unit of a statistics answer. Numbers a statistic does not
// define for the unit are null.
type statsUnit struct {
	unitSummary
	Value float64  `json:"value"`           // enterprises or jobs of the sector
	Total *float64 `json:"total,omitempty"` // lq: enterprises or jobs of every sector
	LQ    *float64 `json:"lq,omitempty"`

	Stat     *float64 `json:"stat,omitempty"` // I_i, G_i or G*_i
	Expected *float64 `json:"expected,omitempty"`
	Z        *float64 `json:"z,omitempty"`
	PNorm    *float64 `json:"p_norm,omitempty"` // one-sided analytic p
	PSim     *float64 `json:"p_sim,omitempty"`  // permutation p (when permutations > 0)
	// PAdj is the p-value significance is judged by: p_sim, or p_norm
	// without permutations, after Benjamini–Hochberg when fdr=true.
	PAdj     *float64 `json:"p_adj,omitempty"`
	Quadrant string   `json:"quadrant,omitempty"` // local-moran: HH, LH, LL, HL
	// Class is the quadrant (local-moran) or hot/cold (hotspots) where
	// p_adj ≤ alpha, else "ns".
	Class string `json:"class,omitempty"`
}

// statsGlobal is a global test in an answer.
type statsGlobal struct {
	Statistic    string   `json:"statistic"` // "moran_i" or "getis_ord_g"
	Value        *float64 `json:"value"`
	Expected     *float64 `json:"expected"`
	VarNorm      *float64 `json:"var_norm"`
	VarRand      *float64 `json:"var_rand"`
	ZNorm        *float64 `json:"z_norm"`
	ZRand        *float64 `json:"z_rand"`
	PNorm        *float64 `json:"p_norm"`
	PRand        *float64 `json:"p_rand"`
	Permutations int      `json:"permutations"`
	PSim         *float64 `json:"p_sim"`
	ZSim         *float64 `json:"z_sim"`
}

func globalOf(name string, g stats.Global) *statsGlobal {
	out := &statsGlobal{Statistic: name, Value: num(g.Stat), Expected: num(g.Expected), VarNorm: num(g.VarNorm),
		VarRand: num(g.VarRand), ZNorm: num(g.ZNorm), ZRand: num(g.ZRand), PNorm: num(g.PNorm), PRand: num(g.PRand),
		Permutations: g.Permutations}
	if g.Permutations > 0 {
		out.PSim, out.ZSim = num(g.PSim), num(g.ZSim)
	}
	return out
}

// weightsSummary describes the weights used.
type weightsSummary struct {
	Units       int      `json:"units"`
	Links       int      `json:"links"`
	Islands     []string `json:"islands"`
	Asymmetries int      `json:"asymmetries"`
}

// statsAnswer is the answer of GET /api/stats/….
type statsAnswer struct {
	Parameters statsParams     `json:"parameters"`
	Weights    *weightsSummary `json:"weights,omitempty"`
	Global     *statsGlobal    `json:"global,omitempty"`
	// Unassigned counts the enterprises (or jobs) of the sector not resolved
	// to the level, which no unit holds.
	Unassigned float64     `json:"unassigned"`
	Units      []statsUnit `json:"units"`
}

// num returns &v, or nil where v is NaN or infinite (JSON has neither).
func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// handleStats answers GET /api/stats/{lq,moran,local-moran,hotspots}: JSON,
// or with format=csv|geojson|gpkg a download of the units (exportStats).
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request, statistic string) {
	q := r.URL.Query()
	format, err := statsFormat(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.parseStatsParams(statistic, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if format != "json" {
		s.exportStats(w, r, p, format)
		return
	}
	v := s.statsVersions()
	key := p.key()
	if b, ok := s.stats.result(key); ok {
		writeEncoded(w, b, "hit")
		return
	}
	ans, err := s.computeStats(r, v, p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ans); err != nil {
		s.writeError(w, r, guccho.WrapError(err, guccho.EINTERNAL, "encoding statistics"))
		return
	}
	s.stats.putResult(v, key, buf.Bytes())
	writeEncoded(w, buf.Bytes(), "miss")
}

// writeEncoded writes a cached or fresh JSON answer; X-Cache says which.
func writeEncoded(w http.ResponseWriter, b []byte, cache string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Cache", cache)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// values returns the sector's measure per unit of lu, the same over every
// sector (the LQ's denominator), and what no unit holds.
func values(aggs []profile.Aggregate, lu *levelUnits, sector, measure string) (y, total []float64, unassigned float64) {
	y, total = make([]float64, len(lu.units)), make([]float64, len(lu.units))
	for _, a := range aggs {
		x := float64(a.Enterprises)
		if measure == "jobs" {
			x = float64(a.Jobs())
		}
		i, ok := lu.index[a.Unit]
		if !ok {
			if sector == "" || a.Sector == sector {
				unassigned += x
			}
			continue
		}
		total[i] += x
		if sector == "" || a.Sector == sector {
			y[i] += x
		}
	}
	return y, total, unassigned
}

func (s *Server) computeStats(r *http.Request, v versions, p statsParams) (*statsAnswer, error) {
	ctx := r.Context()
	lu, err := s.unitsAt(ctx, v, p.level)
	if err != nil {
		return nil, err
	}
	if len(lu.units) < 4 && p.Statistic != "lq" {
		return nil, badParam("level", "%d %ss in the boundary set; the statistic needs at least 4", len(lu.units), p.Level)
	}
	aggs, err := s.jobsAt(ctx, v, p.level)
	if err != nil {
		return nil, err
	}
	y, total, unassigned := values(aggs, lu, p.Sector, p.Measure)
	ans := &statsAnswer{Parameters: p, Unassigned: unassigned, Units: make([]statsUnit, len(lu.units))}
	for i, u := range lu.units {
		ans.Units[i] = statsUnit{unitSummary: u, Value: y[i]}
	}

	if p.Statistic == "lq" {
		return ans, fillLQ(ans, y, total, p.MinCount)
	}

	if constant(y) {
		what := "all enterprises"
		if p.Sector != "" {
			what = fmt.Sprintf("sector %q", p.Sector)
		}
		return nil, badParam("sector", "%s has the same %s (%g) in every %s: zero variance, the statistic is undefined (measure=%s)",
			what, p.Measure, y[0], p.Level, p.Measure)
	}
	w, err := s.weightsFor(ctx, v, weightsKey{level: p.level, kind: p.Weights, k: p.K, bandKM: p.BandKM}, lu)
	if err != nil {
		// k or the band may not fit the units (k ≥ n); contiguity has
		// no parameter to blame.
		if param := map[string]string{"knn": "k", "distance": "band_km"}[p.Weights]; param != "" && guccho.ErrorCode(err) == guccho.EINVALID {
			return nil, badParam(param, "%s", guccho.ErrorMessage(err))
		}
		return nil, err
	}
	ans.Weights = &weightsSummary{Units: w.N(), Links: len(w.Neighbors), Islands: []string{}, Asymmetries: len(w.Asymmetries())}
	for _, i := range w.Islands() {
		ans.Weights.Islands = append(ans.Weights.Islands, w.IDs[i])
	}
	opt := stats.Options{Transform: stats.Transform(p.Transform[0]), Permutations: p.Permutations}
	newRand := func() *rand.Rand { return rand.New(rand.NewPCG(p.Seed, 0)) }

	switch p.Statistic {
	case "moran":
		opt.Rand = newRand()
		g, err := stats.Moran(y, w, opt)
		if err != nil {
			return nil, err
		}
		ans.Global = globalOf("moran_i", g)
	case "local-moran":
		opt.Rand = newRand()
		g, err := stats.Moran(y, w, opt)
		if err != nil {
			return nil, err
		}
		ans.Global = globalOf("moran_i", g)
		opt.Rand = newRand()
		l, err := stats.LocalMoran(y, w, opt)
		if err != nil {
			return nil, err
		}
		padj := significance(l, p)
		for i := range ans.Units {
			u := &ans.Units[i]
			fillLocal(u, l, i, padj)
			u.Quadrant = l.Quadrant[i].String()
			u.Class = "ns"
			if padj[i] <= p.Alpha {
				u.Class = u.Quadrant
			}
		}
	case "hotspots":
		// Global G is undefined with fewer than two non-zero values; the
		// local statistics are not, so the answer then has no global part.
		gopt := opt
		gopt.Rand = newRand()
		if g, err := stats.G(y, w, gopt); err == nil {
			ans.Global = globalOf("getis_ord_g", g)
		}
		opt.Rand = newRand()
		l, err := stats.LocalG(y, w, *p.Star, opt)
		if err != nil {
			return nil, err
		}
		padj := significance(l, p)
		for i := range ans.Units {
			u := &ans.Units[i]
			fillLocal(u, l, i, padj)
			u.Class = "ns"
			if padj[i] <= p.Alpha {
				u.Class = map[bool]string{true: "hot", false: "cold"}[l.Z[i] > 0]
			}
		}
	}
	return ans, nil
}

// fillLQ sets each unit's total and location quotient.
func fillLQ(ans *statsAnswer, y, total []float64, minCount float64) error {
	// Two sectors per unit, the one asked and the rest, give stats.LQ the
	// region's totals.
	table := make([][]float64, len(y))
	for i := range y {
		table[i] = []float64{y[i], total[i] - y[i]}
	}
	lq, err := stats.LQ(table, minCount)
	if err != nil {
		return err
	}
	for i := range ans.Units {
		ans.Units[i].Total = &total[i]
		ans.Units[i].LQ = num(lq[i][0])
	}
	return nil
}

// significance returns the p-values significance is judged by: the
// permutation p-values when there are any, else the analytic ones, adjusted
// by Benjamini–Hochberg when p.FDR.
func significance(l stats.Local, p statsParams) []float64 {
	raw := l.P
	if l.PSim != nil {
		raw = l.PSim
	}
	if p.FDR {
		return stats.Adjust(raw, stats.BH)
	}
	return slices.Clone(raw)
}

func fillLocal(u *statsUnit, l stats.Local, i int, padj []float64) {
	u.Stat, u.Expected, u.Z, u.PNorm, u.PAdj = num(l.Stat[i]), num(l.Expected[i]), num(l.Z[i]), num(l.P[i]), num(padj[i])
	if l.PSim != nil {
		u.PSim = num(l.PSim[i])
	}
}

// constant reports whether every value of y is the same.
func constant(y []float64) bool {
	for _, v := range y[1:] {
		if v != y[0] {
			return false
		}
	}
	return true
}
