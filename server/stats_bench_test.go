package server_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/server"
)

// BenchmarkStatsUnions times GET /api/stats/hotspots over the 5,160 real
// unions (queen weights, 999 permutations) with 50,000 enterprises: "cold"
// builds the weights, sums the enterprises and computes Gi*; "new seed"
// reuses weights and sums; "cached" answers from the result cache.
// unionsStore returns an embedded store with the 5,160 real unions and
// 50,000 enterprises of three sectors spread over them at random, and the
// sector catalogue.
func unionsStore(b *testing.B) (*embedded.Store, *guccho.Sectors) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	units := bdtest.Units(b)
	if err := s.ReplaceBoundaries(ctx, units); err != nil {
		b.Fatal(err)
	}
	var unions []*geo.Unit
	for _, u := range units {
		if u.Level == geo.Union {
			unions = append(unions, u)
		}
	}
	imp := &guccho.Import{ID: "bench", Filename: "bench.csv", Format: "csv", Status: guccho.ImportRunning}
	if err := s.CreateImport(ctx, imp); err != nil {
		b.Fatal(err)
	}
	wr, err := s.BeginImport(ctx, imp)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	sectors := []string{"dairy", "footwear_leather", "light_engineering"}
	var batch []*guccho.Enterprise
	for i := range 50_000 {
		u := unions[rnd.IntN(len(unions))]
		codes := geo.ParentCodes(u.PCode)
		e := &guccho.Enterprise{ID: fmt.Sprint("E", i), Sector: sectors[rnd.IntN(len(sectors))], Point: u.Label, DisplayPoint: true,
			Admin:      guccho.AdminCodes{Division: codes[0], District: codes[1], Upazila: codes[2], Union: u.PCode},
			Geocode:    guccho.Geocode{Method: guccho.GeocodeUnion, Score: 1},
			Employment: guccho.Employment{Self: 1, Wage: rnd.IntN(5)}}
		batch = append(batch, e)
		if len(batch) == 5000 {
			if _, err := wr.Put(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = nil
		}
	}
	imp.Status = guccho.ImportSucceeded
	if err := wr.Commit(ctx, imp); err != nil {
		b.Fatal(err)
	}
	sectorsCat, _ := guccho.ParseSectors(data.SectorsJSON)
	return s, sectorsCat

}

func BenchmarkStatsUnions(b *testing.B) {
	s, sectorsCat := unionsStore(b)
	run := func(b *testing.B, url string) {
		r, err := http.Get(url)
		if err != nil || r.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %v %v", url, r.Status, err)
		}
		r.Body.Close()
	}
	const q = "/api/stats/hotspots?sector=dairy&level=union&permutations=999&seed="
	b.Run("cold", func(b *testing.B) {
		for range b.N {
			srv := server.New(server.Config{Store: s, Sectors: sectorsCat})
			ts := httptest.NewServer(srv)
			run(b, ts.URL+q+"1")
			ts.Close()
			srv.Close()
		}
	})
	srv := server.New(server.Config{Store: s, Sectors: sectorsCat})
	ts := httptest.NewServer(srv)
	defer func() { ts.Close(); srv.Close() }()
	run(b, ts.URL+q+"0")
	b.Run("new seed", func(b *testing.B) {
		for i := range b.N {
			run(b, fmt.Sprint(ts.URL, q, 100+i))
		}
	})
	b.Run("cached", func(b *testing.B) {
		for range b.N {
			run(b, ts.URL+q+"0")
		}
	})
}

// BenchmarkStatsExportUnions times the downloads of GET /api/stats/lq over
// the 5,160 real unions (weights and sums cached): the JSON answer (no
// geometry) is the baseline; csv, geojson and gpkg are the exports, the last
// two with every union's boundary. It reports the body size.
func BenchmarkStatsExportUnions(b *testing.B) {
	s, sectorsCat := unionsStore(b)
	srv := server.New(server.Config{Store: s, Sectors: sectorsCat, TempDir: b.TempDir()})
	ts := httptest.NewServer(srv)
	defer func() { ts.Close(); srv.Close() }()
	const q = "/api/stats/lq?sector=dairy&level=union&format="
	for _, format := range []string{"json", "csv", "geojson", "gpkg"} {
		b.Run(format, func(b *testing.B) {
			var n int64
			for range b.N {
				r, err := http.Get(ts.URL + q + format)
				if err != nil || r.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %v %v", format, r.Status, err)
				}
				n, _ = io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
			b.ReportMetric(float64(n)/1e6, "MB")
		})
	}
}
