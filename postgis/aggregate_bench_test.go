package postgis_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/store"
)

// The sums AggregateJobs read before the stores kept them in unit_counts:
// one pass over every enterprise, two numbers of each record. Kept here
// as BenchmarkAggregateJobs's baseline.
const (
	scanJobsSQLite = `SELECT district, sector, count(*),
		total(json_extract(doc, '$.employment.self')), total(json_extract(doc, '$.employment.wage'))
		FROM enterprises GROUP BY 1, 2 ORDER BY 1, 2`
	scanJobsPostGIS = `SELECT district, sector, count(*),
		coalesce(sum((doc->'employment'->>'self')::bigint), 0), coalesce(sum((doc->'employment'->>'wage')::bigint), 0)
		FROM guccho.enterprises GROUP BY 1, 2 ORDER BY 1, 2`
)

// BenchmarkAggregateJobs measures AggregateJobs at district level, what
// every location quotient, Moran's I and hot-spot map of a data version
// reads first, on each store holding $GUCCHO_AGG_ROWS demo enterprises
// (default 20,000, imported before the timer): table-ms is AggregateJobs
// (a read of unit_counts), scan-ms the same sums computed from every
// enterprise as AggregateJobs did before (the baseline, in the same run),
// and x_faster their ratio. It fails unless both give the same rows.
//
//	GUCCHO_AGG_ROWS=1000000 go test -run '^$' -bench AggregateJobs -benchtime 1x -timeout 1h ./postgis
func BenchmarkAggregateJobs(b *testing.B) {
	ctx := context.Background()
	units := bdtest.Units(b)
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		b.Fatal(err)
	}
	rows := envInt(b, "GUCCHO_AGG_ROWS", 20_000)
	csv := loadCSV(b, geo.NewAtlas(units), sectors, rows)

	path := filepath.Join(b.TempDir(), "guccho.db")
	emb, err := embedded.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { emb.Close() })
	lite, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lite.Close() })
	url := pgtest.NewDatabase(b)
	pg, err := postgis.Open(ctx, url, postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Close() })
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(ctx) })

	scans := map[string]func() ([]profile.Aggregate, error){
		"embedded": func() ([]profile.Aggregate, error) {
			rs, err := lite.QueryContext(ctx, scanJobsSQLite)
			if err != nil {
				return nil, err
			}
			defer rs.Close()
			var out []profile.Aggregate
			for rs.Next() {
				var a profile.Aggregate
				var self, wage float64
				if err := rs.Scan(&a.Unit, &a.Sector, &a.Enterprises, &self, &wage); err != nil {
					return nil, err
				}
				a.Self, a.Wage = int(self), int(wage)
				out = append(out, a)
			}
			return out, rs.Err()
		},
		"postgis": func() ([]profile.Aggregate, error) {
			rs, err := conn.Query(ctx, scanJobsPostGIS)
			if err != nil {
				return nil, err
			}
			defer rs.Close()
			var out []profile.Aggregate
			for rs.Next() {
				var a profile.Aggregate
				var self, wage int64
				if err := rs.Scan(&a.Unit, &a.Sector, &a.Enterprises, &self, &wage); err != nil {
					return nil, err
				}
				a.Self, a.Wage = int(self), int(wage)
				out = append(out, a)
			}
			return out, rs.Err()
		},
	}
	for _, st := range []struct {
		name string
		s    store.Store
	}{{"embedded", emb}, {"postgis", pg}} {
		t0 := time.Now()
		loadImport(b, st.s, units, sectors, csv, rows)
		fmt.Printf("BenchmarkAggregateJobs: %s: imported %d demo enterprises in %v\n", st.name, rows, time.Since(t0).Round(time.Second))
		b.Run(st.name, func(b *testing.B) {
			var table, scan time.Duration
			for range b.N {
				t0 := time.Now()
				got, err := st.s.(profile.Aggregator).AggregateJobs(ctx, geo.District)
				t1 := time.Now()
				want, err2 := scans[st.name]()
				t2 := time.Now()
				if err != nil || err2 != nil {
					b.Fatal(err, err2)
				}
				if !reflect.DeepEqual(got, want) {
					b.Fatalf("AggregateJobs gives %d rows, unlike the scan's %d", len(got), len(want))
				}
				table, scan = table+t1.Sub(t0), scan+t2.Sub(t1)
			}
			n := float64(b.N)
			b.ReportMetric(table.Seconds()*1e3/n, "table-ms")
			b.ReportMetric(scan.Seconds()*1e3/n, "scan-ms")
			b.ReportMetric(scan.Seconds()/table.Seconds(), "x_faster")
		})
	}
}
