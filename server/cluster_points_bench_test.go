package server

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/profile"
)

// pointsBenchStore is a store that serves both the enterprises and the
// boundaries.
type pointsBenchStore interface {
	guccho.EnterpriseStore
	geo.Store
	Close() error
}

// BenchmarkClusterPointsLoad measures the cold load of the points clusters
// are found among (loadGPSPoints: what the first GET /api/clusters after a
// start waits for) on a store of each kind holding N enterprises, 7 in 12
// with a GPS point inside Bangladesh's unions (as the national demo has),
// against the load as it was before the narrow read (loadGPSPointsBefore:
// every record read whole, then every point located, then sorted), the two
// in alternated order, and splits both into their phases. In seconds, each
// the median of b.N runs:
//
//   - read-s: FindEnterprises alone (SQL and decoding whole records, with
//     a callback that only counts the points);
//   - before-read+pack-s, before-locate-s, before-sort-s: the phases of
//     the load before (the read with CountsOf and packing; LocateUnions of
//     every point; sorting each sector by id);
//   - before-load-s: the whole load before;
//   - points-read-s: FindEnterprisePoints alone (the narrow read);
//   - load-s: the whole of loadGPSPoints (the narrow read, with locating
//     overlapped);
//
// and before/after: before-load-s / load-s. Both loads must give the same
// points, counts and unions, or the benchmark fails. N comes from
// GUCCHO_POINTS_ROWS (default 100,000), the stores from
// GUCCHO_POINTS_STORES (default "embedded,postgis"):
//
//	GUCCHO_POINTS_ROWS=1000000 go test -run '^$' -bench BenchmarkClusterPointsLoad -benchtime 3x -timeout 2h ./server/
func BenchmarkClusterPointsLoad(b *testing.B) {
	n := 100_000
	if v := os.Getenv("GUCCHO_POINTS_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("GUCCHO_POINTS_ROWS=%q: want a whole number ≥ 1000", v)
		}
	}
	kinds := strings.Split(cmp.Or(os.Getenv("GUCCHO_POINTS_STORES"), "embedded,postgis"), ",")
	units := bdtest.Units(b)
	ctx := context.Background()
	for _, kind := range kinds {
		// Filled here, not in b.Run, which runs its function more than once.
		var st pointsBenchStore
		var err error
		switch kind {
		case "embedded":
			st, err = embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
		case "postgis":
			st, err = postgis.Open(ctx, pgtest.NewDatabase(b), postgis.Options{})
		default:
			b.Fatalf("GUCCHO_POINTS_STORES: %q is not embedded or postgis", kind)
		}
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		t0 := time.Now()
		fillPointsBenchStore(b, st, units, n)
		b.Logf("%s: %d enterprises stored in %.1f s", kind, n, time.Since(t0).Seconds())
		b.Run(kind, func(b *testing.B) {
			var err error
			s := &Server{cfg: Config{Enterprises: st, Geo: st}, stats: newStatsCache(nil)}
			phases := map[string][]time.Duration{}
			timed := func(name string, f func()) {
				t := time.Now()
				f()
				phases[name] = append(phases[name], time.Since(t))
			}
			b.ResetTimer()
			for i := range b.N {
				gps := 0
				timed("read-s", func() {
					err = st.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
						if e.GPS != nil {
							gps++
						}
						return nil
					})
				})
				if err != nil {
					b.Fatal(err)
				}
				narrow := 0
				timed("points-read-s", func() {
					err = st.(guccho.EnterprisePointReader).FindEnterprisePoints(ctx, func(*guccho.Enterprise) error {
						narrow++
						return nil
					})
				})
				if err != nil || narrow != gps {
					b.Fatalf("FindEnterprisePoints: %d points, %v; FindEnterprises has %d with GPS", narrow, err, gps)
				}
				var before, after *gpsPoints
				loadBefore := func() {
					t := time.Now()
					before, err = s.loadGPSPointsBefore(ctx, phases)
					phases["before-load-s"] = append(phases["before-load-s"], time.Since(t))
					if err != nil {
						b.Fatal(err)
					}
				}
				loadAfter := func() {
					timed("load-s", func() { after, err = s.loadGPSPoints(ctx, versions{}) })
					if err != nil {
						b.Fatal(err)
					}
				}
				if i%2 == 0 {
					loadBefore()
					loadAfter()
				} else {
					loadAfter()
					loadBefore()
				}
				if err := samePoints(before, after); err != nil {
					b.Fatal(err)
				}
				if got := len(after.of("").points); got != gps {
					b.Fatalf("loaded %d points, read %d with GPS", got, gps)
				}
			}
			b.StopTimer()
			for _, name := range []string{"read-s", "before-read+pack-s", "before-locate-s", "before-sort-s", "before-load-s", "points-read-s", "load-s"} {
				b.ReportMetric(median(phases[name]).Seconds(), name)
			}
			b.ReportMetric(median(phases["before-load-s"]).Seconds()/median(phases["load-s"]).Seconds(), "before/after")
		})
	}
}

