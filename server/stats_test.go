package server_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
)

// The statistics fixture puts enterprises on the 3×3 grid of unions
// (columns: districts Barguna, Barisal, Bhola west to east; rows: Dakshin,
// Madhya, Uttar south to north), dairy counts
//
//	Uttar   0 0 0         footwear  0 0 3
//	Madhya  2 0 0                   0 1 0
//	Dakshin 4 2 0                   0 0 0
//
// so 8 of 12 enterprises are dairy (2/3) and the south-west corner holds
// four dairy enterprises and nothing else.
var statsFixture = []struct {
	union    string
	lon, lat float64
	dairy    int
	footwear int
}{
	{"BD10040911", 90.5, 22.5, 4, 0},
	{"BD10040913", 90.5, 23.5, 2, 0},
	{"BD10065111", 91.5, 22.5, 2, 0},
	{"BD10065113", 91.5, 23.5, 0, 1},
	{"BD10091815", 92.5, 24.5, 0, 3},
}

// statsServer serves the grid with the fixture's enterprises and returns an
// editor token and the server.
func statsServer(t *testing.T) (*httptest.Server, string, *server.Server) {
	t.Helper()
	return statsServerOver(t, func(s *embedded.Store) store.Store { return s })
}

// statsServerOver is statsServer over the store wrap makes of the embedded
// store.
func statsServerOver(t *testing.T, wrap func(*embedded.Store) store.Store) (*httptest.Server, string, *server.Server) {
	t.Helper()
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	g := &importer.Geocoders{Store: s, Version: s.BoundariesVersion}
	srv := server.New(server.Config{Store: wrap(s), Sectors: sectors, Geocoders: g})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close() })
	tok, secret, _ := guccho.NewToken(guccho.RoleEditor, "test")
	if err := s.CreateToken(ctx, tok, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range statsFixture {
		for i := 0; i < f.dairy+f.footwear; i++ {
			sector := "dairy"
			if i >= f.dairy {
				sector = "footwear_leather"
			}
			n++
			body := fmt.Sprintf(`{"id":"S%d","name":"Enterprise %[1]d","sector":%q,"gps":[%g,%g],"employment":{"self":1,"wage":%d}}`, n, sector, f.lon, f.lat, i)
			if r := do(t, "POST", ts.URL+"/api/enterprises", secret, "application/json", strings.NewReader(body)); r.status != http.StatusCreated {
				t.Fatalf("creating %s: %d %s", body, r.status, r.body)
			}
		}
	}
	return ts, secret, srv
}

type statsUnit struct {
	PCode    string   `json:"pcode"`
	NameEN   string   `json:"name_en"`
	Value    float64  `json:"value"`
	Total    *float64 `json:"total"`
	LQ       *float64 `json:"lq"`
	Stat     *float64 `json:"stat"`
	Z        *float64 `json:"z"`
	PNorm    *float64 `json:"p_norm"`
	PSim     *float64 `json:"p_sim"`
	PAdj     *float64 `json:"p_adj"`
	Quadrant string   `json:"quadrant"`
	Class    string   `json:"class"`
}

type statsAnswer struct {
	Parameters map[string]any `json:"parameters"`
	Weights    *struct {
		Units, Links int
		Islands      []string
	} `json:"weights"`
	Global *struct {
		Statistic string   `json:"statistic"`
		Value     *float64 `json:"value"`
		Expected  *float64 `json:"expected"`
		PSim      *float64 `json:"p_sim"`
	} `json:"global"`
	Unassigned float64     `json:"unassigned"`
	Units      []statsUnit `json:"units"`
}

func (a statsAnswer) unit(t *testing.T, pcode string) statsUnit {
	t.Helper()
	for _, u := range a.Units {
		if u.PCode == pcode {
			return u
		}
	}
	t.Fatalf("no unit %s in the answer", pcode)
	return statsUnit{}
}

