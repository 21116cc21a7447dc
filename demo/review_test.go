package demo_test

import (
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// TestDemoReviewQueue measures an import's review queue on the demo
// survey (docs/review.md): how many records go to review, how many of the
// fixes (an editor picking the true union) teach an alias, and how the
// same survey fares when imported again with those aliases. The aliases may
// move a record only to its true upazila.
func TestDemoReviewQueue(t *testing.T) {
	recs := defaultSurvey(t)
	gc := geo.NewGeocoder(realAtlas(t))
	for _, pass := range []struct {
		name      string
		namesOnly bool
	}{{"as exported", false}, {"names only", true}} {
		var aliases []guccho.Alias
		seen := map[[3]string]bool{}
		queued, taught := 0, 0
		for _, r := range recs {
			in := geocodeInput(r)
			if pass.namesOnly {
				in.GPS = nil
			}
			res := gc.Geocode(in)
			if len(guccho.ReviewReasons(res.Geocode)) == 0 {
				continue
			}
			queued++
			al, ok := gc.LearnAlias(in.Stated, res.Admin, r.truth.Union)
			if !ok {
				continue
			}
			taught++
			if k := [3]string{al.Level, al.Within, al.Name}; !seen[k] {
				seen[k] = true
				aliases = append(aliases, al)
			}
		}
		ga := gc.WithAliases(aliases)
		requeued, moved := 0, 0
		for _, r := range recs {
			in := geocodeInput(r)
			if pass.namesOnly {
				in.GPS = nil
			}
			plain, res := gc.Geocode(in), ga.Geocode(in)
			if len(guccho.ReviewReasons(res.Geocode)) > 0 {
				requeued++
			}
			if plain.Admin != res.Admin {
				moved++
				if res.Admin.Upazila != r.truth.Upazila {
					t.Errorf("%s: %+v moved by an alias to upazila %q, want %q", pass.name, in.Stated, res.Admin.Upazila, r.truth.Upazila)
				}
			}
		}
		before, after := measure(gc, recs, pass.namesOnly), measure(ga, recs, pass.namesOnly)
		pct := func(k int) float64 { return 100 * float64(k) / float64(len(recs)) }
		t.Logf("%s: %d of %d records for review (%.2f %%); %d fixes teach %d aliases; imported again: %d for review, %d moved (all to their true upazila)",
			pass.name, queued, len(recs), pct(queued), taught, len(aliases), requeued, moved)
		t.Logf("  upazila right/wrong/unplaced: before %.2f / %.2f / %.2f %%, after %.2f / %.2f / %.2f %%", pct(before.upazila.right), pct(before.upazila.wrong),
			pct(before.upazila.unplaced), pct(after.upazila.right), pct(after.upazila.wrong), pct(after.upazila.unplaced))
	}
}
