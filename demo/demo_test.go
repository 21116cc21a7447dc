package demo_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

var (
	atlasOnce sync.Once
	atlas     *geo.Atlas
)

// realAtlas returns an Atlas of the shared boundary data, built once.
func realAtlas(tb testing.TB) *geo.Atlas {
	tb.Helper()
	units := bdtest.Units(tb)
	atlasOnce.Do(func() { atlas = geo.NewAtlas(units) })
	return atlas
}

func catalogue(tb testing.TB) *guccho.Sectors {
	tb.Helper()
	s, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// record is one generated row, by column name, with its truth.
type record struct {
	v     map[string]string
	truth demo.Truth
}

// generate returns every record of a survey.
func generate(tb testing.TB, opt demo.Options) []record {
	tb.Helper()
	g := demo.New(realAtlas(tb), catalogue(tb), opt)
	cols := g.Columns()
	var out []record
	for {
		vals, truth, ok := g.Next()
		if !ok {
			return out
		}
		if len(vals) != len(cols) {
			tb.Fatalf("row %d has %d values, want %d", len(out)+1, len(vals), len(cols))
		}
		m := make(map[string]string, len(cols))
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, record{m, truth})
	}
}

var (
	defaultOnce sync.Once
	defaultRecs []record
)

// defaultSurvey is the survey at SMART's size with seed 1, generated once.
func defaultSurvey(tb testing.TB) []record {
	tb.Helper()
	realAtlas(tb)
	defaultOnce.Do(func() { defaultRecs = generate(tb, demo.Options{Seed: 1}) })
	return defaultRecs
}

func share(k, n int) float64 { return 100 * float64(k) / float64(n) }

// TestSurveyMatchesSMART checks the default survey against the SMART
// figures of DESIGN §2: exact counts, and rates to half a percentage point.
func TestSurveyMatchesSMART(t *testing.T) {
	recs := defaultSurvey(t)
	sectors := catalogue(t)
	if len(recs) != 5457 {
		t.Fatalf("%d enterprises, want 5457", len(recs))
	}
	districts := map[string]bool{}
	bySector := map[string]int{}
	awareBySector := map[string]int{}
	var jobs, aware, adopted, raw, synthetic int
	for _, r := range recs {
		districts[r.truth.District] = true
		sec, ok := sectors.Lookup(r.v["sector"])
		if !ok {
			t.Fatalf("sector %q is not in the catalogue", r.v["sector"])
		}
		bySector[sec.Code]++
		self, err1 := strconv.Atoi(r.v["self_employed"])
		wage, err2 := strconv.Atoi(r.v["wage_workers"])
		if err1 != nil || err2 != nil || self < 1 || wage < 0 {
			t.Fatalf("employment %q + %q, want self ≥ 1 and wage ≥ 0", r.v["self_employed"], r.v["wage_workers"])
		}
		jobs += self + wage
		if r.v["recp_aware"] == "yes" {
			aware++
			awareBySector[sec.Code]++
			if r.v["recp_adopted"] == "yes" {
				adopted++
			}
		} else if r.v["recp_adopted"] != "" || r.v["recp_practices"] != "" {
			t.Errorf("record %s is not RECP-aware but has adopted %q, practices %q", r.v["_id"], r.v["recp_adopted"], r.v["recp_practices"])
		}
		if strings.Contains(r.v["barriers"], demo.BarrierRawMaterial) {
			raw++
		}
		if r.v["synthetic"] == "true" {
			synthetic++
		}
	}
	n := len(recs)
	if len(districts) != 41 {
		t.Errorf("%d districts, want 41", len(districts))
	}
	if len(bySector) != 9 {
		t.Errorf("%d sectors %v, want 9", len(bySector), bySector)
	}
	if synthetic != n {
		t.Errorf("%d of %d records marked synthetic, want all", synthetic, n)
	}
	rates := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"mean jobs per enterprise", float64(jobs) / float64(n), 5.91, 0.05},
		{"% RECP-aware", share(aware, n), 13, 0.5},
		{"% RECP-aware in horticulture", share(awareBySector["horticulture"], bySector["horticulture"]), 31.77, 0.5},
		{"% RECP-aware in food processing", share(awareBySector["food_processing"], bySector["food_processing"]), 0, 0},
		{"% of the aware who adopted", share(adopted, aware), 2.84, 0.5},
		{"% citing raw-material costs", share(raw, n), 26.7, 0.5},
	}
	for _, r := range rates {
		if math.Abs(r.got-r.want) > r.tol {
			t.Errorf("%s = %.3f, want %.2f ± %.2f", r.name, r.got, r.want, r.tol)
		}
	}
}

