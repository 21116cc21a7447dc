package postgis_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
)

// TestClustersAPIAgreesWithTheEmbeddedStore serves the same enterprises
// (storetest.ClusterFixture on the grid) from each store and requires
// byte-identical answers from GET /api/clusters and
// /api/clusters/potential: the API runs cluster.DBSCAN and SMEF on the
// enterprises with a GPS point, read in id order from either store, so the
// stores agree by construction; this checks nothing store-specific leaks
// in (points, unions, aggregates, profiles).
func TestClustersAPIAgreesWithTheEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	em, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	var urls []string
	for _, s := range []store.Store{em, open(t)} {
		if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
			t.Fatal(err)
		}
		storetest.LoadClusterFixture(t, s)
		srv := server.New(server.Config{Store: s, Sectors: sectors})
		ts := httptest.NewServer(srv)
		defer func() { ts.Close(); srv.Close() }()
		urls = append(urls, ts.URL)
	}
	for _, path := range []string{
		"/api/clusters",
		"/api/clusters?sector=dairy&method=dbscan&eps_m=3000&min_points=30",
		"/api/clusters?method=dbscan",
		"/api/clusters?format=csv",
		"/api/clusters/potential?min_lq=1",
		"/api/clusters/potential?level=district&min_lq=1",
	} {
		t.Run(path, func(t *testing.T) {
			var bodies [][]byte
			for _, u := range urls {
				res, err := http.Get(u + path)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d %s", u+path, res.StatusCode, b)
				}
				bodies = append(bodies, b)
			}
			if !bytes.Equal(bodies[0], bodies[1]) {
				t.Errorf("answers differ\nembedded %s\n postgis %s", bodies[0], bodies[1])
			}
			if len(bodies[0]) < 200 {
				t.Errorf("answer %s is too short to hold the fixture's clusters", bodies[0])
			}
		})
	}
}
