package importer_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/survey"
)

// The importer's defaults, which the floor copies: rows per batch, and how
// long a chunk of batches writes before it commits.
const (
	floorBatch = 2000
	floorChunk = 500 * time.Millisecond
)

// BenchmarkImportEmbedded imports one demo survey CSV into a fresh embedded
// store (import) and, in the same run, measures the floor of that import:
// a bare insert of the same CSV's cells, every column as text, into an
// unindexed SQLite table through the same driver with the store's
// durability settings (WAL, synchronous=FULL), one prepared statement,
// committed as the importer commits its chunks (every 500 ms, checked
// every 2,000 rows) (sqlite_floor). import reports rows/s and x_floor, its
// time as a multiple of the floor's. Both also report the CPU time the
// process used per row (cpu-µs/row: the producer's parsing and geocoding
// and SQLite's work, on any core), which other jobs on a shared machine
// disturb less than the wall-clock rate; import adds x_floor_cpu.
//
// import also reports the share of its time spent in the indexing phase
// (index_share: from the report of phase indexing to the end) and the
// largest size the store's WAL reached (wal_MB, sampled every 100 ms), and
// how long the slowest of the edits made every 250 ms meanwhile, each
// creating an enterprise, waited (edit_wait_ms; the loading phase and the
// indexing phase apart: load_edit_ms, index_edit_ms). The import runs
// on a store holding only boundaries, so it is a bulk import
// (docs/import.md#bulk-loads): build_s is the time its indexing spent
// building the indexes of enterprises, and build_share that time's share
// of the import's.
//
// import also reports its rate over each step of the one import (a million
// rows, or a quarter of the survey when it has fewer than two million) as
// first_rows/s and last_rows/s and their ratio last/first, which stays
// near 1 when the rate holds as the table grows; the log lists every step.
//
//	GUCCHO_BENCH_ROWS=1000000 go test ./importer -run '^$' -bench ImportEmbedded -benchtime 1x
func BenchmarkImportEmbedded(b *testing.B) {
	ctx := context.Background()
	units := bdtest.Units(b)
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	n := benchRows()
	path := demoCSV(b, geo.NewAtlas(units), sectors, n)
	var floor, floorCPU float64 // seconds per row
	b.Run("sqlite_floor", func(b *testing.B) {
		var cpu time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dbPath := filepath.Join(b.TempDir(), "floor.db")
			c0 := cpuTime()
			b.StartTimer()
			if got := insertFloor(b, path, dbPath); got != n {
				b.Fatalf("the floor inserted %d rows, want %d", got, n)
			}
			b.StopTimer()
			cpu += cpuTime() - c0
		}
		floor = b.Elapsed().Seconds() / float64(n*b.N)
		floorCPU = cpu.Seconds() / float64(n*b.N)
		b.ReportMetric(1/floor, "rows/s")
		if floorCPU > 0 {
			b.ReportMetric(floorCPU*1e6, "cpu-µs/row")
		}
	})
	b.Run("import", func(b *testing.B) {
		step := 1_000_000
		if n < 2*step {
			step = max(n/4, 1)
		}
		var marks []time.Duration // time at which the import had read k·step rows
		var cpu, indexing time.Duration
		var walMax int64
		var editLoad, editIndex, build time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dbPath := filepath.Join(b.TempDir(), "guccho.db")
			s, err := embedded.Open(ctx, dbPath)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.ReplaceBoundaries(ctx, units); err != nil {
				b.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			st, _ := f.Stat()
			rd, err := survey.Open(f, st.Size(), "survey.csv")
			if err != nil {
				b.Fatal(err)
			}
			g := &importer.Geocoders{Store: s, Version: s.BoundariesVersion}
			if _, err := g.Get(ctx); err != nil {
				b.Fatal(err)
			}
			marks = marks[:0]
			var start, indexFrom time.Time
			var indexingNow atomic.Bool
			im := &importer.Importer{Store: s, Sectors: sectors, Geocoders: g, Progress: func(imp guccho.Import) {
				for imp.Read >= (len(marks)+1)*step {
					marks = append(marks, time.Since(start))
				}
				if imp.Phase == guccho.ImportIndexing && indexFrom.IsZero() {
					indexFrom = time.Now()
					indexingNow.Store(true)
				}
			}}
			// Edits beside the import: one enterprise created every 250 ms.
			stopEdits := make(chan struct{})
			editsDone := make(chan [2]time.Duration)
			go func() {
				var slowest [2]time.Duration
				tick := time.NewTicker(250 * time.Millisecond)
				defer tick.Stop()
				for k := 0; ; k++ {
					select {
					case <-stopEdits:
						editsDone <- slowest
						return
					case <-tick.C:
					}
					phase := 0
					if indexingNow.Load() {
						phase = 1
					}
					t0 := time.Now()
					e := &guccho.Enterprise{ID: fmt.Sprintf("bench-edit-%d", k), Sector: "dairy", Point: [2]float64{90.4, 23.8},
						Geocode: guccho.Geocode{Method: guccho.GeocodeGPS}}
					if err := s.CreateEnterprise(ctx, e); err != nil {
						b.Error(err)
					}
					slowest[phase] = max(slowest[phase], time.Since(t0))
				}
			}()
			stopWAL := make(chan struct{})
			walDone := make(chan int64)
			go func() {
				var most int64
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for {
					if st, err := os.Stat(dbPath + "-wal"); err == nil {
						most = max(most, st.Size())
					}
					select {
					case <-stopWAL:
						walDone <- most
						return
					case <-tick.C:
					}
				}
			}()
			c0 := cpuTime()
			b.StartTimer()
			start = time.Now()
			imp, err := im.Run(ctx, &guccho.Import{ID: importer.NewID(), Filename: "survey.csv"}, rd, survey.DetectMapping(rd.Columns()))
			end := time.Now()
			b.StopTimer()
			cpu += cpuTime() - c0
			if !indexFrom.IsZero() {
				indexing += end.Sub(indexFrom)
			}
			close(stopWAL)
			walMax = max(walMax, <-walDone)
			close(stopEdits)
			slowest := <-editsDone
			editLoad, editIndex = max(editLoad, slowest[0]), max(editIndex, slowest[1])
			if err != nil || imp.Created != n { // the edits' enterprises are not the import's
				b.Fatalf("import: %+v, %v", imp, err)
			}
			build += s.IndexBuildTime()
			f.Close()
			s.Close()
		}
		perRow := b.Elapsed().Seconds() / float64(n*b.N)
		b.ReportMetric(1/perRow, "rows/s")
		if floor > 0 {
			b.ReportMetric(perRow/floor, "x_floor")
		}
		if cpuPerRow := cpu.Seconds() / float64(n*b.N); cpuPerRow > 0 {
			b.ReportMetric(cpuPerRow*1e6, "cpu-µs/row")
			if floorCPU > 0 {
				b.ReportMetric(cpuPerRow/floorCPU, "x_floor_cpu")
			}
		}
		b.ReportMetric(indexing.Seconds()/b.Elapsed().Seconds(), "index_share")
		b.ReportMetric(build.Seconds()/float64(b.N), "build_s")
		b.ReportMetric(build.Seconds()/b.Elapsed().Seconds(), "build_share")
		b.ReportMetric(float64(walMax)/(1<<20), "wal_MB")
		b.ReportMetric(float64(editLoad.Microseconds())/1000, "load_edit_ms")
		b.ReportMetric(float64(editIndex.Microseconds())/1000, "index_edit_ms")
		rates := stepRates(marks, step)
		if len(rates) >= 2 {
			first, last := rates[0], rates[len(rates)-1]
			b.ReportMetric(first, "first_rows/s")
			b.ReportMetric(last, "last_rows/s")
			b.ReportMetric(last/first, "last/first")
			var sb strings.Builder
			for k, r := range rates {
				fmt.Fprintf(&sb, "\n  rows %d–%d: %.0f rows/s", k*step, (k+1)*step, r)
			}
			b.Logf("import rate per %d rows:%s", step, sb.String())
		}
	})
}

