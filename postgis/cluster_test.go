package postgis_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
)

// blobs returns n points in Gaussian blobs of sd metres around places from
// the west to the east of Bangladesh (where the UTM 46N scale differs
// most), plus a fifth spread over the country, from seed.
func blobs(seed uint64, n int, sd float64) []cluster.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	centres := [][2]float64{{88.60, 24.37}, {89.55, 22.82}, {90.40, 23.71}, {91.83, 22.34}, {92.30, 20.87}, {90.99, 24.05}}
	pts := make([]cluster.Point, n)
	for i := range pts {
		var lon, lat float64
		if i%5 == 4 {
			lon, lat = 88.1+4.5*rng.Float64(), 20.8+5.7*rng.Float64()
		} else {
			c := centres[rng.IntN(len(centres))]
			dy, dx := rng.NormFloat64()*sd, rng.NormFloat64()*sd
			lat = c[1] + dy/cluster.EarthRadius*180/math.Pi
			lon = c[0] + dx/(cluster.EarthRadius*math.Cos(c[1]*math.Pi/180))*180/math.Pi
		}
		pts[i] = cluster.Point{ID: fmt.Sprint(i), Lon: lon, Lat: lat}
	}
	return pts
}

// clearOfEps keeps the points, in order, that have no pair whose
// great-circle distance lies within margin (a fraction) of eps: there the
// two metrics could disagree on whether the pair are neighbours.
func clearOfEps(pts []cluster.Point, eps, margin float64) []cluster.Point {
	var kept []cluster.Point
	for _, p := range pts {
		ok := true
		for _, q := range kept {
			if d := cluster.Distance(p.Lon, p.Lat, q.Lon, q.Lat); math.Abs(d-eps) <= margin*eps {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, p)
		}
	}
	return kept
}

func TestClusterDBSCANAgreesWithClusterDBSCAN(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		seed   uint64
		n      int
		sd     float64
		eps    float64
		minPts int
	}{
		{"villages: 1 km, 8 points", 1, 1500, 2000, 1000, 8},
		{"the SMEF scale: 5 km, 20 points", 2, 2000, 8000, 5000, 20},
		{"dense workshops: 200 m, 5 points", 3, 1500, 600, 200, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pts := clearOfEps(blobs(tc.seed, tc.n, tc.sd), tc.eps, 0.005)
			res, err := cluster.DBSCAN(pts, tc.eps, tc.minPts)
			if err != nil {
				t.Fatal(err)
			}
			pg, err := s.ClusterDBSCAN(ctx, pts, tc.eps, tc.minPts)
			if err != nil {
				t.Fatal(err)
			}
			if len(pg) != len(pts) {
				t.Fatalf("%d labels for %d points", len(pg), len(pts))
			}
			goToPG, pgToGo := map[int]int{}, map[int]int{}
			borders, moved := 0, 0
			for i, l := range res.Labels {
				switch {
				case l == cluster.Noise:
					if pg[i] != cluster.Noise {
						t.Errorf("point %d: noise in cluster.DBSCAN, cluster %d in PostGIS", i, pg[i])
					}
				case res.Core[i]:
					if m, ok := goToPG[l]; ok && m != pg[i] {
						t.Errorf("core point %d: cluster %d holds cores of PostGIS clusters %d and %d", i, l, m, pg[i])
					}
					if m, ok := pgToGo[pg[i]]; ok && m != l {
						t.Errorf("core point %d: PostGIS cluster %d holds cores of clusters %d and %d", i, pg[i], m, l)
					}
					goToPG[l], pgToGo[pg[i]] = pg[i], l
				}
			}
			// A border point may join any cluster one of whose cores
			// reaches it.
			for i, l := range res.Labels {
				if l == cluster.Noise || res.Core[i] {
					continue
				}
				borders++
				reached := false
				for j := range pts {
					if res.Core[j] && pg[j] == pg[i] && cluster.Distance(pts[i].Lon, pts[i].Lat, pts[j].Lon, pts[j].Lat) <= tc.eps {
						reached = true
						break
					}
				}
				if !reached {
					t.Errorf("border point %d: in PostGIS cluster %d, which no core within eps holds", i, pg[i])
				}
				if goToPG[l] != pg[i] {
					moved++
				}
			}
			if len(goToPG) != len(res.Clusters) || len(pgToGo) != len(res.Clusters) {
				t.Errorf("%d clusters in cluster.DBSCAN, their cores in %d PostGIS clusters", len(res.Clusters), len(pgToGo))
			}
			t.Logf("%d points, %d clusters, %d border points (%d in another cluster than cluster.DBSCAN's)", len(pts), len(res.Clusters), borders, moved)
		})
	}
}

