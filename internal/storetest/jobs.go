package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/store"
)

// jobLevels are the levels AggregateJobs accepts.
var jobLevels = []geo.Level{geo.Division, geo.District, geo.Upazila, geo.Union}

// jobsFromScratch sums the store's enterprises, read back one by one with
// FindEnterprises, per unit of level and sector as AggregateJobs promises
// to: enterprises, and self and wage jobs as profile.CountsOf counts them;
// unit "" for enterprises not resolved to the level.
func jobsFromScratch(t testing.TB, s store.Store, level geo.Level) map[[2]string]profile.Counts {
	t.Helper()
	sums := map[[2]string]profile.Counts{}
	err := s.FindEnterprises(context.Background(), guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		unit := [...]string{geo.Division: e.Admin.Division, geo.District: e.Admin.District,
			geo.Upazila: e.Admin.Upazila, geo.Union: e.Admin.Union}[level]
		c := profile.CountsOf(e)
		k := [2]string{unit, e.Sector}
		sum := sums[k]
		sum.Enterprises += c.Enterprises
		sum.Self += c.Self
		sum.Wage += c.Wage
		sums[k] = sum
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// checkJobs fails t unless AggregateJobs at every level gives exactly
// jobsFromScratch's sums, in the order of AggregateEnterprises' rows (by
// unit and sector).
func checkJobs(t testing.TB, s store.Store, after string) {
	t.Helper()
	ctx := context.Background()
	agg := s.(profile.Aggregator)
	for _, lv := range jobLevels {
		got, err := agg.AggregateJobs(ctx, lv)
		if err != nil {
			t.Fatal(err)
		}
		sums := jobsFromScratch(t, s, lv)
		all, err := agg.AggregateEnterprises(ctx, lv)
		if err != nil {
			t.Fatal(err)
		}
		var want []profile.Aggregate
		for _, a := range all {
			want = append(want, profile.Aggregate{Unit: a.Unit, Sector: a.Sector, Counts: sums[[2]string{a.Unit, a.Sector}]})
		}
		if len(want) != len(sums) {
			t.Fatalf("after %s: AggregateEnterprises(%s) has %d rows, the enterprises read back %d groups", after, lv, len(want), len(sums))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after %s: AggregateJobs(%s)\n got %+v\nwant %+v (summed from scratch)", after, lv, got, want)
		}
	}
	checkStats(t, s, after)
}

// statsFromScratch counts the store's enterprises, read back one by one
// with FindEnterprises, as EnterpriseStats promises to: per sector, per
// geocode method and the synthetic ones, of the whole country (key "") and
// of every unit at every level that holds one.
func statsFromScratch(t testing.TB, s store.Store) map[string]guccho.EnterpriseStats {
	t.Helper()
	out := map[string]guccho.EnterpriseStats{}
	add := func(unit string, e *guccho.Enterprise) {
		st := out[unit]
		st.Add(e.Sector, e.Geocode.Method, e.Synthetic, 1)
		out[unit] = st
	}
	err := s.FindEnterprises(context.Background(), guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		add("", e)
		for _, u := range []string{e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union} {
			if u != "" {
				add(u, e)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// statsUnits are units of every level of the grid that checkStats always
// asks for, whether or not they hold enterprises (BD20 holds none in
// testJobsFollowEveryWrite).
var statsUnits = []string{"BD10", "BD20", "BD1004", "BD100409", "BD10040911", "BD10040913"}

// checkStats fails t unless EnterpriseStats of the whole country, of every
// unit holding enterprises and of statsUnits gives exactly the counts of
// statsFromScratch.
func checkStats(t testing.TB, s store.Store, after string) {
	t.Helper()
	want := statsFromScratch(t, s)
	units := append([]string{""}, statsUnits...)
	for u := range want {
		units = append(units, u)
	}
	for _, u := range units {
		got, err := s.EnterpriseStats(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		w := want[u]
		if w.BySector == nil {
			w = guccho.EnterpriseStats{BySector: map[string]int{}, ByMethod: map[string]int{}}
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("after %s: EnterpriseStats(%q)\n got %+v\nwant %+v (counted from scratch)", after, u, got, w)
		}
	}
}

// statsNow prints EnterpriseStats of the country and of statsUnits.
func statsNow(t *testing.T, s store.Store) string {
	t.Helper()
	out := ""
	for _, u := range append([]string{""}, statsUnits...) {
		st, err := s.EnterpriseStats(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%q %+v\n", u, st)
	}
	return out
}

// testJobsFollowEveryWrite checks that the enterprises and jobs per unit
// that AggregateJobs returns, and the counts per sector, method and
// synthetic flag that EnterpriseStats returns, follow every kind of write —
// creates, updates that move an enterprise between units and sectors,
// change its workers, its geocode method or its synthetic flag, deletes, an import that creates, updates, finds rows unchanged and
// meets duplicates, its undo, an import rolled back by its writer and an
// interrupted one rolled back at start — by summing the enterprises from
// scratch after each.
func testJobsFollowEveryWrite(t *testing.T, s store.Store) {
	ctx := context.Background()
	checkJobs(t, s, "nothing")

	a := ent("A", "dairy", 90.5, 22.5)
	a.Employment = guccho.Employment{Self: 2, Wage: 3}
	b := ent("B", "footwear_leather", 90.4, 22.4)
	b.Admin.Union = "BD10040913"
	b.Employment = guccho.Employment{Self: 1, Wage: 10}
	b.Synthetic = true
	c := ent("C", "dairy", 90.6, 22.6)
	c.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1004"}
	c.Geocode = guccho.Geocode{Method: guccho.GeocodeDistrict, Score: 1}
	c.DisplayPoint = true
	d := ent("D", "dairy", 0, 0)
	d.GPS, d.Point, d.Admin = nil, orb.Point{}, guccho.AdminCodes{}
	d.Geocode = guccho.Geocode{Method: guccho.GeocodeNone}
	d.Employment = guccho.Employment{Self: 7}
	e := ent("E", "dairy", 90.55, 22.55)
	for _, x := range []*guccho.Enterprise{a, b, c, d, e} {
		if err := s.CreateEnterprise(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	checkJobs(t, s, "creates")

	updates := []struct {
		name string
		x    *guccho.Enterprise
		edit func(*guccho.Enterprise)
	}{
		{"an update moving A to another union and sector", a, func(x *guccho.Enterprise) {
			x.Sector, x.Admin.Union, x.Employment = "footwear_leather", "BD10040913", guccho.Employment{Self: 1, Wage: 1}
		}},
		{"an update changing only C's workers", c, func(x *guccho.Enterprise) { x.Employment = guccho.Employment{Self: 4, Wage: 6} }},
		{"an update making C synthetic", c, func(x *guccho.Enterprise) { x.Synthetic = true }},
		{"an update changing only E's geocode method", e, func(x *guccho.Enterprise) {
			x.Geocode = guccho.Geocode{Method: guccho.GeocodeUnion, Score: 0.9}
		}},
		{"an update placing B only at its district", b, func(x *guccho.Enterprise) {
			x.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1004"}
			x.Geocode = guccho.Geocode{Method: guccho.GeocodeDistrict, Score: 1}
		}},
		{"an update placing D in a union", d, func(x *guccho.Enterprise) {
			p := orb.Point{90.45, 22.45}
			x.GPS, x.Point = &p, p
			x.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040911"}
			x.Geocode = guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}
		}},
	}
	for _, u := range updates {
		u.edit(u.x)
		if err := s.UpdateEnterprise(ctx, u.x); err != nil {
			t.Fatal(err)
		}
		checkJobs(t, s, u.name)
	}
	for _, id := range []string{"E", "D"} {
		if err := s.DeleteEnterprise(ctx, id); err != nil {
			t.Fatal(err)
		}
		checkJobs(t, s, "deleting "+id)
	}
	beforeImports := jobsNow(t, s) + statsNow(t, s)

	// An import: A as stored (unchanged), B changed, F and G new, F again
	// in the same batch and G again in the next (duplicates).
	storedA, err := s.FindEnterpriseByID(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	newB := ent("B", "dairy", 90.7, 22.7) // no longer synthetic
	newB.Employment = guccho.Employment{Self: 3, Wage: 0}
	f := ent("F", "footwear_leather", 90.5, 23.5)
	f.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040913"}
	f.Employment = guccho.Employment{Self: 1, Wage: 20}
	fAgain := ent("F", "dairy", 90.5, 23.5)
	g := ent("G", "dairy", 0, 0)
	g.GPS, g.Point, g.Admin = nil, orb.Point{}, guccho.AdminCodes{Division: "BD10"}
	g.Geocode = guccho.Geocode{Method: guccho.GeocodeDivision, Score: 1}
	g.DisplayPoint = false
	g.Synthetic = true
	gAgain := ent("G", "dairy", 90.5, 22.5)
	batch1 := rows(storedA, newB, f, fAgain)
	batch2 := []*guccho.Enterprise{g, gAgain}
	g.ImportRow, gAgain.ImportRow = 5, 6
	counts, _ := runImport(t, s, "imp-jobs", batch1, batch2)
	if counts.Created != 2 || counts.Updated != 1 || counts.Unchanged != 1 || len(counts.Duplicates) != 2 {
		t.Fatalf("the import counted %+v; want 2 created, 1 updated, 1 unchanged, 2 duplicates", counts)
	}
	checkJobs(t, s, "an import")
	if _, err := s.UndoImport(ctx, "imp-jobs"); err != nil {
		t.Fatal(err)
	}
	checkJobs(t, s, "undoing the import")
	if got := jobsNow(t, s) + statsNow(t, s); got != beforeImports {
		t.Errorf("after undoing the import AggregateJobs and EnterpriseStats give\n%s\nwant as before it:\n%s", got, beforeImports)
	}

	// An import that its writer rolls back after two committed chunks.
	second := func() []*guccho.Enterprise {
		x := ent("A", "dairy", 90.5, 22.5)
		x.Employment = guccho.Employment{Self: 9, Wage: 9}
		x.Synthetic = true
		y := ent("H", "footwear_leather", 90.6, 22.6)
		z := ent("C", "dairy", 90.6, 22.6) // C placed in a union now
		return rows(x, y, z)
	}
	imp := newImport("imp-abandoned")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r := second()
	w := chunked(t, s, imp, r[:1], r[1:])
	checkJobs(t, s, "two chunks of an import")
	if err := w.Rollback(); err != nil {
		t.Fatal(err)
	}
	checkJobs(t, s, "an import rolled back by its writer")

	// An interrupted import, rolled back when the store next opens.
	imp = newImport("imp-interrupted")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	r = second()
	chunked(t, s, imp, r[:2], r[2:])
	if _, err := s.RollbackImport(ctx, "imp-interrupted", "interrupted; rolled back at start"); err != nil {
		t.Fatal(err)
	}
	checkJobs(t, s, "rolling back an interrupted import")
	if got := jobsNow(t, s) + statsNow(t, s); got != beforeImports {
		t.Errorf("after the roll-backs AggregateJobs and EnterpriseStats give\n%s\nwant as before the imports:\n%s", got, beforeImports)
	}
}

// jobsNow prints AggregateJobs at every level.
func jobsNow(t *testing.T, s store.Store) string {
	t.Helper()
	out := ""
	for _, lv := range jobLevels {
		got, err := s.(profile.Aggregator).AggregateJobs(context.Background(), lv)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s %+v\n", lv, got)
	}
	return out
}

// JobsMigration checks the migrations that made the enterprises and jobs
// per unit a table of their own (embedded 0011_unit_counts.sql, PostGIS
// 0013_unit_counts.sql) and keyed it by geocode method and synthetic flag
// too (embedded 0015, PostGIS 0018_unit_counts_by_method.sql): s is a store with the grid's boundaries, which it
// fills with enterprises (ClusterFixture, created, and an import with some
// not resolved to every level); rerun closes it, takes the table away,
// forgets the migration and opens the store again, so that the migration
// fills the table from the stored rows. AggregateJobs and EnterpriseStats
// must then give the sums from scratch at every level, and what the writes
// had kept.
func JobsMigration(t *testing.T, s store.Store, rerun func(t *testing.T) store.Store) {
	LoadClusterFixture(t, s)
	var batch []*guccho.Enterprise
	for i, admin := range []guccho.AdminCodes{{}, {Division: "BD10"}, {Division: "BD10", District: "BD1004"},
		{Division: "BD10", District: "BD1004", Upazila: "BD100409"}} {
		e := ent(fmt.Sprintf("partial-%d", i), "dairy", 0, 0)
		e.GPS, e.Point, e.Admin = nil, orb.Point{}, admin
		e.Geocode = guccho.Geocode{Method: guccho.GeocodeNone}
		e.Employment = guccho.Employment{Self: i, Wage: 3 * i}
		e.Synthetic = i%2 == 1
		batch = append(batch, e)
	}
	runImport(t, s, "imp-partial", rows(batch...))
	want := jobsNow(t, s) + statsNow(t, s)
	s = rerun(t)
	checkJobs(t, s, "the migration")
	if got := jobsNow(t, s) + statsNow(t, s); got != want {
		t.Errorf("after the migration AggregateJobs and EnterpriseStats give\n%s\nwant as kept by the writes:\n%s", got, want)
	}
}

// StatsReadTheSums checks that EnterpriseStats answers from the sums the
// writes keep, not from the enterprises' rows: s is a store with the
// grid's boundaries, which it fills (ClusterFixture and enterprises not
// resolved to every level); behindItsBack deletes every enterprise row
// without the store's knowledge (so the sums stay). EnterpriseStats of the
// country and of a unit of every level must answer as before.
func StatsReadTheSums(t *testing.T, s store.Store, behindItsBack func(t *testing.T)) {
	LoadClusterFixture(t, s)
	d := ent("unplaced", "dairy", 0, 0)
	d.GPS, d.Point, d.Admin = nil, orb.Point{}, guccho.AdminCodes{}
	d.Geocode, d.Synthetic = guccho.Geocode{Method: guccho.GeocodeNone}, true
	if err := s.CreateEnterprise(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	checkStats(t, s, "the fixture")
	want := statsNow(t, s)
	behindItsBack(t)
	if n, err := s.CountEnterprises(context.Background(), guccho.EnterpriseFilter{}); err != nil || n != 0 {
		t.Fatalf("behind the store's back: %d enterprises left (%v), want 0", n, err)
	}
	if got := statsNow(t, s); got != want {
		t.Errorf("with the enterprises' rows gone behind its back EnterpriseStats gives\n%s\nwant as from the kept sums:\n%s", got, want)
	}
}
