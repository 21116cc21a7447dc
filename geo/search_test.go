package geo

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"lower case", "DHAKA", "dhaka"},
		{"spaces collapsed and trimmed", "  Cox   Bazar ", "cox bazar"},
		{"apostrophe dropped", "Cox's Bazar", "coxs bazar"},
		{"typographic apostrophe dropped", "Cox’s Bazar", "coxs bazar"},
		{"punctuation becomes a space", "Chapai-Nawabganj (Sadar).", "chapai nawabganj sadar"},
		{"Bangla digits become ASCII", "ওয়ার্ড নং-০১", "ওয়ার্ড নং 01"},
		{"Sadar is kept", "Bogra Sadar", "bogra sadar"},
		{"zero-width joiner dropped", "উৎ\u200dপল", "উৎপল"},
		{"Bangla vowel sign composed", "য\u09c7\u09beশ", "য\u09cbশ"},
		{"only punctuation", " -- ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeBanglaNukta(t *testing.T) {
	// য় is one code point (U+09DF) or য + nukta; both normalise alike.
	if a, b := Normalize("\u09dfা"), Normalize("\u09af\u09bcা"); a != b {
		t.Errorf("Normalize(precomposed) = %q, Normalize(decomposed) = %q, want equal", a, b)
	}
}

// gazetteerFixture is a small hand-made slice of the admin hierarchy, with
// the old and new spellings, Bangla names and repeated names the real data
// has.
func gazetteerFixture() []*Unit {
	u := func(pcode, en, current, bn string, alt ...string) *Unit {
		l, _ := PCodeLevel(pcode)
		unit := &Unit{PCode: pcode, Level: l, NameEN: en, NameENCurrent: current, NameBN: bn}
		if pc := ParentCodes(pcode); len(pc) > 0 {
			unit.Parent = pc[len(pc)-1]
		}
		for _, a := range alt {
			unit.AltNames = append(unit.AltNames, Name{Text: a, Lang: "en", Source: "variant"})
		}
		return unit
	}
	return []*Unit{
		u("BD10", "Barisal", "Barishal", "বরিশাল"),
		u("BD20", "Chittagong", "Chattogram", "চট্টগ্রাম"),
		u("BD2015", "Chittagong", "Chattogram", "চট্টগ্রাম"),
		u("BD2019", "Comilla", "Cumilla", "কুমিল্লা"),
		u("BD201933", "Comilla Sadar Dakshin", "Comilla Sadar Dakshin", "কুমিল্লা সদর দক্ষিণ"),
		u("BD201967", "Comilla Adarsha Sadar", "Comilla Adarsha Sadar", "কুমিল্লা আদর্শ সদর", "Comilla Sadar"),
		u("BD30", "Dhaka", "Dhaka", "ঢাকা"),
		u("BD3026", "Dhaka", "Dhaka", "ঢাকা"),
		u("BD302662", "Nawabganj", "Nawabganj", "নবাবগঞ্জ"),
		u("BD30266227", "Sadarpur", "Sadarpur", "সদরপুর"),
		u("BD40", "Khulna", "Khulna", "খুলনা"),
		u("BD4041", "Jessore", "Jashore", "যশোর"),
		u("BD404147", "Kotwali", "Kotwali", "কোতোয়ালী", "Jessore Sadar"),
		u("BD50", "Rajshahi", "Rajshahi", "রাজশাহী"),
		u("BD5010", "Bogra", "Bogura", "বগুড়া"),
		u("BD501020", "Bogra Sadar", "Bogra Sadar", "বগুড়া সদর"),
		u("BD50102007", "Ward No-07", "", "ওয়ার্ড নং-০৭"),
		u("BD5070", "Nawabganj", "Chapainawabganj", "চাঁপাইনবাবগঞ্জ", "Chapai Nawabganj"),
		u("BD507066", "Nawabganj Sadar", "Nawabganj Sadar", "নবাবগঞ্জ সদর", "Chapainawabganj Sadar"),
	}
}

// codes returns the P-codes of ms in order.
func codes(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Unit.PCode
	}
	return out
}

