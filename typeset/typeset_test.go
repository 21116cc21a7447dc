package typeset_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/typeset"
)

// hbGlyph is one glyph as hb-shape --output-format=json writes it; its
// cluster counts characters (hb-shape's default, without --utf8-clusters).
type hbGlyph struct {
	G  uint16 `json:"g"`
	Cl int    `json:"cl"`
	Dx int    `json:"dx"`
	Dy int    `json:"dy"`
	Ax int    `json:"ax"`
	Ay int    `json:"ay"`
}

// Bangla names with conjuncts, reph, ya-phala and split vowel signs are
// shaped into the same glyphs, in the same order and places, as HarfBuzz's
// hb-shape gives for the same font (testdata/hb-shape.json, made by
// testdata/make-golden.sh).
func TestShapeMatchesHarfBuzz(t *testing.T) {
	raw, err := os.ReadFile("testdata/hb-shape.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Font   string    `json:"font"`
		Text   string    `json:"text"`
		Glyphs []hbGlyph `json:"glyphs"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 10 {
		t.Fatalf("golden holds %d cases, want at least 10", len(cases))
	}
	s := typeset.NewShaper()
	for _, c := range cases {
		t.Run(c.Font+"/"+c.Text, func(t *testing.T) {
			runs, err := s.Shape(c.Text, c.Font == data.FontBengaliBold)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 1 || runs[0].Font != c.Font {
				t.Fatalf("got %d runs (first in %q), want one in %s", len(runs), runs[0].Font, c.Font)
			}
			got := runs[0].Glyphs
			if len(got) != len(c.Glyphs) {
				t.Fatalf("got %d glyphs %v, want %d %v", len(got), got, len(c.Glyphs), c.Glyphs)
			}
			for i, want := range c.Glyphs {
				g := got[i]
				if g.ID != want.G || g.Cluster != want.Cl || g.XAdvance != want.Ax || g.XOffset != want.Dx || g.YOffset != want.Dy {
					t.Errorf("glyph %d: got %+v, want id %d cluster %d advance %d offset (%d,%d)", i, g, want.G, want.Cl, want.Ax, want.Dx, want.Dy)
				}
			}
		})
	}
}

// Mixed text is split into runs by script; spaces and punctuation stay with
// the text before them, and each run is set in its own font.
func TestShapeSplitsScripts(t *testing.T) {
	runs, err := typeset.NewShaper().Shape("Footwear — কিশোরগঞ্জ (2026)", true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.Font+":"+r.Text)
	}
	want := []string{data.FontLatinBold + ":Footwear — ", data.FontBengaliBold + ":কিশোরগঞ্জ (2026)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got runs %q, want %q", got, want)
	}
	for _, r := range runs {
		if r.UnitsPerEm <= 0 || len(r.Glyphs) == 0 {
			t.Errorf("run %q: %d units per em, %d glyphs", r.Text, r.UnitsPerEm, len(r.Glyphs))
		}
	}
}

// A neutral rune the Bengali font lacks (the middle dot) inside Bangla is
// set in the Latin font, so it is not drawn as a missing glyph.
func TestShapeSetsUncoveredNeutralsInLatin(t *testing.T) {
	runs, err := typeset.NewShaper().Shape("উৎস: তথ্য · ২০২৬", false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.Font+":"+r.Text)
		for _, g := range r.Glyphs {
			if g.ID == 0 {
				t.Errorf("run %q draws the missing glyph (id 0)", r.Text)
			}
		}
	}
	want := []string{data.FontBengali + ":উৎস: তথ্য ", data.FontLatin + ":·", data.FontBengali + ": ২০২৬"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got runs %q, want %q", got, want)
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []typeset.Segment
	}{
		{"empty", "", nil},
		{"latin only", "Dhaka 12", []typeset.Segment{{0, 8, false}}},
		{"leading neutral joins the first script", "  ঢাকা", []typeset.Segment{{0, 6, true}}},
		{"bangla then latin", "ঢাকা Dhaka", []typeset.Segment{{0, 5, true}, {5, 10, false}}},
		{"danda stays bangla", "ঢাকা।", []typeset.Segment{{0, 5, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := typeset.Segments([]rune(tt.text))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("segment %d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestShapeRefusesLongText(t *testing.T) {
	_, err := typeset.NewShaper().Shape(strings.Repeat("a", typeset.MaxRunes+1), false)
	var ge *guccho.Error
	if !errors.As(err, &ge) || ge.Code != guccho.EINVALID {
		t.Fatalf("got %v, want an %s error", err, guccho.EINVALID)
	}
}
