package server_test

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

// unitReads is a store that counts the units whose enterprises the server
// aggregates (AggregateUnit: what a profile of a unit reads).
type unitReads struct {
	store.Store
	mu    sync.Mutex
	reads map[string]int
}

func (c *unitReads) AggregateEnterprises(ctx context.Context, lv geo.Level) ([]profile.Aggregate, error) {
	return c.Store.(profile.Aggregator).AggregateEnterprises(ctx, lv)
}

func (c *unitReads) AggregateJobs(ctx context.Context, lv geo.Level) ([]profile.Aggregate, error) {
	return c.Store.(profile.Aggregator).AggregateJobs(ctx, lv)
}

func (c *unitReads) AggregateUnit(ctx context.Context, pcode string) ([]profile.Aggregate, error) {
	c.mu.Lock()
	if c.reads == nil {
		c.reads = map[string]int{}
	}
	c.reads[pcode]++
	c.mu.Unlock()
	return c.Store.(profile.Aggregator).AggregateUnit(ctx, pcode)
}

// take returns the units read since the last take, sorted.
func (c *unitReads) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	units := slices.Sorted(maps.Keys(c.reads))
	c.reads = nil
	return units
}

// serveCounting starts a server over s whose unit aggregations are
// counted, as a fresh process would.
func serveCounting(t *testing.T, s store.Store) (*httptest.Server, *unitReads) {
	t.Helper()
	counter := &unitReads{Store: s}
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	srv := server.New(server.Config{Store: counter, Sectors: sectors})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, counter
}

// profileOf returns the body of GET /api/profile/{pcode}?min_count=1.
func profileOf(t *testing.T, base, pcode string) []byte {
	t.Helper()
	r := get(t, base+"/api/profile/"+pcode+"?min_count=1")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/profile/%s: %d %s", pcode, r.status, r.body)
	}
	return r.body
}

// importInto runs an import of es through the store, as the importer does.
func importInto(t *testing.T, s store.Store, id string, es ...*guccho.Enterprise) {
	t.Helper()
	ctx := context.Background()
	imp := &guccho.Import{ID: id, Filename: "survey.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	for i, e := range es {
		e.ImportRow = i + 1
	}
	c, err := w.Put(ctx, es)
	if err != nil {
		t.Fatal(err)
	}
	imp.Status, imp.Created, imp.Updated, imp.Unchanged = guccho.ImportSucceeded, c.Created, c.Updated, c.Unchanged
	if err := w.Fail(ctx, c.Duplicates); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
}

// editEnterprise changes the stored enterprise id through s.
func editEnterprise(t *testing.T, s store.Store, id string, change func(e *guccho.Enterprise)) {
	t.Helper()
	ctx := context.Background()
	e, err := s.FindEnterpriseByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	change(e)
	if err := s.UpdateEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
}

// Units of storetest.ClusterFixture: Amtali's union, upazila and district
// (fa and da), Bhola's district (dc and fs), and their division.
var (
	amtaliUnits = []string{"BD10", "BD1004", "BD100409", "BD10040911"}
	bholaUnits  = []string{"BD10", "BD1009"}
	bholaUnion  = guccho.AdminCodes{Division: "BD10", District: "BD1009", Upazila: "BD100918", Union: "BD10091815"}
)

