package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/server"
)

// benchProfileN is how many enterprises BenchmarkProfileAfterAnEdit
// spreads over the grid's three districts.
const benchProfileN = 150_000

// BenchmarkProfileAfterAnEdit measures what one edit costs the next
// profile of a district (GET /api/profile/BD1004, a third of
// benchProfileN enterprises, embedded store): in alternated pairs, an edit
// of jobs in another district (the district's aggregates are kept) and an
// edit of jobs in the district (they are read again). It reports both
// medians and their ratio; the edit itself is not timed.
//
//	go test -run '^$' -bench BenchmarkProfileAfterAnEdit -benchtime 10x ./server/
func BenchmarkProfileAfterAnEdit(b *testing.B) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(b)); err != nil {
		b.Fatal(err)
	}
	imp := &guccho.Import{ID: "bench", Filename: "bench.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
	if err := s.CreateImport(ctx, imp); err != nil {
		b.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Rollback()
	dists := []struct{ code, upazila string }{{"BD1004", "BD100409"}, {"BD1006", "BD100651"}, {"BD1009", "BD100918"}}
	sectors := []string{"dairy", "footwear_leather", "food_processing"}
	barriers := [][]string{nil, {"credit"}, {"high_raw_material_cost", "power"}}
	const batch = 10_000
	for start := 0; start < benchProfileN; start += batch {
		var es []*guccho.Enterprise
		for i := start; i < min(start+batch, benchProfileN); i++ {
			d, row := dists[i%3], i/3%3
			union := d.upazila + []string{"11", "13", "15"}[row]
			pt := orb.Point{90 + float64(i%3) + 0.5, 22 + float64(row) + 0.5}
			yes := i%2 == 0
			es = append(es, &guccho.Enterprise{ID: fmt.Sprintf("b%07d", i), Name: fmt.Sprintf("Enterprise %d", i), Sector: sectors[i/9%3],
				GPS: &pt, Point: pt, Admin: guccho.AdminCodes{Division: "BD10", District: d.code, Upazila: d.upazila, Union: union},
				Geocode:    guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1},
				Employment: guccho.Employment{Self: 1, Wage: i % 5}, OwnerGender: []string{"female", "male", ""}[i%3],
				RECP: guccho.RECP{Aware: &yes}, Barriers: barriers[i%3], ImportRow: i + 1})
		}
		if _, err := w.Put(ctx, es); err != nil {
			b.Fatal(err)
		}
	}
	imp.Status, imp.Created = guccho.ImportSucceeded, benchProfileN
	if err := w.Fail(ctx, nil); err != nil {
		b.Fatal(err)
	}
	if err := w.Commit(ctx, imp); err != nil {
		b.Fatal(err)
	}
	sectorsCat, _ := guccho.ParseSectors(data.SectorsJSON)
	srv := server.New(server.Config{Store: s, Sectors: sectorsCat})
	ts := httptest.NewServer(srv)
	b.Cleanup(func() { ts.Close(); srv.Close() })
	profile := func() time.Duration {
		t0 := time.Now()
		r, err := http.Get(ts.URL + "/api/profile/BD1004")
		if err != nil {
			b.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			b.Fatalf("GET /api/profile/BD1004: %d", r.StatusCode)
		}
		return time.Since(t0)
	}
	edit := func(id string, i int) {
		e, err := s.FindEnterpriseByID(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		e.Employment.Wage = 10 + i%2
		if err := s.UpdateEnterprise(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	profile() // cold
	var kept, read []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		edit("b0000002", i) // Bhola (BD1009)
		b.StartTimer()
		kept = append(kept, profile())
		b.StopTimer()
		edit("b0000000", i) // Barguna (BD1004)
		b.StartTimer()
		read = append(read, profile())
	}
	b.StopTimer()
	mid := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2]) / float64(time.Millisecond)
	}
	k, r := mid(kept), mid(read)
	b.ReportMetric(k, "kept-ms")
	b.ReportMetric(r, "reread-ms")
	b.ReportMetric(r/k, "reread/kept")
}
