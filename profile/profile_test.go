package profile_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
)

// region is a hand-checkable country of two unions:
//
//	U1: 3 dairy (jobs 2+2+2 self, 0+1+3 wage), 1 footwear (1 self, 5 wage)
//	U2: 1 dairy (1 self), 3 footwear (3 self, 9 wage)
//
// so dairy is 4 of 8 enterprises nationally and 3 of 4 in U1: LQ 1.5.
func region() []profile.Aggregate {
	return []profile.Aggregate{
		{Unit: "U1", Sector: "dairy", Counts: profile.Counts{Enterprises: 3, Self: 6, Wage: 4,
			GenderReported: 2, Female: 3, Male: 5, OwnerFemale: 2, OwnerMale: 1,
			AwareKnown: 3, Aware: 2, AdoptedKnown: 2, Adopted: 1, Barriers: map[string]int{"credit": 2, "power": 1}}},
		{Unit: "U1", Sector: "footwear", Counts: profile.Counts{Enterprises: 1, Self: 1, Wage: 5,
			OwnerOther: 1, AwareKnown: 1, Barriers: map[string]int{"credit": 1}}},
		{Unit: "U2", Sector: "dairy", Counts: profile.Counts{Enterprises: 1, Self: 1}},
		{Unit: "U2", Sector: "footwear", Counts: profile.Counts{Enterprises: 3, Self: 3, Wage: 9}},
	}
}

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func TestProfileOfOneUnit(t *testing.T) {
	all := region()
	p, err := profile.New(all[:2], all, 1)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"enterprises", float64(p.Enterprises), 4},
		{"jobs", float64(p.Jobs), 16},
		{"mean jobs", val(p.MeanJobs), 4},
		{"self share", val(p.SelfShare), 7.0 / 16},
		{"wage share", val(p.WageShare), 9.0 / 16},
		{"female share of workers reported by gender", val(p.FemaleShare), 3.0 / 8},
		{"female owners of owners with a gender", val(p.OwnerFemaleShare), 2.0 / 4},
		{"RECP aware of those who answered", val(p.AwareShare), 2.0 / 4},
		{"RECP adopted of those who answered", val(p.AdoptedShare), 1.0 / 2},
		{"dairy share", val(p.Sectors[0].Share), 3.0 / 4},
		// dairy: (3/4)/(4/8); jobs (10/16)/(11/29)
		{"dairy LQ", val(p.Sectors[0].LQ), 1.5},
		{"dairy LQ of jobs", val(p.Sectors[0].LQJobs), (10.0 / 16) / (11.0 / 29)},
		// footwear: (1/4)/(4/8); jobs (6/16)/(18/29)
		{"footwear LQ", val(p.Sectors[1].LQ), 0.5},
		{"footwear LQ of jobs", val(p.Sectors[1].LQJobs), (6.0 / 16) / (18.0 / 29)},
		{"credit named by", float64(p.Barriers[0].Enterprises), 3},
		{"credit share", val(p.Barriers[0].Share), 3.0 / 4},
		{"power share", val(p.Barriers[1].Share), 1.0 / 4},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if p.Sectors[0].Code != "dairy" || p.Barriers[0].Barrier != "credit" || p.Barriers[1].Barrier != "power" {
		t.Errorf("order: sectors %+v, barriers %+v; want most first", p.Sectors, p.Barriers)
	}
}

func TestProfileLeavesOutWhatCannotBeComputed(t *testing.T) {
	all := region()
	// U2 has no gender, RECP or barrier answers, and 1 dairy enterprise:
	// below a minimum count of 2 it gets no LQ.
	p, err := profile.New(all[2:], all, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.FemaleShare != nil || p.AwareShare != nil || p.AdoptedShare != nil || p.OwnerFemaleShare != nil {
		t.Errorf("shares without answers = %v %v %v %v, want nil", p.FemaleShare, p.AwareShare, p.AdoptedShare, p.OwnerFemaleShare)
	}
	if p.Sectors[1].Code != "dairy" || p.Sectors[1].LQ != nil {
		t.Errorf("dairy with 1 enterprise, min count 2: %+v, want no LQ", p.Sectors[1])
	}
	if got, want := val(p.Sectors[0].LQ), (3.0/4)/(4.0/8); math.Abs(got-want) > 1e-12 {
		t.Errorf("footwear LQ = %v, want %v", got, want)
	}
	if _, err := json.Marshal(p); err != nil {
		t.Errorf("a profile with missing values does not encode: %v", err)
	}

	empty, err := profile.New(nil, all, 1)
	if err != nil || empty.Enterprises != 0 || empty.MeanJobs != nil || len(empty.Sectors) != 0 {
		t.Errorf("profile of an area without enterprises = %+v, %v", empty, err)
	}
}

func TestProfileRefusesAnAreaOutsideItsRegion(t *testing.T) {
	all := region()
	_, err := profile.New(all, all[:2], 1)
	if guccho.ErrorCode(err) != guccho.EINVALID {
		t.Errorf("area larger than its region: err %v, want EINVALID", err)
	}
}

func TestCountsAddDoesNotShareBarriers(t *testing.T) {
	a := profile.Counts{Barriers: map[string]int{"credit": 1}}
	var sum profile.Counts
	sum.Add(a)
	sum.Add(a)
	if sum.Barriers["credit"] != 2 || a.Barriers["credit"] != 1 {
		t.Errorf("sum %v, addend %v; want 2 and 1", sum.Barriers, a.Barriers)
	}
}

func TestOfUnitTakesTheUnitsRowsAgainstEveryResolvedRow(t *testing.T) {
	// Unresolved rows ("") would change the region's totals: 10 more dairy
	// enterprises would pull dairy's LQ in U1 from 1.5 down to (3/4)/(14/18).
	all := append(region(), profile.Aggregate{Unit: "", Sector: "dairy", Counts: profile.Counts{Enterprises: 10, Self: 10}})
	got, err := profile.OfUnit(all, "U1", 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := profile.New(region()[:2], region(), 1)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("OfUnit(U1) = %s\nwant %s", gotJSON, wantJSON)
	}
	empty, err := profile.OfUnit(all, "U9", 1)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Enterprises != 0 || len(empty.Sectors) != 0 {
		t.Errorf("OfUnit(U9) = %+v, want an empty profile", empty)
	}
}