func TestClusterDBSCANRefusesBadParameters(t *testing.T) {
	s := open(t)
	pts := []cluster.Point{{ID: "a", Lon: 90, Lat: 23}}
	for _, tc := range []struct {
		name   string
		pts    []cluster.Point
		eps    float64
		minPts int
	}{
		{"eps of zero", pts, 0, 1},
		{"minPts of zero", pts, 100, 0},
		{"latitude beyond 90", []cluster.Point{{ID: "b", Lon: 90, Lat: 91}}, 100, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.ClusterDBSCAN(context.Background(), tc.pts, tc.eps, tc.minPts); guccho.ErrorCode(err) != guccho.EINVALID {
				t.Errorf("error %v, want %s", err, guccho.EINVALID)
			}
		})
	}
}

// TestClusterSRIDDistortion measures what projecting to UTM 46N does to
// distances over Bangladesh: 5 km east–west and north–south pairs at the
// country's corners and centre, UTM distance against the great circle
// cluster.DBSCAN uses. They stay within the 0.5 % the agreement fixtures
// keep clear of.
func TestClusterSRIDDistortion(t *testing.T) {
	url := pgtest.NewDatabase(t)
	s, err := postgis.Open(context.Background(), url, postgis.Options{}) // creates the extension
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range [][2]float64{{88.0, 26.6}, {88.0, 21.5}, {92.7, 26.6}, {92.7, 20.6}, {90.4, 23.7}, {93.0, 23.0}} {
		for _, d := range [][2]float64{{0.05, 0}, {0, 0.045}} {
			var utm float64
			err := conn.QueryRow(context.Background(), `SELECT ST_Distance(
				ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $5::int),
				ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), $5::int))`,
				c[0], c[1], c[0]+d[0], c[1]+d[1], postgis.ClusterSRID).Scan(&utm)
			if err != nil {
				t.Fatal(err)
			}
			rel := utm/cluster.Distance(c[0], c[1], c[0]+d[0], c[1]+d[1]) - 1
			lo, hi = math.Min(lo, rel), math.Max(hi, rel)
		}
	}
	t.Logf("UTM 46N distance / great circle − 1 over Bangladesh: %+.3f %% to %+.3f %%", 100*lo, 100*hi)
	if lo < -0.005 || hi > 0.005 {
		t.Errorf("distortion %+.3f %% to %+.3f %%, beyond the ±0.5 %% the fixtures keep clear of", 100*lo, 100*hi)
	}
}

// BenchmarkDBSCAN50k clusters the same 50,000 points (blobs of 2 km over
// Bangladesh, a fifth spread evenly) at 1 km and 20 points with
// cluster.DBSCAN in Go and with ST_ClusterDBSCAN in PostGIS (points sent as
// two arrays, projected to UTM 46N in the query), in one run, and reports
// each one's milliseconds and the ratio PostGIS/Go.
func BenchmarkDBSCAN50k(b *testing.B) {
	ctx := context.Background()
	s, err := postgis.Open(ctx, pgtest.NewDatabase(b), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pts := blobs(1, 50_000, 2000)
	var goTime, pgTime time.Duration
	var clusters int
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := cluster.DBSCAN(pts, 1000, 20)
		if err != nil {
			b.Fatal(err)
		}
		goTime += time.Since(start)
		clusters = len(res.Clusters)
		start = time.Now()
		if _, err := s.ClusterDBSCAN(ctx, pts, 1000, 20); err != nil {
			b.Fatal(err)
		}
		pgTime += time.Since(start)
	}
	b.ReportMetric(float64(goTime.Milliseconds())/float64(b.N), "go-ms")
	b.ReportMetric(float64(pgTime.Milliseconds())/float64(b.N), "postgis-ms")
	b.ReportMetric(float64(pgTime)/float64(goTime), "postgis/go")
	b.ReportMetric(float64(clusters), "clusters")
}