func getStats(t *testing.T, url string) (statsAnswer, response) {
	t.Helper()
	r := get(t, url)
	var a statsAnswer
	decode(t, r, &a)
	return a, r
}

func near(got *float64, want float64) bool { return got != nil && math.Abs(*got-want) < 1e-9 }

func TestStatsLQ(t *testing.T) {
	ts, _, _ := statsServer(t)
	a, _ := getStats(t, ts.URL+"/api/stats/lq?sector=dairy&level=union&min_count=1")
	if len(a.Units) != 9 || a.Parameters["min_count"] != 1.0 || a.Parameters["level"] != "union" {
		t.Fatalf("answer %+v: want 9 unions and the parameters used", a)
	}
	cases := []struct {
		union string
		value float64
		lq    *float64 // nil: no LQ
	}{
		{"BD10040911", 4, ptr(1.5)}, // (4/4)/(8/12)
		{"BD10040913", 2, ptr(1.5)}, // (2/2)/(8/12)
		{"BD10065113", 0, nil},      // no dairy: below min_count 1
		{"BD10091815", 0, nil},      // footwear only
		{"BD10091811", 0, nil},      // no enterprises at all
	}
	for _, c := range cases {
		u := a.unit(t, c.union)
		if u.Value != c.value || (c.lq == nil) != (u.LQ == nil) || (c.lq != nil && !near(u.LQ, *c.lq)) {
			t.Errorf("%s: value %v lq %v, want %v %v", c.union, u.Value, deref(u.LQ), c.value, deref(c.lq))
		}
	}

	// Jobs are 1 + i for the i-th enterprise of a union: Barguna has dairy
	// jobs 1+2+3+4 and 1+2 = 13 and nothing else, all districts 16 dairy
	// jobs of 13 + (1+2) + 1 + (1+2+3) = 23.
	j, _ := getStats(t, ts.URL+"/api/stats/lq?sector=dairy&level=district&measure=jobs&min_count=1")
	if b := j.unit(t, "BD1004"); b.Value != 13 || !near(b.Total, 13) || !near(b.LQ, 23.0/16) {
		t.Errorf("Barguna dairy jobs %v of %v, lq %v; want 13 of 13, lq 23/16", b.Value, deref(b.Total), deref(b.LQ))
	}
}

func ptr(v float64) *float64 { return &v }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// queenGrid lists the queen neighbours of the grid's unions by hand.
func queenGrid() (ids []string, nbrs map[string][]string) {
	cols := []string{"BD100409", "BD100651", "BD100918"}
	rows := []string{"11", "13", "15"}
	nbrs = map[string][]string{}
	for c := range cols {
		for r := range rows {
			id := cols[c] + rows[r]
			ids = append(ids, id)
			for dc := -1; dc <= 1; dc++ {
				for dr := -1; dr <= 1; dr++ {
					if (dc != 0 || dr != 0) && c+dc >= 0 && c+dc < 3 && r+dr >= 0 && r+dr < 3 {
						nbrs[id] = append(nbrs[id], cols[c+dc]+rows[r+dr])
					}
				}
			}
		}
	}
	return ids, nbrs
}

