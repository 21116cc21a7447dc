package atlas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tdewolff/font"

	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/deck"
)

// banglaNames have conjuncts (ঞ্জ, ব্র, হ্ম, ট্র, গ্র, ক্ষ, ক্ষ্ম), reordered
// vowel signs (ি, ে, ো around their consonant) and nukta forms (ড়, য়).
var banglaNames = []string{"কিশোরগঞ্জ", "ব্রাহ্মণবাড়িয়া", "চট্টগ্রাম", "ময়মনসিংহ", "লক্ষ্মীপুর"}

// hbShape returns the glyph ids HarfBuzz's hb-shape gives for text in the
// font file: the reference the PDF's glyphs are checked against. Without
// hb-shape it skips, except under CI=true, where it fails
// (scripts/deps.sh installs Debian's libharfbuzz-bin).
func hbShape(t *testing.T, fontFile, text string) []uint16 {
	t.Helper()
	bin, err := exec.LookPath("hb-shape")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("hb-shape is not installed (apt-get install libharfbuzz-bin; scripts/deps.sh)")
		}
		t.Skip("hb-shape is not installed (apt-get install libharfbuzz-bin; scripts/deps.sh); skipping the check against HarfBuzz")
	}
	out, err := exec.Command(bin, "--output-format=json", "--no-glyph-names", fontFile, text).Output()
	if err != nil {
		t.Fatalf("hb-shape %s %q: %v", fontFile, text, err)
	}
	var glyphs []struct {
		G uint16 `json:"g"`
	}
	if err := json.Unmarshal(out, &glyphs); err != nil {
		t.Fatalf("hb-shape output %q: %v", out, err)
	}
	ids := make([]uint16, len(glyphs))
	for i, g := range glyphs {
		ids[i] = g.G
	}
	return ids
}

// outline records a glyph's contour as text, to recognise a glyph of a
// subset font (renumbered) in the original font.
type outline struct{ strings.Builder }

func (o *outline) MoveTo(x, y float64)       { fmt.Fprintf(o, "M%g,%g", x, y) }
func (o *outline) LineTo(x, y float64)       { fmt.Fprintf(o, "L%g,%g", x, y) }
func (o *outline) QuadTo(a, b, x, y float64) { fmt.Fprintf(o, "Q%g,%g,%g,%g", a, b, x, y) }
func (o *outline) CubeTo(a, b, c, d, x, y float64) {
	fmt.Fprintf(o, "C%g,%g,%g,%g,%g,%g", a, b, c, d, x, y)
}
func (o *outline) Close() { o.WriteString("Z") }

// glyphKey is a glyph's outline and advance.
func glyphKey(t *testing.T, f *font.SFNT, id uint16) string {
	t.Helper()
	var o outline
	if err := f.GlyphPath(&o, id, 0, 0, 0, 1, font.NoHinting); err != nil {
		t.Fatalf("glyph %d: %v", id, err)
	}
	return fmt.Sprintf("%s|%d", o.String(), f.GlyphAdvance(id))
}

// originalIDs maps the glyphs a PDF shows of an embedded font, a subset
// with glyphs renumbered or the whole font, to the glyph ids of the
// original font, by outline and advance. Glyphs that look the same
// (several may) map to all their ids.
func originalIDs(t *testing.T, embedded, original []byte, glyphs []uint16) [][]uint16 {
	t.Helper()
	sub, err := font.ParseEmbeddedSFNT(embedded, 0)
	if err != nil {
		t.Fatalf("embedded font: %v", err)
	}
	orig, err := font.ParseSFNT(original, 0)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string][]uint16{}
	for id := range orig.NumGlyphs() {
		k := glyphKey(t, orig, id)
		byKey[k] = append(byKey[k], id)
	}
	out := make([][]uint16, len(glyphs))
	for i, c := range glyphs {
		if c >= sub.NumGlyphs() {
			t.Fatalf("code %d: the embedded font has %d glyphs", c, sub.NumGlyphs())
		}
		out[i] = byKey[glyphKey(t, sub, c)]
	}
	return out
}

// TestBanglaGlyphsAreHarfBuzzs prints one page per Bangla name (the name
// as the title, in Noto Sans Bengali Bold, and as the subtitle, in the
// Regular face), reads the glyphs each page's text operators draw in those
// fonts and compares them, in order, with those hb-shape gives for the same
// name in the same font file.
func TestBanglaGlyphsAreHarfBuzzs(t *testing.T) {
	fonts, err := LoadFonts(data.Fonts())
	if err != nil {
		t.Fatal(err)
	}
	for _, subset := range []bool{true, false} {
		t.Run(fmt.Sprintf("subset=%v", subset), func(t *testing.T) {
			doc := &Document{Fonts: fonts, Lang: English, Source: "test", Date: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
				Attribution: "Boundaries: test", Subset: subset}
			square := orb.MultiPolygon{{{{90, 24}, {90.2, 24}, {90.2, 24.2}, {90, 24.2}, {90, 24}}}}
			var pages []Page
			for _, name := range banglaNames {
				pages = append(pages, Page{Title: deck.Text{BN: name}, Subtitle: deck.Text{BN: name},
					Map: Map{Bound: square.Bound(), Focus: square}})
			}
			var buf bytes.Buffer
			if err := doc.Write(context.Background(), &buf, pages); err != nil {
				t.Fatal(err)
			}
			pdf := readPDF(t, buf.Bytes())
			if len(pdf.pages) != len(banglaNames) {
				t.Fatalf("%d pages, want %d", len(pdf.pages), len(banglaNames))
			}
			for _, face := range []struct{ file, postScript string }{
				{data.FontBengali, "NotoSansBengali-Regular"},
				{data.FontBengaliBold, "NotoSansBengali-Bold"},
			} {
				original, err := data.Font(face.file)
				if err != nil {
					t.Fatal(err)
				}
				fontFile := filepath.Join(t.TempDir(), face.file)
				if err := os.WriteFile(fontFile, original, 0o644); err != nil {
					t.Fatal(err)
				}
				embedded, gid := pdf.fontProgram(t, face.postScript)
				for i, name := range banglaNames {
					want := hbShape(t, fontFile, name)
					var glyphs []uint16
					for _, code := range pdf.shown(t, i)[face.postScript] {
						glyphs = append(glyphs, gid(code))
					}
					got := originalIDs(t, embedded, original, glyphs)
					ok := len(got) == len(want)
					for k := 0; ok && k < len(got); k++ {
						ok = slices.Contains(got[k], want[k])
					}
					if !ok {
						t.Errorf("%s in %s: the PDF draws glyphs %v, hb-shape gives %v", name, face.postScript, got, want)
					}
				}
			}
		})
	}
}
