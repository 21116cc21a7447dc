package geo_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// messyCase is one way field officers write a record's place, and how to
// write a union's names that way. A nil AdminNames means the case does not
// apply to that union.
type messyCase struct {
	name string
	// ambiguous cases have no right placement: the truth is "unplaced".
	ambiguous bool
	write     func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool)
}

// variantSpellings rewrite a Latin name the ways Bangla names are
// romanised: ganj/gonj, pur/poor, u/oo, i/ee, s/sh, b/bh, j/z.
var variantSpellings = []struct{ from, to string }{
	{"ganj", "gonj"}, {"pur", "poor"}, {"u", "oo"}, {"i", "ee"}, {"sh", "s"}, {"bh", "b"}, {"j", "z"},
}

func messyCases(repeated map[string]bool) []messyCase {
	seps := []func(a, b string) string{
		func(a, b string) string { return a + ", " + b },
		func(a, b string) string { return a + " (" + b + ")" },
		func(a, b string) string { return a + " - " + b },
		func(a, b string) string { return a + "/" + b },
	}
	words := []string{" P.S.", " PS", " Thana", " Uz.", " Upazila", " থানা", " উপজেলা"}
	return []messyCase{
		{name: "upazila, district in the upazila field", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			return guccho.AdminNames{Upazila: seps[r.IntN(len(seps))](up.DisplayName(), di.DisplayName())}, true
		}},
		{name: "Bangla upazila, district", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			if up.NameBN == "" || di.NameBN == "" {
				return guccho.AdminNames{}, false
			}
			return guccho.AdminNames{Upazila: up.NameBN + ", " + di.NameBN}, true
		}},
		{name: "union, upazila, district in the union field", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			return guccho.AdminNames{Union: un.NameEN + ", " + up.DisplayName() + ", " + di.DisplayName()}, true
		}},
		{name: "police-station and upazila words", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			return guccho.AdminNames{District: di.DisplayName(), Upazila: up.DisplayName() + words[r.IntN(len(words))]}, true
		}},
		{name: "romanisation variant of the district", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			name := strings.ToLower(di.DisplayName())
			for _, k := range r.Perm(len(variantSpellings)) {
				if v := variantSpellings[k]; strings.Contains(name, v.from) {
					return guccho.AdminNames{District: strings.Replace(name, v.from, v.to, 1), Upazila: up.DisplayName()}, true
				}
			}
			return guccho.AdminNames{}, false
		}},
		{name: "repeated upazila, its district only in the union field", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			if !repeated[strings.ToLower(up.NameEN)] {
				return guccho.AdminNames{}, false
			}
			return guccho.AdminNames{Upazila: up.DisplayName(), Union: di.DisplayName() + " District"}, true
		}},
		{name: "one typo in a short upazila name", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			rs := []rune(up.NameEN)
			if len(rs) < 4 || len(rs) > 7 || strings.Contains(up.NameEN, " ") {
				return guccho.AdminNames{}, false
			}
			i := 1 + r.IntN(len(rs)-1)
			rs[i] = 'x'
			return guccho.AdminNames{District: di.DisplayName(), Upazila: string(rs)}, true
		}},
		{name: "repeated upazila name without district (ambiguous)", ambiguous: true, write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
			if !repeated[strings.ToLower(up.NameEN)] {
				return guccho.AdminNames{}, false
			}
			return guccho.AdminNames{Upazila: up.NameEN + words[r.IntN(len(words))]}, true
		}},
	}
}

// messyRecord is a generated record and the union it was written from.
type messyRecord struct {
	kind  int
	in    geo.GeocodeInput
	truth *geo.Unit
}

// repeatedUpazilas returns the lower-case COD-AB names shared by several
// upazilas.
func repeatedUpazilas(a *geo.Atlas) map[string]bool {
	count := map[string]int{}
	for _, u := range a.Level(geo.Upazila) {
		count[strings.ToLower(u.NameEN)]++
	}
	repeated := map[string]bool{}
	for n, c := range count {
		if c > 1 {
			repeated[n] = true
		}
	}
	return repeated
}

// messySurvey writes about perCase records per case from random unions of
// the real gazetteer (seeded, so the survey is the same on every run).
func messySurvey(a *geo.Atlas, perCase int) ([]messyCase, []messyRecord) {
	cases := messyCases(repeatedUpazilas(a))
	return cases, writeSurvey(a, cases, perCase, rand.New(rand.NewPCG(14, 1)))
}

