package importer_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/survey"
)

// BenchmarkImportPostGIS imports one demo survey CSV into the PostGIS store
// and sets it beside its floor, all in one process on one throwaway server:
//
//   - copy_floor: COPY of the CSV file itself into an unindexed table of
//     text columns, the least any import of the file can cost;
//   - produce: the importer with a writer that stores nothing, the rate at
//     which it reads, converts and geocodes (the Go side's ceiling);
//   - import: the real import into a fresh store, with x_floor (its time
//     per row over the floor's) and, over the one import, the rate of the
//     first and the last step of rows (a million when GUCCHO_BENCH_ROWS is
//     two million or more, a fifth of the file otherwise) and last/first;
//   - reimport: the same file again into the filled store, every row
//     unchanged.
//
// GUCCHO_BENCH_ROWS sets the size (20,000 by default, for `make bench`).
func BenchmarkImportPostGIS(b *testing.B) {
	ctx := context.Background()
	units := bdtest.Units(b)
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	n := benchRows()
	path := demoCSV(b, geo.NewAtlas(units), sectors, n)

	var floorRate float64
	copyFloor := func(b *testing.B) float64 {
		url := pgtest.NewDatabase(b)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		cols, err := csvHeader(path)
		if err != nil {
			b.Fatal(err)
		}
		var ddl strings.Builder
		ddl.WriteString("CREATE TABLE floor (")
		for i, c := range cols {
			if i > 0 {
				ddl.WriteString(", ")
			}
			ddl.WriteString(pgx.Identifier{c}.Sanitize() + " text")
		}
		ddl.WriteString(")")
		if _, err := conn.Exec(ctx, ddl.String()); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		tag, err := conn.PgConn().CopyFrom(ctx, f, `COPY floor FROM STDIN (FORMAT csv, HEADER true)`)
		elapsed := time.Since(start)
		if err != nil || tag.RowsAffected() != int64(n) {
			b.Fatalf("copy: %v rows, %v", tag.RowsAffected(), err)
		}
		return float64(n) / elapsed.Seconds()
	}
	b.Run("copy_floor", func(b *testing.B) {
		var sum float64
		for i := 0; i < b.N; i++ {
			sum += copyFloor(b)
		}
		floorRate = sum / float64(b.N)
		b.ReportMetric(floorRate, "rows/s")
	})

	b.Run("produce", func(b *testing.B) {
		s := openPostGIS(b, b, nil)
		for i := 0; i < b.N; i++ {
			_, rate, _ := runImport(b, discardStore{s}, path, n, 0)
			b.ReportMetric(rate, "rows/s")
		}
	})

	var filled *postgis.Store // the import's store, for the reimport
	parent := b
	steps := stepTimes{}
	b.Run("import", func(b *testing.B) {
		if floorRate == 0 {
			floorRate = copyFloor(b)
		}
		for i := 0; i < b.N; i++ {
			s := openPostGIS(b, parent, steps)
			step := n / 5
			if n >= 2_000_000 {
				step = 1_000_000
			}
			clear(steps)
			imp, rate, rates := runImport(b, s, path, n, step)
			if imp.Created != n {
				b.Fatalf("import created %d of %d rows", imp.Created, n)
			}
			steps.log(b, n)
			for k, r := range rates {
				b.Logf("rows %d to %d: %.0f rows/s", k*step, min((k+1)*step, n), r)
			}
			b.ReportMetric(rate, "rows/s")
			b.ReportMetric(floorRate/rate, "x_floor")
			if len(rates) > 1 {
				b.ReportMetric(rates[0], "first_rows/s")
				b.ReportMetric(rates[len(rates)-1], "last_rows/s")
				b.ReportMetric(rates[len(rates)-1]/rates[0], "last/first")
			}
			filled = s
		}
	})

	b.Run("reimport", func(b *testing.B) {
		if filled == nil {
			filled = openPostGIS(b, parent, steps)
			runImport(b, filled, path, n, 0)
		}
		for i := 0; i < b.N; i++ {
			clear(steps)
			imp, rate, _ := runImport(b, filled, path, n, 0)
			if imp.Unchanged != n {
				b.Fatalf("reimport: %d of %d rows unchanged (%+v)", imp.Unchanged, n, imp)
			}
			steps.log(b, n)
			b.ReportMetric(rate, "rows/s")
			if floorRate > 0 {
				b.ReportMetric(floorRate/rate, "x_floor")
			}
		}
	})
}