func TestStatsMoranMatchesADenseComputation(t *testing.T) {
	ts, _, _ := statsServer(t)
	a, _ := getStats(t, ts.URL+"/api/stats/moran?sector=dairy&level=union&permutations=99&seed=3")
	ids, nbrs := queenGrid()
	y := map[string]float64{}
	for _, u := range a.Units {
		y[u.PCode] = u.Value
	}
	// I = n/S0 · Σ_ij w_ij z_i z_j / Σ z², row-standardised: S0 = n.
	var mean float64
	for _, id := range ids {
		mean += y[id] / 9
	}
	var num, den float64
	for _, i := range ids {
		den += (y[i] - mean) * (y[i] - mean)
		for _, j := range nbrs[i] {
			num += (y[i] - mean) * (y[j] - mean) / float64(len(nbrs[i]))
		}
	}
	if a.Global == nil || !near(a.Global.Value, num/den) || !near(a.Global.Expected, -1.0/8) {
		t.Fatalf("global %+v, want I = %v, E[I] = -1/8", a.Global, num/den)
	}
	if a.Global.PSim == nil || *a.Global.PSim < 0.01 || *a.Global.PSim > 1 {
		t.Errorf("p_sim %v with 99 permutations, want in [0.01, 1]", deref(a.Global.PSim))
	}
	if a.Weights == nil || a.Weights.Units != 9 || a.Weights.Links != 40 || len(a.Weights.Islands) != 0 {
		t.Errorf("weights %+v, want 9 unions with 40 queen links", a.Weights)
	}
	b, _ := getStats(t, ts.URL+"/api/stats/moran?sector=dairy&level=union&permutations=99&seed=3")
	if *b.Global.PSim != *a.Global.PSim {
		t.Errorf("the same seed gave p_sim %v and %v", *a.Global.PSim, *b.Global.PSim)
	}
}

func TestStatsLocalMoran(t *testing.T) {
	ts, _, _ := statsServer(t)
	a, _ := getStats(t, ts.URL+"/api/stats/local-moran?sector=dairy&level=union&permutations=0&alpha=0.5")
	// The corner: 4 enterprises, neighbours 2, 2, 0 (lag 4/3 above the
	// mean 8/9): high-high. The north-east corner: 0, neighbours 0, 0, 1
	// footwear but 0 dairy: low-low.
	sw, ne := a.unit(t, "BD10040911"), a.unit(t, "BD10091815")
	if sw.Quadrant != "HH" || ne.Quadrant != "LL" {
		t.Errorf("quadrants %s %s, want HH LL", sw.Quadrant, ne.Quadrant)
	}
	if sw.PSim != nil || !near(sw.PAdj, *sw.PNorm) {
		t.Errorf("without permutations p_adj %v, want p_norm %v and no p_sim", deref(sw.PAdj), deref(sw.PNorm))
	}
	if want := map[bool]string{true: "HH", false: "ns"}[*sw.PAdj <= 0.5]; sw.Class != want {
		t.Errorf("class %s with p_adj %v, alpha 0.5; want %s", sw.Class, *sw.PAdj, want)
	}

	f, _ := getStats(t, ts.URL+"/api/stats/local-moran?sector=dairy&level=union&permutations=0&fdr=true")
	// Benjamini–Hochberg: the smallest p is multiplied by m = 9 at most and
	// at least by 1; no q is below its p.
	for i, u := range f.Units {
		if *u.PAdj < *u.PNorm-1e-12 {
			t.Errorf("%s: q %v below p %v", u.PCode, *u.PAdj, *u.PNorm)
		}
		if *u.PNorm != *a.Units[i].PNorm {
			t.Errorf("%s: fdr changed p_norm", u.PCode)
		}
	}
	minP, minQ := 1.0, 1.0
	for _, u := range f.Units {
		if *u.PNorm < minP {
			minP, minQ = *u.PNorm, *u.PAdj
		}
	}
	if minQ > 9*minP+1e-12 || minQ == minP {
		t.Errorf("smallest p %v became q %v; want between p and 9p, and changed", minP, minQ)
	}
}

