package importer_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
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
//   - import: the real import into a fresh store (a bulk import: it loads
//     without the enterprises' secondary indexes and builds them when it
//     indexes), with x_floor (its time per row over the floor's) and, over
//     the one import, the rate of the first and the last step of rows (a
//     million when GUCCHO_BENCH_ROWS is two million or more, a fifth of the
//     file otherwise) and last/first; build_s, the time its indexing spent
//     building the indexes and analysing the table, and build_share, that
//     time's share of the import's; and how long the slowest of the edits
//     made every 250 ms beside it (each creating an enterprise, from the
//     import's first progress report on, so that the import still begins
//     on an empty store) waited, the loading and the indexing phase apart
//     (load_edit_ms, index_edit_ms);
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
			_, rate, _ := runImport(b, discardStore{s}, path, n, 0, nil)
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
			ed := startEdits(b, s)
			imp, rate, rates := runImport(b, s, path, n, step, ed.watch)
			ed.stop()
			if imp.Created != n {
				b.Fatalf("import created %d of %d rows", imp.Created, n)
			}
			steps.log(b, n)
			build := steps["build"] + steps["analyze"]
			b.ReportMetric(build.Seconds(), "build_s")
			b.ReportMetric(build.Seconds()*rate/float64(n), "build_share")
			b.ReportMetric(float64(ed.slowest[0].Microseconds())/1000, "load_edit_ms")
			b.ReportMetric(float64(ed.slowest[1].Microseconds())/1000, "index_edit_ms")
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
			runImport(b, filled, path, n, 0, nil)
		}
		for i := 0; i < b.N; i++ {
			clear(steps)
			imp, rate, _ := runImport(b, filled, path, n, 0, nil)
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
// the rate of each step of rows read; watch, when not nil, is told of
// each progress report.
func runImport(b *testing.B, st guccho.EnterpriseStore, path string, n, step int, watch func(guccho.Import)) (*guccho.Import, float64, []float64) {
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
	im.Progress = func(p guccho.Import) {
		for step > 0 && p.Read >= next && next <= n {
			now := time.Now()
			steps = append(steps, float64(step)/now.Sub(stepStart).Seconds())
			stepStart, next = now, next+step
		}
		if watch != nil {
			watch(p)
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

// edits creates an enterprise every 250 ms beside an import, from the
// import's first progress report until stop, and keeps the slowest wait
// of each phase: [0] loading, [1] indexing.
type edits struct {
	phase   atomic.Int32 // 0 before the first report, 1 loading, 2 indexing
	done    chan struct{}
	ended   chan struct{}
	slowest [2]time.Duration
}

func startEdits(b *testing.B, s *postgis.Store) *edits {
	ed := &edits{done: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(ed.ended)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for k := 0; ; k++ {
			select {
			case <-ed.done:
				return
			case <-tick.C:
			}
			phase := ed.phase.Load()
			if phase == 0 {
				continue
			}
			t0 := time.Now()
			e := &guccho.Enterprise{ID: fmt.Sprintf("bench-edit-%d", k), Sector: "dairy", Point: [2]float64{90.4, 23.8},
				Geocode: guccho.Geocode{Method: guccho.GeocodeGPS}}
			if err := s.CreateEnterprise(context.Background(), e); err != nil {
				b.Error(err)
			}
			ed.slowest[phase-1] = max(ed.slowest[phase-1], time.Since(t0))
		}
	}()
	return ed
}

// watch follows the import's phase (runImport's watch).
func (ed *edits) watch(p guccho.Import) {
	switch {
	case p.Phase == guccho.ImportIndexing:
		ed.phase.Store(2)
	case p.Read > 0 && ed.phase.Load() == 0:
		ed.phase.Store(1)
	}
}

// stop ends the edits and waits for the last.
func (ed *edits) stop() {
	close(ed.done)
	<-ed.ended
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
		"build", "analyze", "plan", "index", "finish"} {
		if d, ok := st[step]; ok {
			fmt.Fprintf(&line, " %s %.1f (%.0f%%)", step, d.Seconds()*1e6/float64(n), 100*d.Seconds()/total.Seconds())
		}
	}
	b.Logf("store steps, µs/row:%s; total %.1f", line.String(), total.Seconds()*1e6/float64(n))
	// The indexing phase (build, analyze, plan, index, finish) beside the
	// loading one.
	indexing := st["build"] + st["analyze"] + st["plan"] + st["index"] + st["finish"]
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