// loadGPSPointsBefore is loadGPSPoints as it was before the narrow read
// (every record read whole through FindEnterprises, then every point
// located, then each sector sorted), the baseline of
// BenchmarkClusterPointsLoad; it adds the time of each phase to phases.
func (s *Server) loadGPSPointsBefore(ctx context.Context, phases map[string][]time.Duration) (*gpsPoints, error) {
	t := time.Now()
	sets := map[string]*pointSet{}
	b := newPointCountsBuilder(pointTables{})
	err := s.cfg.Enterprises.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		if e.GPS == nil {
			return nil
		}
		ps := sets[e.Sector]
		if ps == nil {
			ps = &pointSet{}
			sets[e.Sector] = ps
		}
		sector := e.Sector
		if len(ps.points) > 0 {
			sector = ps.points[0].Sector
		}
		ps.points = append(ps.points, cluster.Point{ID: e.ID, Lon: e.GPS[0], Lat: e.GPS[1], Sector: sector})
		ps.counts = append(ps.counts, b.pack(profile.CountsOf(e)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	phases["before-read+pack-s"] = append(phases["before-read+pack-s"], time.Since(t))
	var locate, sorting time.Duration
	pts := make([]orb.Point, 0, locateBatch)
	for _, ps := range sets {
		t := time.Now()
		ps.points, ps.counts = slices.Clone(ps.points), slices.Clone(ps.counts)
		ps.union = make([]uint32, 0, len(ps.points))
		for done := 0; done < len(ps.points); done += len(pts) {
			pts = pts[:0]
			for _, p := range ps.points[done:min(done+locateBatch, len(ps.points))] {
				pts = append(pts, orb.Point{p.Lon, p.Lat})
			}
			unions, err := s.cfg.Geo.LocateUnions(ctx, pts)
			if err != nil {
				return nil, err
			}
			for _, u := range unions {
				ps.union = append(ps.union, b.union(u))
			}
		}
		locate += time.Since(t)
		t = time.Now()
		sort.Sort((*byID)(ps))
		sorting += time.Since(t)
	}
	phases["before-locate-s"] = append(phases["before-locate-s"], locate)
	phases["before-sort-s"] = append(phases["before-sort-s"], sorting)
	g := &gpsPoints{sectors: sets, pointTables: b.tables()}
	for _, ps := range sets {
		ps.pointTables = g.pointTables
	}
	return g, nil
}

// samePoints reports how a and b differ, if they do: in their sectors, or
// in any point, its counts (barriers by name) or its union (by code).
func samePoints(a, b *gpsPoints) error {
	if len(a.sectors) != len(b.sectors) {
		return fmt.Errorf("%d sectors against %d", len(a.sectors), len(b.sectors))
	}
	for sec, p := range a.sectors {
		q := b.sectors[sec]
		if q == nil || len(q.points) != len(p.points) {
			return fmt.Errorf("sector %s differs in its number of points", sec)
		}
		for i := range p.points {
			pc, qc := p.counts[i], q.counts[i]
			pb, qb := p.barrierSets[pc.barriers], q.barrierSets[qc.barriers]
			pc.barriers, qc.barriers = 0, 0
			if p.points[i] != q.points[i] || pc != qc || !slices.Equal(pb, qb) || p.unionCodes[p.union[i]] != q.unionCodes[q.union[i]] {
				return fmt.Errorf("sector %s, point %d (%s) differs", sec, i, p.points[i].ID)
			}
		}
	}
	return nil
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// fillPointsBenchStore stores the boundaries and n enterprises in one
// import: 7 in 12 placed by a GPS point inside a union (their admin codes
// the union's), the rest placed in a union without one; each record about
// the size of a demo survey's, with names, stated places and attributes.
func fillPointsBenchStore(b *testing.B, st pointsBenchStore, units []*geo.Unit, n int) {
	b.Helper()
	ctx := context.Background()
	if err := st.ReplaceBoundaries(ctx, units); err != nil {
		b.Fatal(err)
	}
	atlas := geo.NewAtlas(units)
	imp := &guccho.Import{ID: "bench", Filename: "bench.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
	if err := st.CreateImport(ctx, imp); err != nil {
		b.Fatal(err)
	}
	w, err := st.BeginImport(ctx, imp)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Rollback()
	rng := rand.New(rand.NewPCG(13, 7))
	sectors := []string{"dairy", "footwear_leather", "food_processing", "horticulture", "light_engineering", "rice_mill"}
	barriers := [][]string{nil, {"credit"}, {"high_raw_material_cost", "power"}, {"credit", "market_access"}}
	const batch = 10_000
	es := make([]*guccho.Enterprise, 0, batch)
	for i := range n {
		var u *geo.Unit
		var pt orb.Point
		for u == nil {
			pt = orb.Point{88 + 4.7*rng.Float64(), 20.59 + 6.05*rng.Float64()}
			u, _ = atlas.Locate(pt)
		}
		c := u.PCode
		yes, f, m := i%3 == 0, i%4, i%5
		e := &guccho.Enterprise{ID: fmt.Sprintf("E%08d", i), Name: fmt.Sprintf("Enterprise number %d of the bench", i),
			Sector: sectors[i%len(sectors)], SubSector: "sub-sector " + strconv.Itoa(i%17), Point: pt,
			Stated:  guccho.AdminNames{Division: "Division " + c[:4], District: "District " + c[:6], Upazila: "Upazila " + c[:8], Union: "Union " + c},
			Admin:   guccho.AdminCodes{Division: c[:4], District: c[:6], Upazila: c[:8], Union: c},
			Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}, Employment: guccho.Employment{Self: 1 + i%3, Wage: i % 9, Female: &f, Male: &m},
			OwnerGender: []string{"female", "male", "", "other"}[i%4], RECP: guccho.RECP{Aware: &yes}, Barriers: barriers[i%4],
			Attributes: map[string]string{"owner_name": "Owner " + strconv.Itoa(i), "phone": fmt.Sprintf("01%09d", i), "road": "Road " + strconv.Itoa(i%300),
				"year_started": strconv.Itoa(1980 + i%44), "input_source_type": "trader", "buyer_type": "paikar", "buyer_place": "Savar", "surveyor": "S" + strconv.Itoa(i%40)},
			ImportRow: i + 1}
		if i%12 < 7 {
			e.GPS = &pt
		} else {
			e.Geocode.Method, e.DisplayPoint = guccho.GeocodeUnion, true
		}
		es = append(es, e)
		if len(es) == batch || i == n-1 {
			if _, err := w.Put(ctx, es); err != nil {
				b.Fatal(err)
			}
			es = es[:0]
			if (i+1)%100_000 == 0 {
				imp.SourceRow = i + 1
				if err := w.Checkpoint(ctx, imp); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	imp.Status, imp.Created, imp.SourceRow = guccho.ImportSucceeded, n, n
	if err := w.Commit(ctx, imp); err != nil {
		b.Fatal(err)
	}
}