// TestSurveyIsMessy checks that the names and points are as untidy as the
// field makes them: the shares the generator documents, to a few points.
func TestSurveyIsMessy(t *testing.T) {
	recs := defaultSurvey(t)
	var gps, zero, noUnion, noUpazila, bangla, upper int
	for _, r := range recs {
		switch lat := r.v["_gps_latitude"]; lat {
		case "":
		case "0":
			gps++
			zero++
		default:
			gps++
		}
		if r.v["union"] == "" {
			noUnion++
		}
		if r.v["upazila"] == "" {
			noUpazila++
		}
		d := strings.TrimSpace(r.v["district"])
		if !isASCII(d) {
			bangla++
		} else if d == strings.ToUpper(d) {
			upper++
		}
	}
	n := len(recs)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"% with GPS", share(gps, n), 60},
		{"% of GPS points zero", share(zero, gps), 1},
		{"% without union", share(noUnion, n), 30},
		{"% without upazila", share(noUpazila, n), 5},
		{"% districts in Bangla", share(bangla, n), 20},
		{"% districts in upper case", share(upper, n), 12},
	} {
		if math.Abs(c.got-c.want) > 3 {
			t.Errorf("%s = %.1f, want about %.0f", c.name, c.got, c.want)
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// TestTruthInsideUnion checks every truth point against the boundaries:
// it lies in its union, which lies in its upazila and district.
func TestTruthInsideUnion(t *testing.T) {
	a := realAtlas(t)
	for _, r := range defaultSurvey(t) {
		u, ok := a.Locate(r.truth.Point)
		if !ok || u.PCode != r.truth.Union {
			t.Fatalf("record %s: truth point %v lies in %v, want union %s", r.v["_id"], r.truth.Point, u, r.truth.Union)
		}
		if u.Parent != r.truth.Upazila || r.truth.Upazila[:6] != r.truth.District {
			t.Fatalf("record %s: union %s, upazila %s, district %s do not nest", r.v["_id"], u.PCode, r.truth.Upazila, r.truth.District)
		}
	}
}

// TestFootwearClusterAtBhairab checks the Bhairab cluster meets the SMEF
// definition: 50 or more footwear enterprises within 5 km of a point.
func TestFootwearClusterAtBhairab(t *testing.T) {
	sectors := catalogue(t)
	bhairab := orb.Point{90.99, 24.05}
	near := 0
	for _, r := range defaultSurvey(t) {
		if sec, _ := sectors.Lookup(r.v["sector"]); sec.Code == "footwear_leather" && orbgeo.Distance(bhairab, r.truth.Point) <= 5000 {
			near++
		}
	}
	if near < 50 {
		t.Errorf("%d footwear enterprises within 5 km of Bhairab %v, want at least 50", near, bhairab)
	}
}

// TestDeterministic checks a seed gives the same survey, row for row, and
// another seed another one.
func TestDeterministic(t *testing.T) {
	a, s := realAtlas(t), catalogue(t)
	csvOf := func(seed uint64) []byte {
		var buf bytes.Buffer
		if err := demo.New(a, s, demo.Options{N: 500, Seed: seed}).WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	first, again, other := csvOf(7), csvOf(7), csvOf(8)
	if !bytes.Equal(first, again) {
		t.Error("seed 7 gave two different surveys")
	}
	if bytes.Equal(first, other) {
		t.Error("seeds 7 and 8 gave the same survey")
	}
	rows, err := csv.NewReader(bytes.NewReader(first)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(rows) != 501 || rows[0][0] != "_id" {
		t.Errorf("%d rows beginning %v, want a header and 500 records", len(rows), rows[0])
	}
	if !utf8.Valid(first) {
		t.Error("the CSV is not UTF-8")
	}
}

// TestLargeSurveyCoversMoreDistricts checks the scaling rule: above 20,000
// enterprises the survey reaches beyond SMART's 41 districts.
func TestLargeSurveyCoversMoreDistricts(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 60,000 records")
	}
	g := demo.New(realAtlas(t), catalogue(t), demo.Options{N: 60_000, Seed: 3})
	districts := map[string]bool{}
	n := 0
	for {
		_, truth, ok := g.Next()
		if !ok {
			break
		}
		n++
		districts[truth.District] = true
	}
	if n != 60_000 || len(districts) <= 41 || len(districts) > 64 {
		t.Errorf("%d records in %d districts, want 60000 in 42 to 64", n, len(districts))
	}
}

// TestGridAtlas checks a survey over an atlas without the profile's
// places (the grid fixture): every record lands in one of its districts.
func TestGridAtlas(t *testing.T) {
	a := geo.NewAtlas(bdtest.GridUnits(t))
	g := demo.New(a, nil, demo.Options{N: 100})
	n := 0
	for {
		_, truth, ok := g.Next()
		if !ok {
			break
		}
		n++
		if u, ok := a.Locate(truth.Point); !ok || u.PCode != truth.Union {
			t.Fatalf("truth point %v not in union %s", truth.Point, truth.Union)
		}
	}
	if n != 100 {
		t.Errorf("%d records, want 100", n)
	}
}

// BenchmarkGenerate measures generation (records/s); allocations per record
// stay flat however many records are made.
func BenchmarkGenerate(b *testing.B) {
	g := demo.New(realAtlas(b), catalogue(b), demo.Options{N: math.MaxInt32, Seed: 1})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		g.Next()
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