func TestStatsHotspots(t *testing.T) {
	ts, _, _ := statsServer(t)
	a, _ := getStats(t, ts.URL+"/api/stats/hotspots?sector=dairy&level=union&permutations=0")
	// Gi* row-standardised: the corner has 3 neighbours and itself, weights
	// 1/4: (4+2+2+0)/4 / 8 = 0.25.
	sw := a.unit(t, "BD10040911")
	if !near(sw.Stat, 0.25) || *sw.Z <= 0 {
		t.Errorf("Gi* of the corner %v (z %v), want 0.25 and z > 0", deref(sw.Stat), deref(sw.Z))
	}
	if ne := a.unit(t, "BD10091815"); *ne.Z >= 0 || (ne.Class != "ns" && ne.Class != "cold") {
		t.Errorf("north-east corner z %v class %s, want z < 0, cold or ns", *ne.Z, ne.Class)
	}
	if a.Global == nil || a.Global.Statistic != "getis_ord_g" {
		t.Errorf("global %+v, want Getis-Ord G", a.Global)
	}
	// Gi without the unit itself: (2+2+0)/3 / (8−4) = 1/3.
	g, _ := getStats(t, ts.URL+"/api/stats/hotspots?sector=dairy&level=union&permutations=0&star=false")
	if sw := g.unit(t, "BD10040911"); !near(sw.Stat, 1.0/3) {
		t.Errorf("Gi of the corner %v, want 1/3", deref(sw.Stat))
	}
	// knn weights with k=2, all sectors.
	k, r := getStats(t, ts.URL+"/api/stats/hotspots?level=union&weights=knn&k=2&permutations=9")
	if r.status != http.StatusOK || k.Weights == nil || k.Weights.Links != 18 || len(k.Units) != 9 || k.Units[0].PSim == nil {
		t.Fatalf("knn k=2 over 9 unions: %d %s", r.status, r.body)
	}
}

func TestStatsParameterErrors(t *testing.T) {
	ts, _, _ := statsServer(t)
	cases := []struct {
		name, query, param string
	}{
		{"permutations above 99,999", "hotspots?sector=dairy&permutations=100000", "permutations"},
		{"negative permutations", "moran?sector=dairy&permutations=-1", "permutations"},
		{"unknown sector", "moran?sector=rickshaws", "sector"},
		{"unknown level", "moran?sector=dairy&level=ward", "level"},
		{"division level", "moran?sector=dairy&level=division", "level"},
		{"unknown measure", "moran?sector=dairy&measure=profit", "measure"},
		{"unknown weights", "moran?sector=dairy&weights=gabriel", "weights"},
		{"k too large", "moran?sector=dairy&level=union&weights=knn&k=9", "k"},
		{"too few units (3 districts)", "moran?sector=dairy&level=district", "level"},
		{"k not a number", "moran?sector=dairy&weights=knn&k=six", "k"},
		{"k without knn", "moran?sector=dairy&k=3", "k"},
		{"distance without a band", "moran?sector=dairy&weights=distance", "band_km"},
		{"zero variance", "local-moran?sector=rice_milling&level=union", "sector"},
		{"lq without a sector", "lq", "sector"},
		{"min_count not a number", "lq?sector=dairy&min_count=NaN", "min_count"},
		{"unknown parameter", "moran?sector=dairy&permutation=9", "permutation"},
		{"fdr not a bool", "hotspots?sector=dairy&fdr=maybe", "fdr"},
		{"alpha out of range", "hotspots?sector=dairy&alpha=1.5", "alpha"},
		{"seed negative", "hotspots?sector=dairy&seed=-1", "seed"},
		{"transform", "hotspots?sector=dairy&transform=x", "transform"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/stats/"+c.query), http.StatusBadRequest, "invalid", "parameter "+c.param)
		})
	}
}

