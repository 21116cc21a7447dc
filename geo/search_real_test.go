package geo_test

import (
	"slices"
	"testing"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// TestSearchRealNames checks name search on the shared boundary data: the
// first matches for spellings users type.
func TestSearchRealNames(t *testing.T) {
	g := geo.NewGazetteer(bdtest.Units(t))
	tests := []struct {
		name string
		q    string
		want []string // the first P-codes, in order
	}{
		{"current spelling of a division and district", "Chattogram", []string{"BD20", "BD2015"}},
		{"COD-AB spelling", "Chittagong", []string{"BD20", "BD2015"}},
		{"Bangla", "ঢাকা", []string{"BD30", "BD3026"}},
		{"old district spelling", "Jessore", []string{"BD4041"}},
		{"new district spelling", "Jashore", []string{"BD4041"}},
		{"Bogra", "Bogra", []string{"BD5010"}},
		{"Bogura", "Bogura", []string{"BD5010"}},
		{"Barisal", "Barisal", []string{"BD10", "BD1006"}},
		{"Cumilla", "Cumilla", []string{"BD2019"}},
		{"typo", "Narayangonj", []string{"BD3067"}},
		{"prefix, district first", "Kish", []string{"BD3048"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := g.Search(tt.q, geo.SearchOptions{})
			got := pcodes(ms)
			if len(got) > len(tt.want) {
				got = got[:len(tt.want)]
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) begins %v, want %v (all: %v)", tt.q, got, tt.want, pcodes(ms))
			}
		})
	}
}

// TestSearchNawabganj lists every unit named Nawabganj: the old name of
// Chapainawabganj district and upazilas in several districts.
func TestSearchNawabganj(t *testing.T) {
	g := geo.NewGazetteer(bdtest.Units(t))
	ms := g.Search("Nawabganj", geo.SearchOptions{Limit: 50})
	districts := map[string]bool{}
	var exact []string
	for _, m := range ms {
		if m.Kind != "exact" {
			continue
		}
		exact = append(exact, m.Unit.PCode)
		if m.Unit.Level == geo.Upazila {
			districts[m.Unit.Parent] = true
		}
	}
	if !slices.Contains(exact, "BD5070") {
		t.Errorf("exact matches %v lack Chapainawabganj district BD5070", exact)
	}
	if len(districts) < 2 {
		t.Errorf("exact upazila matches %v lie in %d districts, want at least 2", exact, len(districts))
	}
	if ms[0].Unit.PCode != "BD5070" {
		t.Errorf("first match = %s, want the district BD5070", ms[0].Unit.PCode)
	}
}

// TestSearchComillaSadar finds the upazila nuhil calls Comilla Sadar and
// COD-AB Comilla Adarsha Sadar, and does not fill the page with other
// Sadar upazilas.
func TestSearchComillaSadar(t *testing.T) {
	g := geo.NewGazetteer(bdtest.Units(t))
	ms := g.Search("Comilla Sadar", geo.SearchOptions{})
	if len(ms) == 0 || ms[0].Unit.NameEN != "Comilla Adarsha Sadar" {
		t.Fatalf("Search(%q) = %v, want Comilla Adarsha Sadar first", "Comilla Sadar", pcodes(ms))
	}
	for _, m := range ms {
		if m.Unit.PCode[:6] != "BD2019" {
			t.Errorf("Search(%q) lists %s %s, outside Comilla district", "Comilla Sadar", m.Unit.PCode, m.Unit.NameEN)
		}
	}
}

func pcodes(ms []geo.Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Unit.PCode
	}
	return out
}

// searchQueries mixes what users type: exact names, prefixes, typos, old
// spellings and Bangla.
var searchQueries = []string{
	"Dhaka", "Chattogram", "Chittagang", "ঢাকা", "Nawabganj", "Bogra", "Jashore",
	"Comilla Sadar", "Narayangonj", "Sylhet", "Kish", "Bhairab", "Savar", "মিরপুর",
	"Gazipur Sadar", "Mohammadpur", "Rangpur", "Coxs Bazar", "Tangail", "Sreepur",
}

// BenchmarkSearch runs name searches over all units of the shared data and
// reports queries/s.
func BenchmarkSearch(b *testing.B) {
	g := geo.NewGazetteer(bdtest.Units(b))
	for i := 0; b.Loop(); i++ {
		g.Search(searchQueries[i%len(searchQueries)], geo.SearchOptions{})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkNewGazetteer measures indexing the names of all units.
func BenchmarkNewGazetteer(b *testing.B) {
	units := bdtest.Units(b)
	for b.Loop() {
		geo.NewGazetteer(units)
	}
}
