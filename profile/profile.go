package profile

import (
	"cmp"
	"math"
	"slices"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo/stats"
)

// Profile describes the enterprises of an area. Shares and means are nil
// where their denominator is zero (nothing to divide), never NaN.
type Profile struct {
	Counts            // sums over the area
	Jobs     int      `json:"jobs"`
	MeanJobs *float64 `json:"mean_jobs"` // jobs per enterprise
	// SelfShare and WageShare divide self and wage jobs by all jobs.
	SelfShare *float64 `json:"self_share"`
	WageShare *float64 `json:"wage_share"`
	// FemaleShare divides female workers by the workers reported by gender.
	FemaleShare *float64 `json:"female_share"`
	// OwnerFemaleShare divides female owners by the owners whose gender is
	// known.
	OwnerFemaleShare *float64 `json:"owner_female_share"`
	// AwareShare and AdoptedShare divide by the enterprises that answered.
	AwareShare   *float64  `json:"recp_aware_share"`
	AdoptedShare *float64  `json:"recp_adopted_share"`
	Sectors      []Sector  `json:"sectors"`  // most enterprises first, then by code
	Barriers     []Barrier `json:"barriers"` // most named first, then by name
}

// Sector is one sector of an area's mix.
type Sector struct {
	Code        string   `json:"sector"`
	Enterprises int      `json:"enterprises"`
	Jobs        int      `json:"jobs"`
	Share       *float64 `json:"share"`     // of the area's enterprises
	JobShare    *float64 `json:"job_share"` // of the area's jobs
	// LQ and LQJobs are the location quotients of the sector's
	// enterprises and jobs in the area against the region (see New); nil
	// below the minimum count or where the region has none.
	LQ     *float64 `json:"lq"`
	LQJobs *float64 `json:"lq_jobs"`
}

// Barrier is one barrier named by an area's enterprises.
type Barrier struct {
	Barrier     string   `json:"barrier"`
	Enterprises int      `json:"enterprises"`
	Share       *float64 `json:"share"` // of all the area's enterprises (surveys do not say who was asked)
}

// New returns the profile of the area whose aggregates are area, with
// location quotients against region, the aggregates of a larger whole that
// includes the area (for an admin unit: every unit of its level, so that
// they equal the LQs of that level's table):
//
//	LQ_s = (e_s / e) / (E_s / E),
//
// e counting the area's enterprises (or jobs), E the region's. A sector
// with fewer than minCount enterprises (or jobs) in the area has no LQ, as
// in stats.LQ. An area that is not inside its region (some sector larger in
// the area) is an EINVALID error.
func New(area, region []Aggregate, minCount float64) (*Profile, error) {
	p := &Profile{Sectors: []Sector{}, Barriers: []Barrier{}}
	bySector := map[string]*Counts{}
	var codes []string
	for _, a := range area {
		p.Counts.Add(a.Counts)
		c := bySector[a.Sector]
		if c == nil {
			c = &Counts{}
			bySector[a.Sector] = c
			codes = append(codes, a.Sector)
		}
		c.Add(a.Counts)
	}
	whole := map[string]*Counts{}
	for _, a := range region {
		c := whole[a.Sector]
		if c == nil {
			c = &Counts{}
			whole[a.Sector] = c
		}
		c.Add(a.Counts)
	}
	// Two rows, the area and the rest of the region, give stats.LQ the
	// region's totals.
	counts := [][]float64{make([]float64, len(codes)), make([]float64, len(codes))}
	jobs := [][]float64{make([]float64, len(codes)), make([]float64, len(codes))}
	for s, code := range codes {
		in, all := bySector[code], whole[code]
		if all == nil || all.Enterprises < in.Enterprises || all.Jobs() < in.Jobs() {
			return nil, guccho.Errorf(guccho.EINVALID, "profile: sector %q has more enterprises or jobs in the area than in its region", code)
		}
		counts[0][s], counts[1][s] = float64(in.Enterprises), float64(all.Enterprises-in.Enterprises)
		jobs[0][s], jobs[1][s] = float64(in.Jobs()), float64(all.Jobs()-in.Jobs())
	}
	// The rest of the region holds the sectors the area lacks too.
	var restE, restJ float64
	for code, c := range whole {
		if bySector[code] == nil {
			restE += float64(c.Enterprises)
			restJ += float64(c.Jobs())
		}
	}
	counts[1] = append(counts[1], restE)
	counts[0] = append(counts[0], 0)
	jobs[1] = append(jobs[1], restJ)
	jobs[0] = append(jobs[0], 0)
	lq, err := stats.LQ(counts, minCount)
	if err != nil {
		return nil, err
	}
	lqJobs, err := stats.LQ(jobs, minCount)
	if err != nil {
		return nil, err
	}

	p.Jobs = p.Counts.Jobs()
	p.MeanJobs = ratio(p.Jobs, p.Enterprises)
	p.SelfShare = ratio(p.Self, p.Jobs)
	p.WageShare = ratio(p.Wage, p.Jobs)
	p.FemaleShare = ratio(p.Female, p.Female+p.Male)
	p.OwnerFemaleShare = ratio(p.OwnerFemale, p.OwnerFemale+p.OwnerMale+p.OwnerOther)
	p.AwareShare = ratio(p.Aware, p.AwareKnown)
	p.AdoptedShare = ratio(p.Adopted, p.AdoptedKnown)
	for s, code := range codes {
		c := bySector[code]
		p.Sectors = append(p.Sectors, Sector{Code: code, Enterprises: c.Enterprises, Jobs: c.Jobs(),
			Share: ratio(c.Enterprises, p.Enterprises), JobShare: ratio(c.Jobs(), p.Jobs),
			LQ: finite(lq[0][s]), LQJobs: finite(lqJobs[0][s])})
	}
	slices.SortFunc(p.Sectors, func(a, b Sector) int {
		return cmp.Or(cmp.Compare(b.Enterprises, a.Enterprises), cmp.Compare(a.Code, b.Code))
	})
	for b, n := range p.Counts.Barriers {
		p.Barriers = append(p.Barriers, Barrier{Barrier: b, Enterprises: n, Share: ratio(n, p.Enterprises)})
	}
	slices.SortFunc(p.Barriers, func(a, b Barrier) int {
		return cmp.Or(cmp.Compare(b.Enterprises, a.Enterprises), cmp.Compare(a.Barrier, b.Barrier))
	})
	return p, nil
}

// OfUnit returns the profile of the admin unit pcode from the aggregates
// of every unit of its level (Aggregator.AggregateEnterprises at that
// level): the unit's rows are the area and every row resolved to the level
// the region, so its LQs equal those of the level's LQ table (GET
// /api/stats/lq). Rows of enterprises not resolved to the level (Unit "")
// count in neither. A unit without enterprises has an empty profile.
func OfUnit(aggs []Aggregate, pcode string, minCount float64) (*Profile, error) {
	var area, region []Aggregate
	for _, a := range aggs {
		if a.Unit == "" {
			continue // not resolved to this level
		}
		region = append(region, a)
		if a.Unit == pcode {
			area = append(area, a)
		}
	}
	return New(area, region, minCount)
}

// ratio returns a/b, or nil when b is 0.
func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	v := float64(a) / float64(b)
	return &v
}

// finite returns &v, or nil for NaN and infinities.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
