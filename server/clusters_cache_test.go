package server_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
)

// clusterStores open a fresh store of each kind holding the grid and
// storetest.ClusterFixture's enterprises.
var clusterStores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"embedded", func(t *testing.T) store.Store {
		s, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
	{"postgis", func(t *testing.T) store.Store {
		s, err := postgis.Open(context.Background(), pgtest.NewDatabase(t), postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
}

// serveClusters starts a server over s, as a fresh process would.
func serveClusters(t *testing.T, s store.Store) *httptest.Server {
	t.Helper()
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	srv := server.New(server.Config{Store: s, Sectors: sectors})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts
}

// An edit costs the cluster caches only what it changes: an answer for
// one sector stays cached through edits of another sector, and through
// edits that move no point and change no count; an answer that an edit
// does change equals the one a freshly started server computes from the
// same store, on both stores.
func TestClusterAnswersSurviveEditsThatDoNotChangeThem(t *testing.T) {
	for _, st := range clusterStores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			t.Cleanup(func() { s.Close() })
			if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
				t.Fatal(err)
			}
			storetest.LoadClusterFixture(t, s)
			ts := serveClusters(t, s)
			dairy := "/api/clusters?sector=dairy"
			footwear := "/api/clusters?sector=footwear_leather&method=dbscan"
			every := "/api/clusters"
			answers := map[string][]byte{}
			for _, path := range []string{dairy, footwear, every} {
				_, r := getClusters(t, ts.URL+path)
				answers[path] = r.body
			}
			edit := func(id string, change func(e *guccho.Enterprise)) {
				t.Helper()
				e, err := s.FindEnterpriseByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				change(e)
				if err := s.UpdateEnterprise(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			far := orb.Point{92.9, 21.0} // in no cluster
			steps := []struct {
				name  string
				edit  func()
				fresh []string // the answers that must be computed again; the others are hits
			}{
				{"a footwear enterprise renamed", func() {
					edit("fb-03", func(e *guccho.Enterprise) { e.Name = "Renamed" })
				}, nil},
				{"a footwear enterprise moved out of fb", func() {
					edit("fb-03", func(e *guccho.Enterprise) { e.GPS, e.Point = &far, far })
				}, []string{footwear, every}},
				{"a dairy enterprise's jobs changed", func() {
					edit("dc-05", func(e *guccho.Enterprise) { e.Employment.Wage += 3 })
				}, []string{dairy, every, footwear}}, // the national sums the LQs divide by changed
				{"a dairy enterprise of dc turned footwear", func() {
					edit("dc-10", func(e *guccho.Enterprise) { e.Sector = "footwear_leather" })
				}, []string{dairy, footwear, every}},
				{"a footwear enterprise deleted", func() {
					if err := s.DeleteEnterprise(ctx, "fa-07"); err != nil {
						t.Fatal(err)
					}
				}, []string{dairy, footwear, every}},
			}
			for _, step := range steps {
				step.edit()
				cold := serveClusters(t, s)
				for _, path := range []string{dairy, footwear, every} {
					_, r := getClusters(t, ts.URL+path)
					_, c := getClusters(t, cold.URL+path)
					want := "hit"
					for _, f := range step.fresh {
						if f == path {
							want = "miss"
						}
					}
					if got := r.header.Get("X-Cache"); got != want {
						t.Errorf("after %s: %s X-Cache = %s, want %s", step.name, path, got, want)
					}
					if !bytes.Equal(r.body, c.body) {
						t.Errorf("after %s: %s differs from a fresh server's answer\n got %.300s\nwant %.300s", step.name, path, r.body, c.body)
					}
					if want == "hit" && !bytes.Equal(r.body, answers[path]) {
						t.Errorf("after %s: %s changed, yet was served from the cache", step.name, path)
					}
					answers[path] = r.body
				}
			}
		})
	}
}
