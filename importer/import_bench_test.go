package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/survey"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// benchRows is the size of the benchmark survey: $GUCCHO_BENCH_ROWS, or
// 20,000 so that `make bench` stays short. The figure in the docs uses
// GUCCHO_BENCH_ROWS=1000000.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("GUCCHO_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

// demoCSV writes a demo survey of n rows to a file and returns its path.
func demoCSV(b *testing.B, atlas *geo.Atlas, sectors *guccho.Sectors, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "survey.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.New(atlas, sectors, demo.Options{N: n, Seed: 3}).WriteCSV(f); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkImportCSV imports one demo survey CSV into a fresh embedded
// store and a fresh PostGIS database, reporting rows/s for each.
func BenchmarkImportCSV(b *testing.B) {
	ctx := context.Background()
	units := bdtest.Units(b)
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	n := benchRows()
	path := demoCSV(b, geo.NewAtlas(units), sectors, n)
	stores := map[string]func(b *testing.B) store.Store{
		"embedded": func(b *testing.B) store.Store {
			s, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"postgis": func(b *testing.B) store.Store {
			s, err := postgis.Open(ctx, pgtest.NewDatabase(b), postgis.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
	}
	for _, name := range []string{"embedded", "postgis"} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := stores[name](b)
				if err := s.ReplaceBoundaries(ctx, units); err != nil {
					b.Fatal(err)
				}
				f, _ := os.Open(path)
				st, _ := f.Stat()
				rd, err := survey.Open(f, st.Size(), "survey.csv")
				if err != nil {
					b.Fatal(err)
				}
				g := &importer.Geocoders{Store: s, Version: s.BoundariesVersion}
				if _, err := g.Get(ctx); err != nil {
					b.Fatal(err)
				}
				im := &importer.Importer{Store: s, Sectors: sectors, Geocoders: g, BatchSize: 5000}
				b.StartTimer()
				imp, err := im.Run(ctx, &guccho.Import{ID: importer.NewID(), Filename: "survey.csv"}, rd, survey.DetectMapping(rd.Columns()))
				b.StopTimer()
				if err != nil || imp.Created != n {
					b.Fatalf("import: %+v, %v", imp, err)
				}
				f.Close()
				s.Close()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
