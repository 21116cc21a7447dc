package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/store"
)

// RunAggregates runs the conformance cases for summing enterprises per
// admin unit (profile.Aggregator), which every store must implement.
func RunAggregates(t *testing.T, open Opener) {
	t.Run("AggregateEnterprises", func(t *testing.T) { testAggregateEnterprises(t, withGrid(t, open)) })
	t.Run("CountsOfAgrees", func(t *testing.T) { testCountsOfAgrees(t, withGrid(t, open)) })
	t.Run("AggregateUnitAndJobs", func(t *testing.T) { testAggregateUnit(t, withGrid(t, open)) })
	t.Run("JobsFollowEveryWrite", func(t *testing.T) { testJobsFollowEveryWrite(t, withGrid(t, open)) })
}

func intp(v int) *int    { return &v }
func boolp(v bool) *bool { return &v }

func testAggregateEnterprises(t *testing.T, s store.Store) {
	ctx := context.Background()
	agg, ok := s.(profile.Aggregator)
	if !ok {
		t.Fatalf("%T does not implement profile.Aggregator", s)
	}
	if got, err := agg.AggregateEnterprises(ctx, geo.Union); err != nil || len(got) != 0 {
		t.Fatalf("aggregates of an empty store = %v, %v; want none", got, err)
	}

	// Three dairy enterprises in BD10040911 (Amtali Dakshin), one footwear
	// enterprise in BD10040913 (Amtali Madhya), and one dairy enterprise
	// placed only at district BD1004.
	a := ent("A", "dairy", 90.5, 22.5)
	a.Employment = guccho.Employment{Self: 2, Wage: 3, Female: intp(1), Male: intp(4)}
	a.OwnerGender = "female"
	a.RECP = guccho.RECP{Aware: boolp(true), Adopted: boolp(false)}
	a.Barriers = []string{"credit", "power", "credit"}
	b := ent("B", "dairy", 90.4, 22.4)
	b.Employment = guccho.Employment{Self: 1, Wage: 0, Female: intp(1)}
	b.OwnerGender = "male"
	b.RECP = guccho.RECP{Aware: boolp(false)}
	b.Barriers = []string{"credit"}
	c := ent("C", "dairy", 90.6, 22.6)
	c.Employment = guccho.Employment{Self: 1, Wage: 1}
	d := ent("D", "footwear", 90.5, 23.5)
	d.Admin.Union = "BD10040913"
	d.Employment = guccho.Employment{Self: 1, Wage: 10}
	d.OwnerGender = "other"
	d.RECP = guccho.RECP{Aware: boolp(true), Adopted: boolp(true)}
	e := ent("E", "dairy", 90.5, 22.5)
	e.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1004"}
	e.Geocode = guccho.Geocode{Method: guccho.GeocodeDistrict, Score: 1}
	e.DisplayPoint = true
	e.Employment = guccho.Employment{Self: 1}
	for _, x := range []*guccho.Enterprise{a, b, c, d, e} {
		if err := s.CreateEnterprise(ctx, x); err != nil {
			t.Fatal(err)
		}
	}

	dairy := profile.Counts{Enterprises: 3, Self: 4, Wage: 4, GenderReported: 2, Female: 2, Male: 4,
		OwnerFemale: 1, OwnerMale: 1, AwareKnown: 2, Aware: 1, AdoptedKnown: 1,
		Barriers: map[string]int{"credit": 2, "power": 1}}
	footwear := profile.Counts{Enterprises: 1, Self: 1, Wage: 10, OwnerOther: 1, AwareKnown: 1, Aware: 1, AdoptedKnown: 1, Adopted: 1}
	unplaced := profile.Counts{Enterprises: 1, Self: 1}
	dairyAll := dairy.Clone()
	dairyAll.Add(unplaced)

	cases := []struct {
		name  string
		level geo.Level
		want  []profile.Aggregate
	}{
		{"unions, with the enterprise placed only at district under unit \"\"", geo.Union, []profile.Aggregate{
			{Unit: "", Sector: "dairy", Counts: unplaced},
			{Unit: "BD10040911", Sector: "dairy", Counts: dairy},
			{Unit: "BD10040913", Sector: "footwear", Counts: footwear},
		}},
		{"districts", geo.District, []profile.Aggregate{
			{Unit: "BD1004", Sector: "dairy", Counts: dairyAll},
			{Unit: "BD1004", Sector: "footwear", Counts: footwear},
		}},
		{"divisions", geo.Division, []profile.Aggregate{
			{Unit: "BD10", Sector: "dairy", Counts: dairyAll},
			{Unit: "BD10", Sector: "footwear", Counts: footwear},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := agg.AggregateEnterprises(ctx, tc.level)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("AggregateEnterprises(%s)\n got %+v\nwant %+v", tc.level, got, tc.want)
			}
		})
	}

	// An update moves D's jobs.
	d.Employment.Wage = 2
	if err := s.UpdateEnterprise(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := agg.AggregateEnterprises(ctx, geo.Upazila)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Unit != "BD100409" || got[2].Sector != "footwear" || got[2].Wage != 2 {
		t.Errorf("after an update, upazila aggregates %+v; want \"\" dairy, BD100409 dairy, BD100409 footwear with wage 2", got)
	}

	_, err = agg.AggregateEnterprises(ctx, geo.Country)
	wantCode(t, "AggregateEnterprises(country)", err, guccho.EINVALID)
}

