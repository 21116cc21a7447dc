package atlas

import (
	"maps"
	"slices"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/deck"
)

func TestRunsSplitBanglaFromOtherText(t *testing.T) {
	hasAllBut := func(missing rune) func(rune) bool { return func(r rune) bool { return r != missing } }
	for _, tc := range []struct {
		name string
		s    string
		has  func(rune) bool
		want []run
	}{
		{"Latin then Bangla: the space stays with the Latin", "RECP সম্পর্কে জানেন", hasAllBut(0),
			[]run{{"RECP ", false}, {"সম্পর্কে জানেন", true}}},
		{"parentheses inside Bangla stay Bangla", "মালিক ও পরিবার (কর্মসংস্থানের)", hasAllBut(0),
			[]run{{"মালিক ও পরিবার (কর্মসংস্থানের)", true}}},
		{"leading digits take the script after them", "১২ 3 উদ্যোগ", hasAllBut(0),
			[]run{{"১২ 3 উদ্যোগ", true}}},
		{"digits and spaces alone are Latin", "3 – 10", hasAllBut(0), []run{{"3 – 10", false}}},
		{"a neutral character the Bengali font lacks is Latin", "জেলা · খাত", hasAllBut('·'),
			[]run{{"জেলা ", true}, {"· ", false}, {"খাত", true}}},
		{"empty", "", hasAllBut(0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := runs(tc.s, tc.has); !slices.Equal(got, tc.want) {
				t.Errorf("runs(%q) = %+v, want %+v", tc.s, got, tc.want)
			}
		})
	}
}

// TestEveryLabelIsInItsFonts checks that the fonts have a glyph for every
// character of the page's fixed words and of the sector catalogue's names,
// so that none prints as an empty box.
func TestEveryLabelIsInItsFonts(t *testing.T) {
	fonts, err := LoadFonts(data.Fonts())
	if err != nil {
		t.Fatal(err)
	}
	latin := fonts.latin.Face(10).Font
	bengali := fonts.bengali.Face(10).Font
	texts := maps.Clone(label)
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sectors.All() {
		texts["sector "+s.Code] = deck.Text{EN: s.NameEN, BN: s.NameBN}
	}
	for key, l := range texts {
		for _, s := range []string{l.EN, l.BN} {
			for _, r := range runs(s, func(c rune) bool { return bengali.GlyphIndex(c) != 0 }) {
				f := latin
				if r.bangla {
					f = bengali
				}
				for _, c := range r.text {
					if c != 0x200C && c != 0x200D && f.GlyphIndex(c) == 0 {
						t.Errorf("label %s %q: %q (U+%04X) is not in %s", key, s, c, c, f.Name())
					}
				}
			}
		}
	}
}