// A unit's profile is read again only after an edit that can have changed
// it: the events of edits list the units whose counted content they
// changed (guccho.EnterpriseChange.Units), and the server keeps each
// unit's aggregates across edits that list none in the unit. An edit in
// another district, a rename or a move within the union keeps every
// profile cached (the store is not read again); an edit of jobs, sector or
// barriers, a move to another district, a delete or a create reads again
// exactly the units it lies in; an import, which lists no units, reads every
// unit again. After every step each answer equals the one a freshly started
// server computes over the same store (a kept unit's LQs change with the
// sums of its level, read again after every edit).
func TestAProfileSurvivesEditsThatCannotChangeIt(t *testing.T) {
	for _, st := range clusterStores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			t.Cleanup(func() { s.Close() })
			if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
				t.Fatal(err)
			}
			storetest.LoadClusterFixture(t, s)
			ts, counter := serveCounting(t, s)
			every := []string{"BD10", "BD1004", "BD100409", "BD10040911", "BD1009"}
			answers := map[string][]byte{}
			for _, u := range every {
				answers[u] = profileOf(t, ts.URL, u)
			}
			if got := counter.take(); !slices.Equal(got, slices.Sorted(slices.Values(every))) {
				t.Fatalf("the first profiles read %v; want every unit once", got)
			}
			steps := []struct {
				name string
				edit func()
				read []string // the units read again; the others are kept
			}{
				{"an Amtali enterprise renamed", func() {
					editEnterprise(t, s, "fa-03", func(e *guccho.Enterprise) { e.Name = "Renamed" })
				}, nil},
				{"an Amtali enterprise moved within its union", func() {
					editEnterprise(t, s, "fa-03", func(e *guccho.Enterprise) {
						p := orb.Point{e.GPS[0] + 0.001, e.GPS[1]}
						e.GPS, e.Point = &p, p
					})
				}, nil},
				{"a Bhola enterprise's jobs changed", func() {
					editEnterprise(t, s, "dc-05", func(e *guccho.Enterprise) { e.Employment.Wage += 3 })
				}, bholaUnits},
				{"an Amtali enterprise's jobs changed", func() {
					editEnterprise(t, s, "fa-04", func(e *guccho.Enterprise) { e.Employment.Wage += 2 })
				}, amtaliUnits},
				{"an Amtali enterprise turned dairy", func() {
					editEnterprise(t, s, "fa-05", func(e *guccho.Enterprise) { e.Sector = "dairy" })
				}, amtaliUnits},
				{"an Amtali enterprise named a barrier", func() {
					editEnterprise(t, s, "fa-06", func(e *guccho.Enterprise) { e.Barriers = []string{"credit"} })
				}, amtaliUnits},
				{"an Amtali enterprise moved to Bhola", func() {
					editEnterprise(t, s, "fa-07", func(e *guccho.Enterprise) {
						p := orb.Point{92.5, 24.5}
						e.GPS, e.Point, e.Admin = &p, p, bholaUnion
					})
				}, every},
				{"a Bhola enterprise deleted", func() {
					if err := s.DeleteEnterprise(ctx, "dc-06"); err != nil {
						t.Fatal(err)
					}
				}, bholaUnits},
				{"a Bhola enterprise created", func() {
					p := orb.Point{92.5, 24.5}
					e := &guccho.Enterprise{ID: "new-1", Name: "New", Sector: "dairy", GPS: &p, Point: p, Admin: bholaUnion,
						Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}, Employment: guccho.Employment{Self: 1}}
					if err := s.CreateEnterprise(ctx, e); err != nil {
						t.Fatal(err)
					}
				}, bholaUnits},
				{"an import into Bhola (it lists no units)", func() {
					p := orb.Point{92.51, 24.5}
					importInto(t, s, "imp-bhola", &guccho.Enterprise{ID: "imp-1", Name: "Imported", Sector: "dairy", GPS: &p, Point: p,
						Admin: bholaUnion, Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}, Employment: guccho.Employment{Self: 1}})
				}, every},
			}
			for _, step := range steps {
				step.edit()
				got := map[string][]byte{}
				for _, u := range every {
					got[u] = profileOf(t, ts.URL, u)
				}
				if reads, want := counter.take(), slices.Sorted(slices.Values(step.read)); !slices.Equal(reads, want) {
					t.Errorf("after %s: the server read the units %v again; want %v", step.name, reads, want)
				}
				cold, _ := serveCounting(t, s)
				for _, u := range every {
					if fresh := profileOf(t, cold.URL, u); !bytes.Equal(got[u], fresh) {
						t.Errorf("after %s: the profile of %s differs from a fresh server's\n got %.300s\nwant %.300s", step.name, u, got[u], fresh)
					}
					// Its LQs divide by every unit of its level, read
					// again after every edit; nothing else may change.
					if len(step.read) == 0 && !bytes.Equal(got[u], answers[u]) {
						t.Errorf("after %s: the profile of %s changed", step.name, u)
					}
					answers[u] = got[u]
				}
			}
		})
	}
}

// Two server instances over one PostGIS database see each other's edits
// only through the event log and the data version: a profile cached by
// one instance stays cached through an edit elsewhere made through the
// other (its answer still equal to a fresh server's), and reflects an edit in its unit made through the other in its
// next answer once the instance has seen the new version.
func TestAProfileOnOneInstanceSeesEditsThroughTheOther(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	open := func() *postgis.Store {
		s, err := postgis.Open(ctx, url, postgis.Options{VersionPoll: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	if err := a.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.LoadClusterFixture(t, a)
	caughtUp := func() {
		t.Helper()
		want := a.DataVersion(tiles.EnterpriseLayer.Name)
		for deadline := time.Now().Add(10 * time.Second); b.DataVersion(tiles.EnterpriseLayer.Name) != want; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the second instance's data version is still %q 10 s after the first's became %q", b.DataVersion(tiles.EnterpriseLayer.Name), want)
			}
		}
	}
	caughtUp()
	tsB, counter := serveCounting(t, b)
	fresh := func() []byte { // what a server started now over the first instance answers
		tsA, _ := serveCounting(t, a)
		return profileOf(t, tsA.URL, "BD1004")
	}
	before := profileOf(t, tsB.URL, "BD1004")
	counter.take()

	editEnterprise(t, a, "dc-05", func(e *guccho.Enterprise) { e.Employment.Wage += 3 }) // Bhola
	caughtUp()
	if got, want := profileOf(t, tsB.URL, "BD1004"), fresh(); !bytes.Equal(got, want) {
		t.Errorf("after an edit in Bhola through the other instance, Amtali's district\n got %.300s\nwant %.300s", got, want)
	}
	if reads := counter.take(); len(reads) > 0 {
		t.Errorf("after an edit in Bhola through the other instance, the units %v were read again; want none", reads)
	}

	editEnterprise(t, a, "fa-04", func(e *guccho.Enterprise) { e.Employment.Wage += 2 }) // Amtali
	caughtUp()
	got, want := profileOf(t, tsB.URL, "BD1004"), fresh()
	if bytes.Equal(got, before) || !bytes.Equal(got, want) {
		t.Errorf("after an edit in Amtali through the other instance, its district's profile\n got %.300s\nwant %.300s (the editing instance's)", got, want)
	}
	if reads := counter.take(); !slices.Equal(reads, []string{"BD1004"}) {
		t.Errorf("after an edit in Amtali through the other instance, the units %v were read again; want [BD1004]", reads)
	}
}
