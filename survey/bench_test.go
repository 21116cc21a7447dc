package survey

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const benchRows = 50_000

// benchCSV is a generated survey of benchRows rows as CSV bytes.
var benchCSV = sync.OnceValue(func() []byte {
	b, err := io.ReadAll(&surveyLines{n: benchRows})
	if err != nil {
		panic(err)
	}
	return b
})

// benchXLSX is the same survey as an XLSX workbook.
var benchXLSX = sync.OnceValue(func() []byte { return surveyXLSX(panicTB{}, benchCSV()) })

// surveyXLSX writes a CSV survey as an XLSX workbook, the way Excel writes
// one: every text cell in the shared-string table, numbers as numbers.
func surveyXLSX(tb testing.TB, data []byte) []byte {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var sst []string
	index := map[string]int{}
	var sheet strings.Builder
	for r, rec := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, r+1)
		for c, v := range rec {
			ref := columnName(c) + strconv.Itoa(r+1)
			if _, err := strconv.ParseFloat(v, 64); err == nil && r > 0 && !strings.HasPrefix(v, "0") {
				fmt.Fprintf(&sheet, `<c r="%s"><v>%s</v></c>`, ref, v)
				continue
			}
			i, ok := index[v]
			if !ok {
				i = len(sst)
				index[v] = i
				sst = append(sst, v)
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
		}
		sheet.WriteString("</row>")
	}
	return buildXLSX(tb, map[string]string{"Survey": sheetXML(sheet.String())}, sst)
}

// panicTB lets the generators use buildXLSX outside a test.
type panicTB struct{ testing.TB }

func (panicTB) Helper()           {}
func (panicTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

// encodingCSVNsPerRow is the baseline: encoding/csv splitting the same CSV
// into records, nothing else done; the fastest of five passes, measured once
// per run (testing.Benchmark cannot run inside a benchmark).
var encodingCSVNsPerRow = sync.OnceValue(func() float64 {
	best := time.Duration(1<<63 - 1)
	for range 5 {
		start := time.Now()
		splitCSV(benchCSV())
		best = min(best, time.Since(start))
	}
	return float64(best.Nanoseconds()) / benchRows
})

func splitCSV(data []byte) int {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	n := 0
	for {
		if _, err := cr.Read(); err == io.EOF {
			return n - 1
		} else if err != nil {
			panic(err)
		}
		n++
	}
}

// BenchmarkRead reads (and converts) the same 50,000-row survey as CSV and
// as XLSX. It reports rows/s and the time per row as a multiple of
// encoding/csv's on the same data in the same run (x_encoding_csv).
// xlsx_encoding_xml reads the XLSX with encoding/xml alone, the reader's
// fallback (and its only path before the fast scanner).
//
//	go test -run '^$' -bench Read ./survey/
func BenchmarkRead(b *testing.B) {
	columns := []string{"enterprise_id", "enterprise_name", "sector", "district", "upazila", "latitude", "longitude",
		"self_employment", "wage_workers", "owner_gender", "barriers", "phone"}
	b.Run("encoding_csv", func(b *testing.B) {
		data := benchCSV()
		b.SetBytes(int64(len(data)))
		start := time.Now()
		for b.Loop() {
			if n := splitCSV(data); n != benchRows {
				b.Fatalf("read %d rows, want %d", n, benchRows)
			}
		}
		b.ReportMetric(float64(b.N)*benchRows/time.Since(start).Seconds(), "rows/s")
	})
	for _, format := range []string{"csv", "xlsx", "xlsx_encoding_xml"} {
		for _, convert := range []bool{false, true} {
			name := format
			if convert {
				if format == "xlsx_encoding_xml" {
					continue
				}
				name += "+convert"
			}
			b.Run(name, func(b *testing.B) {
				data := benchCSV()
				if format != "csv" {
					data = benchXLSX()
				}
				c := converter(b, columns...)
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					var rd Reader
					var err error
					if format == "xlsx_encoding_xml" {
						rd, err = newXLSXReader(bytes.NewReader(data), int64(len(data)), Options{}, false)
					} else {
						rd, err = Open(bytes.NewReader(data), int64(len(data)), "survey."+format)
					}
					if err != nil {
						b.Fatal(err)
					}
					n := 0
					for {
						row, err := rd.Next()
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						if convert {
							if e, errs := c.Convert(row); e == nil {
								b.Fatalf("row %d: %v", row.Number, errs)
							}
						}
						n++
					}
					if n != benchRows {
						b.Fatalf("read %d rows, want %d", n, benchRows)
					}
				}
				nsPerRow := float64(time.Since(start).Nanoseconds()) / float64(b.N) / benchRows
				b.ReportMetric(1e9/nsPerRow, "rows/s")
				b.ReportMetric(nsPerRow/encodingCSVNsPerRow(), "x_encoding_csv")
			})
		}
	}
}
