package demo_test

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// geocodeInput reads a record the way an import does: the names as
// written, the GPS columns parsed into {lon, lat} (nil when either is
// empty, NaN when either is not a number).
func geocodeInput(r record) geo.GeocodeInput {
	in := geo.GeocodeInput{ID: r.v["_id"], Stated: guccho.AdminNames{
		Division: r.v["division"], District: r.v["district"], Upazila: r.v["upazila"], Union: r.v["union"],
	}}
	lat, lon := strings.TrimSpace(r.v["_gps_latitude"]), strings.TrimSpace(r.v["_gps_longitude"])
	if lat != "" && lon != "" {
		x, err1 := strconv.ParseFloat(lon, 64)
		y, err2 := strconv.ParseFloat(lat, 64)
		if err1 != nil || err2 != nil {
			x, y = math.NaN(), math.NaN()
		}
		in.GPS = &orb.Point{x, y}
	}
	return in
}

// outcome tallies placements against the truth at one level.
type outcome struct{ right, wrong, unplaced int }

func (o *outcome) add(got, want string) {
	switch got {
	case "":
		o.unplaced++
	case want:
		o.right++
	default:
		o.wrong++
	}
}

// accuracy is how one pass of the geocoder over a survey fared.
type accuracy struct {
	n                        int
	district, upazila, union outcome
	wrongFlagged             int // wrong upazila, but the record carries a flag
	methods                  map[string]*outcome
	flags                    map[string]int
}

// measure geocodes every record (without its GPS columns when namesOnly)
// and tallies the results against the truth.
func measure(gc *geo.Geocoder, recs []record, namesOnly bool) accuracy {
	a := accuracy{n: len(recs), methods: map[string]*outcome{}, flags: map[string]int{}}
	for _, r := range recs {
		in := geocodeInput(r)
		if namesOnly {
			in.GPS = nil
		}
		res := gc.Geocode(in)
		a.upazila.add(res.Admin.Upazila, r.truth.Upazila)
		a.district.add(res.Admin.District, r.truth.District)
		a.union.add(res.Admin.Union, r.truth.Union)
		if res.Admin.Upazila != "" && res.Admin.Upazila != r.truth.Upazila && len(res.Geocode.Flags) > 0 {
			a.wrongFlagged++
		}
		m := a.methods[res.Geocode.Method]
		if m == nil {
			m = &outcome{}
			a.methods[res.Geocode.Method] = m
		}
		m.add(res.Admin.Upazila, r.truth.Upazila)
		for _, f := range res.Geocode.Flags {
			a.flags[f]++
		}
	}
	return a
}

func (a accuracy) pct(k int) string { return strconv.FormatFloat(share(k, a.n), 'f', 2, 64) + " %" }

// log writes the tables of docs/geocoding.md.
func (a accuracy) log(t *testing.T, title string) {
	t.Helper()
	t.Logf("%s: %d records", title, a.n)
	t.Logf("  %-9s %10s %10s %10s", "level", "right", "wrong", "unplaced")
	for _, l := range []struct {
		name string
		o    outcome
	}{{"district", a.district}, {"upazila", a.upazila}, {"union", a.union}} {
		t.Logf("  %-9s %10s %10s %10s", l.name, a.pct(l.o.right), a.pct(l.o.wrong), a.pct(l.o.unplaced))
	}
	t.Logf("  wrong upazila with a flag: %s; without any flag: %s", a.pct(a.wrongFlagged), a.pct(a.upazila.wrong-a.wrongFlagged))
	t.Logf("  %-9s %8s %9s  %s", "method", "records", "share", "right upazila among those placed at upazila")
	for _, m := range guccho.GeocodeMethods {
		if o := a.methods[m]; o != nil {
			k := o.right + o.wrong + o.unplaced
			at := "-"
			if o.right+o.wrong > 0 {
				at = strconv.FormatFloat(share(o.right, o.right+o.wrong), 'f', 2, 64) + " %"
			}
			t.Logf("  %-9s %8d %9s  %s", m, k, a.pct(k), at)
		}
	}
	names := slices.SortedFunc(maps.Keys(a.flags), func(x, y string) int {
		return cmp.Or(cmp.Compare(a.flags[y], a.flags[x]), strings.Compare(x, y))
	})
	t.Logf("  %-22s %8s %9s", "flag", "records", "share")
	for _, f := range names {
		t.Logf("  %-22s %8d %9s", f, a.flags[f], a.pct(a.flags[f]))
	}
}

// TestGeocodingAccuracy geocodes every record of the default demo survey,
// as the export gives it and once more without its GPS columns, and
// compares the results with where the enterprises really are. It logs the
// accuracy tables of docs/geocoding.md (go test -run TestGeocodingAccuracy
// -v ./demo) and asserts only their shape: most records land in the right
// upazila, and records put in a wrong upazila without any flag saying so
// are far fewer than those left unplaced.
func TestGeocodingAccuracy(t *testing.T) {
	recs := defaultSurvey(t)
	gc := geo.NewGeocoder(realAtlas(t))
	for _, pass := range []struct {
		title     string
		namesOnly bool
	}{{"as exported (names and GPS)", false}, {"names only (GPS columns ignored)", true}} {
		a := measure(gc, recs, pass.namesOnly)
		a.log(t, pass.title)
		if share(a.upazila.right, a.n) < 90 {
			t.Errorf("%s: %s placed in the right upazila, want at least 90 %%", pass.title, a.pct(a.upazila.right))
		}
		if silent := a.upazila.wrong - a.wrongFlagged; 5*silent > a.upazila.unplaced {
			t.Errorf("%s: %s placed in a wrong upazila without a flag, want at most a fifth of the %s unplaced",
				pass.title, a.pct(silent), a.pct(a.upazila.unplaced))
		}
	}
}

// BenchmarkGeocodeDemo geocodes the records of the default demo survey on
// one goroutine and reports records/s: as the survey gives them ("all",
// 60 % with GPS) and without their GPS columns ("names").
func BenchmarkGeocodeDemo(b *testing.B) {
	recs := defaultSurvey(b)
	gc := geo.NewGeocoder(realAtlas(b))
	all := make([]geo.GeocodeInput, len(recs))
	names := make([]geo.GeocodeInput, len(recs))
	for i, r := range recs {
		all[i] = geocodeInput(r)
		names[i] = all[i]
		names[i].GPS = nil
	}
	for _, set := range []struct {
		name string
		ins  []geo.GeocodeInput
	}{{"all", all}, {"names", names}} {
		b.Run(set.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				gc.Geocode(set.ins[n%len(set.ins)])
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
