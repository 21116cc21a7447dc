package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/valuechain"
)

// benchChain makes a chain of n actors: 10% input suppliers, 60%
// producers, 10% collectors, 10% wholesalers, 10% retailers, each selling
// goods to three actors of the same or a later stage, placed around
// Bhairab.
func benchChain(n int) ([]valuechain.Actor, []valuechain.Link) {
	rng := rand.New(rand.NewPCG(7, 0))
	roles := []valuechain.Role{valuechain.InputSupplier, valuechain.Producer, valuechain.Producer, valuechain.Producer,
		valuechain.Producer, valuechain.Producer, valuechain.Producer, valuechain.Collector, valuechain.Wholesaler, valuechain.Retailer}
	as := make([]valuechain.Actor, n)
	byStage := map[int][]int{}
	for i := range as {
		r := roles[i%len(roles)]
		as[i] = valuechain.Actor{ID: fmt.Sprintf("a%d", i), Name: fmt.Sprintf("Actor %d", i), Role: r,
			Lon: 90.9 + rng.Float64()*0.2, Lat: 24.0 + rng.Float64()*0.1}
		byStage[r.Stage()] = append(byStage[r.Stage()], i)
	}
	var ls []valuechain.Link
	for i, a := range as {
		if a.Role == valuechain.Retailer {
			continue
		}
		for k := 0; k < 3; k++ {
			next := []int{}
			for s := a.Role.Stage() + 1; s <= valuechain.Retailer.Stage(); s++ {
				next = append(next, byStage[s]...)
			}
			j := next[rng.IntN(len(next))]
			ls = append(ls, valuechain.Link{From: as[i].ID, To: as[j].ID, Flow: valuechain.Goods, Product: "shoes",
				Volume: float64(100 + rng.IntN(1000)), Unit: "pairs", Value: float64(10000 + rng.IntN(100000))})
		}
	}
	return as, ls
}

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
	as, ls := benchChain(10_000)
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
