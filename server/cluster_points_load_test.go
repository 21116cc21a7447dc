package server

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
)

// wholeReads hides a store's guccho.EnterprisePointReader, so the points
// are loaded from whole records (FindEnterprises).
type wholeReads struct{ guccho.EnterpriseStore }

// The cold load of the cluster points reads each store's narrow read of
// them (FindEnterprisePoints) and locates the points as it reads; on both
// stores it gives exactly the points, counts and unions a load from whole
// records gives: points of several sectors over more than one batch to
// locate, points outside every union, a record without a GPS point (not a
// cluster point) and one reviewed into an upazila that keeps its GPS point
// (a cluster point still).
func TestClusterPointsReadNarrowlyEqualAWholeRead(t *testing.T) {
	const n = 2*locateBatch + 100
	ctx := context.Background()
	for _, kind := range []string{"embedded", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			var st pointsBenchStore
			var err error
			if kind == "embedded" {
				st, err = embedded.Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
			} else {
				st, err = postgis.Open(ctx, pgtest.NewDatabase(t), postgis.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
				t.Fatal(err)
			}
			src := syntheticEnterprises{n: n, sectors: []string{"dairy", "footwear_leather", "rice_mill"}}
			var es []*guccho.Enterprise
			withGPS := 0
			for i := range n {
				e := src.enterprise(i)
				// Over the grid's three districts, a few outside them.
				gps := orb.Point{90 + 3*float64(i%997)/997, 22 + 3*float64(i%1009)/1000}
				e.GPS, e.Point, e.Name, e.ImportRow = &gps, gps, fmt.Sprintf("Enterprise %d", i), i+1
				e.Geocode = guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}
				e.Attributes = map[string]string{"phone": fmt.Sprintf("017%08d", i)}
				switch i % 50 {
				case 7: // placed in its union without a point
					e.GPS, e.DisplayPoint, e.Geocode.Method = nil, true, guccho.GeocodeUnion
				case 8: // reviewed into an upazila, keeping its point
					e.DisplayPoint, e.Geocode.Method = true, guccho.GeocodeUpazila
				}
				if e.GPS != nil {
					withGPS++
				}
				es = append(es, e)
			}
			imp := &guccho.Import{ID: "points", Filename: "points.csv", Format: "csv", Status: guccho.ImportRunning}
			if err := st.CreateImport(ctx, imp); err != nil {
				t.Fatal(err)
			}
			w, err := st.BeginImport(ctx, imp)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Rollback()
			if _, err := w.Put(ctx, es); err != nil {
				t.Fatal(err)
			}
			imp.Status, imp.Created = guccho.ImportSucceeded, n
			if err := w.Commit(ctx, imp); err != nil {
				t.Fatal(err)
			}
			load := func(es guccho.EnterpriseStore) *gpsPoints {
				t.Helper()
				s := &Server{cfg: Config{Enterprises: es, Geo: st}, stats: newStatsCache(nil)}
				g, err := s.loadGPSPoints(ctx, versions{})
				if err != nil {
					t.Fatal(err)
				}
				return g
			}
			narrow, whole := load(st), load(wholeReads{st})
			if err := samePoints(narrow, whole); err != nil {
				t.Fatalf("the narrow read's points differ from a whole read's: %v", err)
			}
			all, outside := narrow.of(""), 0
			for i := range all.points {
				ps, j := all.entry(i)
				if ps.unionCodes[ps.union[j]] == "" {
					outside++
				}
			}
			if want := withGPS; len(all.points) != want || outside == 0 || outside == len(all.points) {
				t.Errorf("%d points, %d of them in no union; want %d, some of them in none", len(all.points), outside, want)
			}
		})
	}
}

// failingStore is a store whose FindEnterprises fails after `after`
// enterprises, and whose LocateUnions fails from its call number
// `locateFails` on (0: never).
type failingStore struct {
	syntheticEnterprises
	oneUnion
	after       int
	locateFails int
	locates     *int
}

var (
	errRead   = errors.New("the read broke")
	errLocate = errors.New("locating broke")
)

func (f failingStore) FindEnterprises(ctx context.Context, _ guccho.EnterpriseFilter, fn func(*guccho.Enterprise) error) error {
	for i := range f.n {
		if f.after > 0 && i == f.after {
			return errRead
		}
		if err := fn(f.enterprise(i)); err != nil {
			return err
		}
	}
	return nil
}

func (f failingStore) LocateUnions(ctx context.Context, pts []orb.Point) ([]string, error) {
	*f.locates++
	if f.locateFails > 0 && *f.locates >= f.locateFails {
		return nil, errLocate
	}
	return f.oneUnion.LocateUnions(ctx, pts)
}

// A failure of either side of the load, the read or the locating beside
// it, ends the load with that failure (not with the other side's
// cancellation), whichever batch it happens at.
func TestALoadOfClusterPointsEndsAtTheFirstFailure(t *testing.T) {
	const n = 5 * locateBatch
	for _, c := range []struct {
		name        string
		after       int
		locateFails int
		want        error
	}{
		{"the read fails in the first batch", 10, 0, errRead},
		{"the read fails after three batches", 3*locateBatch + 10, 0, errRead},
		{"the first locating fails", 0, 1, errLocate},
		{"the third locating fails", 0, 3, errLocate},
	} {
		t.Run(c.name, func(t *testing.T) {
			var locates int
			f := failingStore{syntheticEnterprises: syntheticEnterprises{n: n}, after: c.after, locateFails: c.locateFails, locates: &locates}
			s := &Server{cfg: Config{Enterprises: f, Geo: f}, stats: newStatsCache(nil)}
			g, err := s.loadGPSPoints(context.Background(), versions{})
			if !errors.Is(err, c.want) || g != nil {
				t.Errorf("loadGPSPoints = %v, %v; want the error %q", g, err, c.want)
			}
		})
	}
	var locates int
	f := failingStore{syntheticEnterprises: syntheticEnterprises{n: n}, locates: &locates}
	s := &Server{cfg: Config{Enterprises: f, Geo: f}, stats: newStatsCache(nil)}
	if g, err := s.loadGPSPoints(context.Background(), versions{}); err != nil || len(g.of("").points) != n {
		t.Fatalf("without failures: %v", err)
	}
	if want := (n + locateBatch - 1) / locateBatch; locates != want {
		t.Errorf("located in %d batches, want %d", locates, want)
	}
}