func TestSearch(t *testing.T) {
	g := NewGazetteer(gazetteerFixture())
	district := District
	tests := []struct {
		name string
		q    string
		opt  SearchOptions
		want []string // the P-codes, in order
	}{
		{"exact, division before district", "Dhaka", SearchOptions{}, []string{"BD30", "BD3026"}},
		{"new spelling", "Chattogram", SearchOptions{}, []string{"BD20", "BD2015"}},
		{"old spelling", "Chittagong", SearchOptions{}, []string{"BD20", "BD2015"}},
		{"Bangla", "ঢাকা", SearchOptions{}, []string{"BD30", "BD3026"}},
		{"Bangla with a punctuation variant", "চট্টগ্রাম।", SearchOptions{}, []string{"BD20", "BD2015"}},
		{"Bangla digits", "ওয়ার্ড নং ০৭", SearchOptions{}, []string{"BD50102007"}},
		{"ASCII digits find Bangla digits", "ওয়ার্ড নং 07", SearchOptions{}, []string{"BD50102007"}},
		{"case and spacing, then a fuzzy Bogra", "  bOGURA ", SearchOptions{}, []string{"BD5010", "BD501020"}},
		{"Bogra finds Bogura's district first", "Bogra", SearchOptions{}, []string{"BD5010", "BD501020"}},
		{"old district name and upazilas", "Nawabganj", SearchOptions{}, []string{"BD5070", "BD302662", "BD507066"}},
		{"within a subtree", "Nawabganj", SearchOptions{Within: "BD30"}, []string{"BD302662"}},
		{"one level only", "Dhaka", SearchOptions{Level: &district}, []string{"BD3026"}},
		{"limit", "Dhaka", SearchOptions{Limit: 1}, []string{"BD30"}},
		{"Sadar optional, nuhil name first", "Comilla Sadar", SearchOptions{}, []string{"BD201967", "BD2019", "BD201933"}},
		{"whole name with Sadar first", "Bogra Sadar", SearchOptions{}, []string{"BD501020", "BD5010"}},
		{"Sadar alone matches no X Sadar", "Sadar", SearchOptions{}, []string{"BD30266227"}},
		{"old name of an upazila", "Jessore Sadar", SearchOptions{}, []string{"BD404147", "BD4041"}},
		{"prefix", "Chatto", SearchOptions{}, []string{"BD20", "BD2015"}},
		{"prefix of a later word", "Adarsha", SearchOptions{}, []string{"BD201967"}},
		{"typo", "Chittagang", SearchOptions{}, []string{"BD20", "BD2015"}},
		{"typo in a repeated name", "Nawabgonj", SearchOptions{}, []string{"BD5070", "BD302662", "BD507066"}},
		{"missing letter", "Jesore", SearchOptions{}, []string{"BD4041", "BD404147"}},
		{"Bangla misspelling", "চট্রগ্রাম", SearchOptions{}, []string{"BD20", "BD2015"}},
		{"nothing like it", "Xyzzy", SearchOptions{}, nil},
		{"empty after normalising", " -- ", SearchOptions{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := codes(g.Search(tt.q, tt.opt))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestSearchMatchFields(t *testing.T) {
	g := NewGazetteer(gazetteerFixture())
	tests := []struct {
		name      string
		q         string
		wantName  string
		wantKind  string
		wantScore func(float64) bool
	}{
		{"exact scores 1", "jashore", "Jashore", "exact", func(s float64) bool { return s == 1 }},
		{"exact but for Sadar scores below 1", "Bogura Sadar", "Bogura", "exact", func(s float64) bool { return s < 1 && s > 0.9 }},
		{"prefix", "Barish", "Barishal", "prefix", func(s float64) bool { return s > 0.85 && s < 0.98 }},
		{"fuzzy", "Barishaal", "Barishal", "fuzzy", func(s float64) bool { return s < 0.85 }},
		{"Bangla name reported as written", "বগুড়া", "বগুড়া", "exact", func(s float64) bool { return s == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := g.Search(tt.q, SearchOptions{Limit: 1})
			if len(ms) != 1 {
				t.Fatalf("Search(%q) returned %d matches, want 1", tt.q, len(ms))
			}
			m := ms[0]
			if m.Name != tt.wantName || m.Kind != tt.wantKind || !tt.wantScore(m.Score) {
				t.Errorf("Search(%q)[0] = {Name: %q, Kind: %q, Score: %v}, want {Name: %q, Kind: %q}",
					tt.q, m.Name, m.Kind, m.Score, tt.wantName, tt.wantKind)
			}
		})
	}
}

func TestSearchOneMatchPerUnit(t *testing.T) {
	// Chittagong division is named Chittagong, Chattogram and চট্টগ্রাম;
	// "Chatt" begins one and is close to another.
	g := NewGazetteer(gazetteerFixture())
	ms := g.Search("Chatt", SearchOptions{})
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Unit.PCode] {
			t.Errorf("Search(%q) lists %s twice: %v", "Chatt", m.Unit.PCode, codes(ms))
		}
		seen[m.Unit.PCode] = true
	}
}

func TestSearchRanksKinds(t *testing.T) {
	// "Sadarpur" is an exact match; "Sadarpura" (added) a prefix-only one
	// would come second; "Sadarpor" a fuzzy one third.
	units := append(gazetteerFixture(),
		&Unit{PCode: "BD30266228", Level: Union, NameEN: "Sadarpura"},
		&Unit{PCode: "BD30266229", Level: Union, NameEN: "Sadarpor"},
	)
	g := NewGazetteer(units)
	ms := g.Search("Sadarpur", SearchOptions{})
	var kinds []string
	for _, m := range ms {
		kinds = append(kinds, m.Kind)
	}
	if got, want := strings.Join(kinds, ","), "exact,prefix,fuzzy"; got != want {
		t.Errorf("kinds of Search(%q) = %s (%v), want %s", "Sadarpur", got, codes(ms), want)
	}
}

func TestSearchConcurrent(t *testing.T) {
	g := NewGazetteer(gazetteerFixture())
	var wg sync.WaitGroup
	for _, q := range []string{"Dhaka", "Chittagang", "ঢাকা", "Nawab", "Comilla Sadar"} {
		wg.Go(func() {
			want := codes(g.Search(q, SearchOptions{}))
			for range 200 {
				if got := codes(g.Search(q, SearchOptions{})); !slices.Equal(got, want) {
					t.Errorf("Search(%q) = %v, then %v", q, want, got)
					return
				}
			}
		})
	}
	wg.Wait()
}