// testCountsOfAgrees checks that summing profile.CountsOf over a unit's
// enterprises, read back from the store, gives the store's own aggregates:
// the profile of a point cluster, built from its members, counts as the
// profile of an admin unit does.
func testCountsOfAgrees(t *testing.T, s store.Store) {
	ctx := context.Background()
	agg := s.(profile.Aggregator)
	a := ent("A", "dairy", 90.5, 22.5)
	a.Employment = guccho.Employment{Self: 2, Wage: 3, Female: intp(1), Male: intp(4)}
	a.OwnerGender = "female"
	a.RECP = guccho.RECP{Aware: boolp(true), Adopted: boolp(false)}
	a.Barriers = []string{"credit", "power", "credit"}
	b := ent("B", "dairy", 90.4, 22.4)
	b.Employment = guccho.Employment{Self: 1, Male: intp(0)}
	b.OwnerGender = "other"
	b.RECP = guccho.RECP{Adopted: boolp(true)}
	c := ent("C", "footwear", 90.6, 22.6)
	c.Employment = guccho.Employment{Wage: 7}
	c.RECP = guccho.RECP{Aware: boolp(false)}
	c.Barriers = []string{"power"}
	for _, x := range []*guccho.Enterprise{a, b, c} {
		if err := s.CreateEnterprise(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	want, err := agg.AggregateEnterprises(ctx, geo.Union)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[[2]string]*profile.Counts{}
	var got []profile.Aggregate
	err = s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		k := [2]string{e.Admin.Union, e.Sector}
		if sums[k] == nil {
			sums[k] = &profile.Counts{}
		}
		sums[k].Add(profile.CountsOf(e))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		k := [2]string{w.Unit, w.Sector}
		if sums[k] == nil {
			t.Fatalf("AggregateEnterprises has %v, which no enterprise read back is in", k)
		}
		got = append(got, profile.Aggregate{Unit: w.Unit, Sector: w.Sector, Counts: *sums[k]})
	}
	if len(got) != len(sums) || !reflect.DeepEqual(got, want) {
		t.Errorf("sums of profile.CountsOf\n got %+v\nwant %+v (AggregateEnterprises)", got, want)
	}
}

// testAggregateUnit checks that AggregateUnit gives, for every unit of every
// level, exactly that unit's rows of AggregateEnterprises, and AggregateJobs
// every row of it with only enterprises and jobs counted: what a unit's
// profile and the statistics read instead of whole aggregates.
func testAggregateUnit(t *testing.T, s store.Store) {
	ctx := context.Background()
	agg := s.(profile.Aggregator)
	a := ent("A", "dairy", 90.5, 22.5)
	a.Employment = guccho.Employment{Self: 2, Wage: 3, Female: intp(1)}
	a.OwnerGender = "female"
	a.RECP = guccho.RECP{Aware: boolp(true), Adopted: boolp(true)}
	a.Barriers = []string{"credit", "power"}
	b := ent("B", "footwear", 90.4, 22.4)
	b.Admin.Union = "BD10040913"
	b.Barriers = []string{"credit"}
	c := ent("C", "dairy", 90.6, 22.6)
	c.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1004"}
	c.Geocode = guccho.Geocode{Method: guccho.GeocodeDistrict, Score: 1}
	c.DisplayPoint = true
	d := ent("D", "dairy", 0, 0)
	d.GPS, d.Point, d.Admin = nil, orb.Point{}, guccho.AdminCodes{}
	d.Geocode = guccho.Geocode{Method: guccho.GeocodeNone}
	d.Employment = guccho.Employment{Self: 7}
	for _, x := range []*guccho.Enterprise{a, b, c, d} {
		if err := s.CreateEnterprise(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, lv := range []geo.Level{geo.Division, geo.District, geo.Upazila, geo.Union} {
		all, err := agg.AggregateEnterprises(ctx, lv)
		if err != nil {
			t.Fatal(err)
		}
		byUnit := map[string][]profile.Aggregate{}
		var jobs []profile.Aggregate
		for _, x := range all {
			jobs = append(jobs, profile.Aggregate{Unit: x.Unit, Sector: x.Sector,
				Counts: profile.Counts{Enterprises: x.Enterprises, Self: x.Self, Wage: x.Wage}})
			if x.Unit != "" {
				byUnit[x.Unit] = append(byUnit[x.Unit], x)
			}
		}
		for unit, want := range byUnit {
			got, err := agg.AggregateUnit(ctx, unit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("AggregateUnit(%s)\n got %+v\nwant %+v (its rows of AggregateEnterprises)", unit, got, want)
			}
		}
		got, err := agg.AggregateJobs(ctx, lv)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, jobs) {
			t.Errorf("AggregateJobs(%s)\n got %+v\nwant %+v", lv, got, jobs)
		}
	}
	if got, err := agg.AggregateUnit(ctx, "BD10040999"); err != nil || len(got) != 0 {
		t.Errorf("AggregateUnit of a unit without enterprises = %+v, %v; want none", got, err)
	}
	_, err := agg.AggregateUnit(ctx, "nonsense")
	wantCode(t, "AggregateUnit(nonsense)", err, guccho.EINVALID)
	_, err = agg.AggregateUnit(ctx, "BD")
	wantCode(t, "AggregateUnit(country)", err, guccho.EINVALID)
	_, err = agg.AggregateJobs(ctx, geo.Country)
	wantCode(t, "AggregateJobs(country)", err, guccho.EINVALID)
}