// writeSurvey writes about perCase records per case from unions drawn
// with r.
func writeSurvey(a *geo.Atlas, cases []messyCase, perCase int, r *rand.Rand) []messyRecord {
	unions := a.Level(geo.Union)
	var recs []messyRecord
	for k, c := range cases {
		for made, tries := 0, 0; made < perCase && tries < 200*perCase; tries++ {
			un := unions[r.IntN(len(unions))]
			ps := a.Parents(un)
			st, ok := c.write(r, un, ps[2], ps[1])
			if !ok {
				continue
			}
			recs = append(recs, messyRecord{kind: k, in: geo.GeocodeInput{ID: strconv.Itoa(len(recs)), Stated: st}, truth: un})
			made++
		}
	}
	return recs
}

// tally counts the records of one case by outcome at upazila and district
// level.
type tally struct{ n, upRight, upWrong, upNone, diRight, diWrong, diNone int }

// tallySurvey geocodes recs with g and counts, per case, the records right,
// wrong and unplaced at upazila and district level; a case marked ambiguous
// is right only unplaced. With strict, every wrong placement is an error
// of the test.
func tallySurvey(t *testing.T, g *geo.Geocoder, cases []messyCase, recs []messyRecord, strict bool) []tally {
	t.Helper()
	tallies := make([]tally, len(cases))
	for _, rec := range recs {
		res := g.Geocode(rec.in)
		tl := &tallies[rec.kind]
		tl.n++
		wantUp, wantDi := rec.truth.PCode[:8], rec.truth.PCode[:6]
		if cases[rec.kind].ambiguous {
			wantUp, wantDi = "", ""
		}
		switch got := res.Admin.Upazila; {
		case got == "":
			tl.upNone++
		case got == wantUp:
			tl.upRight++
		default:
			tl.upWrong++
			if strict {
				t.Errorf("%s: %+v placed in upazila %s, want %q", cases[rec.kind].name, rec.in.Stated, got, wantUp)
			}
		}
		switch got := res.Admin.District; {
		case got == "":
			tl.diNone++
		case got == wantDi || wantDi == "":
			tl.diRight++
		default:
			tl.diWrong++
			if strict {
				t.Errorf("%s: %+v placed in district %s, want %s", cases[rec.kind].name, rec.in.Stated, got, wantDi)
			}
		}
	}
	return tallies
}

// logTallies prints the tallies as a table, one row per case and a total.
func logTallies(t *testing.T, title string, cases []messyCase, tallies []tally) {
	t.Helper()
	pct := func(k, n int) string { return fmt.Sprintf("%5.1f %%", 100*float64(k)/float64(max(n, 1))) }
	t.Logf("%s", title)
	t.Logf("%-52s %5s | %-24s | %-24s", "case", "n", "upazila right wrong none", "district right wrong none")
	var all tally
	row := func(name string, tl tally) {
		t.Logf("%-52s %5d | %s %s %s | %s %s %s", name, tl.n, pct(tl.upRight, tl.n), pct(tl.upWrong, tl.n), pct(tl.upNone, tl.n),
			pct(tl.diRight, tl.n), pct(tl.diWrong, tl.n), pct(tl.diNone, tl.n))
	}
	for i, c := range cases {
		tl := tallies[i]
		row(c.name, tl)
		all.n, all.upRight, all.upWrong, all.upNone = all.n+tl.n, all.upRight+tl.upRight, all.upWrong+tl.upWrong, all.upNone+tl.upNone
		all.diRight, all.diWrong, all.diNone = all.diRight+tl.diRight, all.diWrong+tl.diWrong, all.diNone+tl.diNone
	}
	row("all", all)
}

// TestGeocodeMessySurvey geocodes a generated survey of about 3,000
// records written the ways of issue 14 and reports, per case, how many are
// right, wrong and unplaced at upazila and district level. No record may
// be placed in a wrong upazila or district, and a repeated upazila name
// without its district must stay unplaced.
func TestGeocodeMessySurvey(t *testing.T) {
	a := geo.NewAtlas(bdtest.Units(t))
	g := geo.NewGeocoder(a)
	cases, recs := messySurvey(a, 375)
	logTallies(t, "names as written, no aliases", cases, tallySurvey(t, g, cases, recs, true))
}