func TestStatsCacheIsDroppedWhenEnterprisesChange(t *testing.T) {
	ts, token, srv := statsServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub, err := srv.Hub().Subscribe(ctx, live.Filter{Topics: []string{live.TopicClusters}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	url := ts.URL + "/api/stats/lq?sector=dairy&level=union&min_count=1"
	a, r1 := getStats(t, url)
	if r1.header.Get("X-Cache") != "miss" {
		t.Errorf("first answer X-Cache %q, want miss", r1.header.Get("X-Cache"))
	}
	// The fixture's own writes reach the hub's listener asynchronously and
	// may drop the first answer once more; wait until an answer stays.
	for deadline := time.Now().Add(5 * time.Second); ; {
		_, r2 := getStats(t, url)
		if r2.header.Get("X-Cache") == "hit" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("X-Cache %q on every repeat, want hit", r2.header.Get("X-Cache"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	body := `{"id":"NEW","name":"New dairy","sector":"dairy","gps":[92.5,24.5],"employment":{"self":1}}`
	if r := do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(body)); r.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	b, r3 := getStats(t, url)
	if r3.header.Get("X-Cache") != "miss" || b.unit(t, "BD10091815").Value != a.unit(t, "BD10091815").Value+1 {
		t.Errorf("after adding a dairy enterprise: X-Cache %q, value %v; want miss and %v",
			r3.header.Get("X-Cache"), b.unit(t, "BD10091815").Value, a.unit(t, "BD10091815").Value+1)
	}
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("no %s event on the clusters topic: %v", profile.EventStale, err)
		}
		if m.Type == live.MessageEvent {
			if m.Event.Type != profile.EventStale || !strings.Contains(string(m.Event.Payload), guccho.EventEnterprisesChanged) {
				t.Errorf("clusters event %s %s, want %s caused by %s", m.Event.Type, m.Event.Payload, profile.EventStale, guccho.EventEnterprisesChanged)
			}
			break
		}
	}
}

func TestProfile(t *testing.T) {
	ts, _, _ := statsServer(t)
	var p struct {
		Unit struct {
			PCode  string `json:"pcode"`
			NameEN string `json:"name_en"`
		}
		Enterprises int      `json:"enterprises"`
		Jobs        int      `json:"jobs"`
		MeanJobs    *float64 `json:"mean_jobs"`
		SelfShare   *float64 `json:"self_share"`
		Sectors     []struct {
			Sector      string   `json:"sector"`
			Enterprises int      `json:"enterprises"`
			LQ          *float64 `json:"lq"`
		}
	}
	// Barguna district: dairy 4 + 2, jobs (1+2+3+4) + (1+2) = 13, 6 of them self.
	decode(t, get(t, ts.URL+"/api/profile/BD1004?min_count=1"), &p)
	if p.Unit.PCode != "BD1004" || p.Enterprises != 6 || p.Jobs != 13 || !near(p.MeanJobs, 13.0/6) || !near(p.SelfShare, 6.0/13) {
		t.Errorf("profile of Barguna %+v", p)
	}
	// 6 of 6 dairy against 8 of 12 in all districts.
	if len(p.Sectors) != 1 || p.Sectors[0].Sector != "dairy" || !near(p.Sectors[0].LQ, 1.5) {
		t.Errorf("sectors %+v, want dairy with LQ 1.5", p.Sectors)
	}
	// The profile's LQ equals the stats endpoint's at the same level.
	lq, _ := getStats(t, ts.URL+"/api/stats/lq?sector=dairy&level=district&min_count=1")
	if u := lq.unit(t, "BD1004"); !near(u.LQ, *p.Sectors[0].LQ) {
		t.Errorf("stats lq %v, profile lq %v", deref(u.LQ), *p.Sectors[0].LQ)
	}

	wantError(t, get(t, ts.URL+"/api/profile/BD1"), http.StatusBadRequest, "invalid", "parameter pcode")
	wantError(t, get(t, ts.URL+"/api/profile/IN10"), http.StatusBadRequest, "invalid", "parameter pcode")
	wantError(t, get(t, ts.URL+"/api/profile/BD1004?min_count=-1"), http.StatusBadRequest, "invalid", "parameter min_count")
	wantError(t, get(t, ts.URL+"/api/profile/BD1004?min_count=NaN"), http.StatusBadRequest, "invalid", "parameter min_count")
	wantError(t, get(t, ts.URL+"/api/profile/BD1099"), http.StatusNotFound, "not_found", "")
}
