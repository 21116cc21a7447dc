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

// TestAssembleChainAgreesWithTheEmbeddedStore assembles the value chain of
// the footwear cluster of storetest.AssembleFixture through the API of each
// store and requires the same answer and the same stored chain, byte for
// byte: the clustering, the place names resolved by the gazetteer, the
// nearby actors and the derivation do not depend on the store.
func TestAssembleChainAgreesWithTheEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	em, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	var answers, chains [][]byte
	for _, s := range []store.Store{em, open(t)} {
		if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
			t.Fatal(err)
		}
		storetest.LoadAssembleFixture(t, s)
		tok, secret, _ := guccho.NewToken(guccho.RoleEditor, "test")
		if err := s.CreateToken(ctx, tok, guccho.HashSecret(secret)); err != nil {
			t.Fatal(err)
		}
		srv := server.New(server.Config{Store: s, Sectors: sectors})
		ts := httptest.NewServer(srv)
		defer func() { ts.Close(); srv.Close() }()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/valuechains/assemble", bytes.NewBufferString(`{"cluster": "smef:footwear_leather:fa-00"}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("assemble: %d %s", res.StatusCode, b)
		}
		answers = append(answers, b)
		res, err = http.Get(ts.URL + "/api/valuechains/cluster-smef-footwear_leather-fa-00")
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(res.Body)
		res.Body.Close()
		chains = append(chains, b)
	}
	if !bytes.Equal(answers[0], answers[1]) {
		t.Errorf("answers differ\nembedded %s\n postgis %s", answers[0], answers[1])
	}
	if !bytes.Equal(chains[0], chains[1]) {
		t.Errorf("chains differ\nembedded %s\n postgis %s", chains[0], chains[1])
	}
	if !bytes.Contains(chains[0], []byte(`"Amtali Bazar traders"`)) || !bytes.Contains(answers[0], []byte(`"links":90`)) {
		t.Errorf("chain %.300s… lacks the fixture's reused paikar or 90 links", chains[0])
	}
}