// stepRates turns the times at which an import had read step, 2·step, …
// rows into the rate of each step, in rows/s.
func stepRates(marks []time.Duration, step int) []float64 {
	var rates []float64
	var prev time.Duration
	for _, m := range marks {
		if d := (m - prev).Seconds(); d > 0 {
			rates = append(rates, float64(step)/d)
		}
		prev = m
	}
	return rates
}

// insertFloor reads the CSV at csvPath and inserts every data row, each
// cell as text, into an unindexed table of a new SQLite database at
// dbPath, and returns how many rows it inserted.
func insertFloor(b *testing.B, csvPath, dbPath string) int {
	b.Helper()
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(FULL)", "cache_size(-16384)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?"+q.Encode())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	f, err := os.Open(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		b.Fatal(err)
	}
	cols := make([]string, len(header))
	for i := range cols {
		cols[i] = "c" + strconv.Itoa(i) + " TEXT"
	}
	if _, err := db.Exec(`CREATE TABLE survey (` + strings.Join(cols, ", ") + `)`); err != nil {
		b.Fatal(err)
	}
	insert := `INSERT INTO survey VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(header)), ", ") + `)`
	args := make([]any, len(header))
	var tx *sql.Tx
	var stmt *sql.Stmt
	var chunkStart time.Time
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if tx == nil {
			if tx, err = db.Begin(); err != nil {
				b.Fatal(err)
			}
			if stmt, err = tx.Prepare(insert); err != nil {
				b.Fatal(err)
			}
			chunkStart = time.Now()
		}
		for i := range args {
			args[i] = ""
			if i < len(rec) {
				args[i] = rec[i]
			}
		}
		if _, err := stmt.Exec(args...); err != nil {
			b.Fatal(err)
		}
		n++
		if n%floorBatch == 0 && time.Since(chunkStart) >= floorChunk {
			stmt.Close()
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			tx = nil
		}
	}
	if tx != nil {
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return n
}
