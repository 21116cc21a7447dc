package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/valuechain"
)

// BenchmarkGetValuechain times GET /api/valuechains/{id} (chain, actors,
// links and the whole analysis) over the embedded store.
func BenchmarkGetValuechain(b *testing.B) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	footwear := demo.Chains(nil)[0]
	if err := s.ReplaceChain(ctx, &footwear.Chain, footwear.Actors, footwear.Links); err != nil {
		b.Fatal(err)
	}
	as, ls := storetest.SyntheticChain(10_000)
	big := valuechain.Chain{ID: "big", Sector: "footwear_leather"}
	if err := s.ReplaceChain(ctx, &big, as, ls); err != nil {
		b.Fatal(err)
	}
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	srv := server.New(server.Config{Store: s, Sectors: sectors})
	ts := httptest.NewServer(srv)
	defer func() { ts.Close(); srv.Close() }()
	for _, tc := range []struct{ name, id string }{
		{fmt.Sprintf("demo-footwear-%d-actors-%d-links", len(footwear.Actors), len(footwear.Links)), footwear.Chain.ID},
		{fmt.Sprintf("%d-actors-%d-links", len(as), len(ls)), "big"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := http.Get(ts.URL + "/api/valuechains/" + tc.id)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("GET: %v %v", err, res.Status)
				}
				n := 0
				buf := make([]byte, 64<<10)
				for {
					k, err := res.Body.Read(buf)
					n += k
					if err != nil {
						break
					}
				}
				res.Body.Close()
				b.SetBytes(int64(n))
			}
		})
	}
}
