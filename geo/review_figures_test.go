package geo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// marketWords are what field officers write after an upazila's name when
// they mean its market, landing or port town.
var marketWords = []string{" Bazar", " Hat", " Ghat", " Bandar", " বাজার"}

// marketCase writes a record's upazila as the market named after it
// ("Bhairab Bazar"), with its district: a place a person can place and the
// gazetteer does not know.
var marketCase = messyCase{name: "market or landing after the upazila, district given", write: func(r *rand.Rand, un, up, di *geo.Unit) (guccho.AdminNames, bool) {
	return guccho.AdminNames{District: di.DisplayName(), Upazila: up.DisplayName() + marketWords[r.IntN(len(marketWords))]}, true
}}

// TestGeocodeLearnsFromReview measures what an import's review queue and
// the aliases it teaches do (docs/review.md): an editor fixes every row of
// one generated survey that needs review (guccho.ReviewReasons) by picking
// the true union, the fixes are learnt (Geocoder.LearnAlias, the first
// alias of a name winning as the store's conflict rule makes it), and the
// same survey and another one, written the same ways from other unions, are
// geocoded again with the aliases. It reports, per case, right, wrong and
// unplaced at upazila and district level before and after. An alias may
// only move a record to its true place: every record the aliases place
// differently from the plain geocoder must be right, and no record may be
// placed wrong, with aliases or without.
func TestGeocodeLearnsFromReview(t *testing.T) {
	a := geo.NewAtlas(bdtest.Units(t))
	g := geo.NewGeocoder(a)
	cases := append(messyCases(repeatedUpazilas(a)), marketCase)
	const perCase = 334 // 9 cases, about 3,000 records a survey
	first := writeSurvey(a, cases, perCase, rand.New(rand.NewPCG(14, 2)))
	second := writeSurvey(a, cases, perCase, rand.New(rand.NewPCG(15, 2)))

	logTallies(t, "first survey, before review", cases, tallySurvey(t, g, cases, first, true))

	type key struct{ level, within, name string }
	learnt := map[key]guccho.Alias{}
	var aliases []guccho.Alias
	reviewed, taught, conflicts := 0, 0, 0
	for _, rec := range first {
		res := g.Geocode(rec.in)
		if len(guccho.ReviewReasons(res.Geocode)) == 0 {
			continue
		}
		reviewed++
		al, ok := g.LearnAlias(rec.in.Stated, res.Admin, rec.truth.PCode)
		if !ok {
			continue
		}
		taught++
		k := key{al.Level, al.Within, al.Name}
		switch have, seen := learnt[k]; {
		case !seen:
			learnt[k] = al
			aliases = append(aliases, al)
		case have.PCode != al.PCode:
			conflicts++
		}
	}
	t.Logf("first survey: %d of %d records for review; %d fixes teach an alias, %d distinct aliases, %d conflicting (refused)",
		reviewed, len(first), taught, len(aliases), conflicts)
	ga := g.WithAliases(aliases)
	logTallies(t, "first survey again, with the aliases its review taught", cases, tallySurvey(t, ga, cases, first, true))
	logTallies(t, "second survey, without aliases", cases, tallySurvey(t, g, cases, second, true))
	logTallies(t, "second survey, with the first survey's aliases", cases, tallySurvey(t, ga, cases, second, true))

	queue := func(g *geo.Geocoder, recs []messyRecord) int {
		n := 0
		for _, rec := range recs {
			if len(guccho.ReviewReasons(g.Geocode(rec.in).Geocode)) > 0 {
				n++
			}
		}
		return n
	}
	t.Logf("records for review: first survey %d, again with its aliases %d; second survey %d, with the first's aliases %d",
		queue(g, first), queue(ga, first), queue(g, second), queue(ga, second))

	for _, survey := range []struct {
		name string
		recs []messyRecord
	}{{"first", first}, {"second", second}} {
		moved := 0
		for _, rec := range survey.recs {
			plain, aliased := g.Geocode(rec.in), ga.Geocode(rec.in)
			if plain.Admin == aliased.Admin {
				continue
			}
			moved++
			want := rec.truth.PCode[:8]
			if cases[rec.kind].ambiguous {
				want = ""
			}
			if aliased.Admin.Upazila != want {
				t.Errorf("%s survey, %s: %+v moved by an alias from %q to upazila %q, want %q", survey.name, cases[rec.kind].name,
					rec.in.Stated, plain.Admin.Finest(), aliased.Admin.Upazila, want)
			}
		}
		t.Logf("%s survey: %d records placed differently with the aliases, all in their true upazila unless listed above", survey.name, moved)
	}
}