// openPostGIS opens a PostGIS store on a fresh database, with the shipped
// boundaries, closed and dropped when owner ends; its imports' steps are
// timed into steps, when given.
func openPostGIS(b, owner *testing.B, steps stepTimes) *postgis.Store {
	b.Helper()
	ctx := context.Background()
	var opt postgis.Options
	if steps != nil {
		opt.ImportTimer = steps.add
	}
	s, err := postgis.Open(ctx, pgtest.NewDatabase(owner), opt)
	if err != nil {
		b.Fatal(err)
	}
	owner.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.Units(b)); err != nil {
		b.Fatal(err)
	}
	return s
}

// runImport imports the CSV at path (n rows) into st with the importer's
// defaults and returns the report, the rate in rows/s and, when step > 0,
// the rate of each step of rows read.
func runImport(b *testing.B, st guccho.EnterpriseStore, path string, n, step int) (*guccho.Import, float64, []float64) {
	b.Helper()
	ctx := context.Background()
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	rd, err := survey.Open(f, fi.Size(), "survey.csv")
	if err != nil {
		b.Fatal(err)
	}
	gs := st.(geo.Store)
	g := &importer.Geocoders{Store: gs, Version: func() string { return "bench" }}
	if _, err := g.Get(ctx); err != nil {
		b.Fatal(err)
	}
	var steps []float64
	im := &importer.Importer{Store: st, Sectors: sectors, Geocoders: g}
	var stepStart time.Time
	next := step
	if step > 0 {
		im.Progress = func(p guccho.Import) {
			for p.Read >= next && next <= n {
				now := time.Now()
				steps = append(steps, float64(step)/now.Sub(stepStart).Seconds())
				stepStart, next = now, next+step
			}
		}
	}
	b.StartTimer()
	start := time.Now()
	stepStart = start
	imp, err := im.Run(ctx, &guccho.Import{ID: importer.NewID(), Filename: "survey.csv"}, rd, survey.DetectMapping(rd.Columns()))
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatalf("import: %v", err)
	}
	if imp.Read != n {
		b.Fatalf("import read %d of %d rows", imp.Read, n)
	}
	return imp, float64(n) / elapsed.Seconds(), steps
}

// stepTimes sums the time of each step of a store's import writing
// (postgis.Options.ImportTimer).
type stepTimes map[string]time.Duration

func (st stepTimes) add(step string, d time.Duration) { st[step] += d }

// log says where the time of an import of n rows went, step by step, in
// µs per row and as a share of the steps' total.
func (st stepTimes) log(b *testing.B, n int) {
	var total time.Duration
	for _, d := range st {
		total += d
	}
	var line strings.Builder
	for _, step := range []string{"encode", "find", "undo", "unchanged", "copy", "stage", "write", "cells", "points", "jobs", "pyramid", "commit",
		"plan", "index", "finish"} {
		if d, ok := st[step]; ok {
			fmt.Fprintf(&line, " %s %.1f (%.0f%%)", step, d.Seconds()*1e6/float64(n), 100*d.Seconds()/total.Seconds())
		}
	}
	b.Logf("store steps, µs/row:%s; total %.1f", line.String(), total.Seconds()*1e6/float64(n))
	// The indexing phase (plan, index, finish) beside the loading one.
	indexing := st["plan"] + st["index"] + st["finish"]
	if indexing > 0 {
		b.Logf("indexing phase: %.1f µs/row, %.0f%% of the store's time", indexing.Seconds()*1e6/float64(n), 100*indexing.Seconds()/total.Seconds())
	}
}

// csvHeader returns the column names of a CSV file.
func csvHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cols, err := csv.NewReader(f).Read()
	if err != nil {
		return nil, fmt.Errorf("header of %s: %w", path, err)
	}
	return cols, nil
}

// discardStore is a store whose imports write nothing: the importer's own
// rate, reading, converting and geocoding, without a store's cost.
type discardStore struct{ *postgis.Store }

func (d discardStore) BeginImport(context.Context, *guccho.Import) (guccho.ImportWriter, error) {
	return discardWriter{}, nil
}

type discardWriter struct{}

func (discardWriter) Put(_ context.Context, batch []*guccho.Enterprise) (guccho.ImportCounts, error) {
	return guccho.ImportCounts{Created: len(batch)}, nil
}
func (discardWriter) Fail(context.Context, []guccho.RowError) error      { return nil }
func (discardWriter) Review(context.Context, []*guccho.ReviewItem) error { return nil }
func (discardWriter) Checkpoint(context.Context, *guccho.Import) error   { return nil }
func (discardWriter) Commit(context.Context, *guccho.Import) error       { return nil }
func (discardWriter) Rollback() error                                    { return nil }
