// Package typeset shapes text with the fonts shipped in package data (Noto
// Sans Bengali for Bangla, Noto Sans for everything else) into glyph runs:
// glyph ids and positions in font units, as HarfBuzz would place them. The
// web app's PDF export draws Bangla from these runs by glyph id, because the
// JavaScript PDF libraries do not shape Indic scripts the way HarfBuzz does
// (conjuncts, reordered vowel signs, reph).
//
// Shaping uses github.com/go-text/typesetting, a Go port of HarfBuzz.
package typeset

import (
	"bytes"
	"fmt"
	"sync"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
)

// Glyph is one shaped glyph. Advances and offsets are in font units (the
// font's UnitsPerEm make an em); Y grows upwards, as in the font.
type Glyph struct {
	ID       uint16 `json:"g"`
	Cluster  int    `json:"cl"` // index of the first rune (not byte) of the text this glyph draws
	XAdvance int    `json:"ax"`
	YAdvance int    `json:"ay"`
	XOffset  int    `json:"dx"`
	YOffset  int    `json:"dy"`
}

// Run is a stretch of text set in one font: Bangla in Noto Sans Bengali,
// anything else in Noto Sans.
type Run struct {
	Font       string  `json:"font"` // a data font name: data.FontBengali, data.FontLatinBold, …
	UnitsPerEm int     `json:"units_per_em"`
	Text       string  `json:"text"`
	Glyphs     []Glyph `json:"glyphs"`
}

// Shaper shapes text with the shipped fonts. The zero value is not usable;
// use NewShaper. It is safe for concurrent use.
type Shaper struct {
	mu    sync.Mutex // guards faces and shaper (HarfbuzzShaper keeps buffers)
	faces map[string]*font.Face
	hb    shaping.HarfbuzzShaper
}

// NewShaper returns a shaper over data.Fonts; fonts are parsed on first use.
func NewShaper() *Shaper {
	return &Shaper{faces: map[string]*font.Face{}}
}

func (s *Shaper) face(name string) (*font.Face, error) {
	if f, ok := s.faces[name]; ok {
		return f, nil
	}
	b, err := data.Font(name)
	if err != nil {
		return nil, fmt.Errorf("typeset: font %s: %w", name, err)
	}
	f, err := font.ParseTTF(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("typeset: font %s: %w", name, err)
	}
	s.faces[name] = f
	return f, nil
}

// Shape splits text into runs of Bangla and other text and shapes each in
// its font, regular or bold. Spaces, digits and punctuation stay in the run
// around them. Text longer than MaxRunes is refused (EINVALID).
func (s *Shaper) Shape(text string, bold bool) ([]Run, error) {
	runes := []rune(text)
	if len(runes) > MaxRunes {
		return nil, guccho.Errorf(guccho.EINVALID, "text of %d characters, at most %d", len(runes), MaxRunes)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fonts := [2]string{data.FontLatin, data.FontBengali}
	if bold {
		fonts = [2]string{data.FontLatinBold, data.FontBengaliBold}
	}
	var faces [2]*font.Face
	for i, name := range fonts {
		f, err := s.face(name)
		if err != nil {
			return nil, err
		}
		faces[i] = f
	}
	var runs []Run
	for _, seg := range splitUncovered(Segments(runes), runes, faces[1]) {
		name, script, face := fonts[0], language.Latin, faces[0]
		if seg.Bengali {
			name, script, face = fonts[1], language.Bengali, faces[1]
		}
		upem := int(face.Upem())
		out := s.hb.Shape(shaping.Input{
			Text:      runes,
			RunStart:  seg.Start,
			RunEnd:    seg.End,
			Direction: di.DirectionLTR,
			Face:      face,
			Size:      fixed.I(upem), // one unit of the output is one font unit
			Script:    script,
			Language:  language.NewLanguage(map[bool]string{true: "bn", false: "en"}[seg.Bengali]),
		})
		run := Run{Font: name, UnitsPerEm: upem, Text: string(runes[seg.Start:seg.End]), Glyphs: make([]Glyph, len(out.Glyphs))}
		for i, g := range out.Glyphs {
			run.Glyphs[i] = Glyph{
				ID:       uint16(g.GlyphID),
				Cluster:  g.ClusterIndex,
				XAdvance: g.XAdvance.Round(),
				YAdvance: g.YAdvance.Round(),
				XOffset:  g.XOffset.Round(),
				YOffset:  g.YOffset.Round(),
			}
		}
		runs = append(runs, run)
	}
	return runs, nil
}

// splitUncovered moves the neutral runes of Bangla segments that the
// Bengali font has no glyph for (a middle dot, say) into segments of other
// text, set in the Latin font, so no rune is drawn as a missing glyph.
func splitUncovered(segs []Segment, runes []rune, bengali *font.Face) []Segment {
	var out []Segment
	add := func(i int, b bool) {
		if n := len(out); n > 0 && out[n-1].Bengali == b && out[n-1].End == i {
			out[n-1].End = i + 1
			return
		}
		out = append(out, Segment{Start: i, End: i + 1, Bengali: b})
	}
	for _, seg := range segs {
		for i := seg.Start; i < seg.End; i++ {
			b := seg.Bengali
			if b && scriptOf(runes[i]) == neutral {
				if _, ok := bengali.NominalGlyph(runes[i]); !ok {
					b = false
				}
			}
			add(i, b)
		}
	}
	return out
}

// MaxRunes bounds the text Shape takes at once (a title, a legend line).
const MaxRunes = 2000

// Segment is a stretch [Start, End) of runes of one script.
type Segment struct {
	Start, End int
	Bengali    bool
}

// Segments splits runes into stretches of Bangla (the Bengali block, the
// Devanagari dandas and the zero-width joiners) and of other text. Neutral
// runes (spaces, digits, punctuation) join the stretch before them, or the
// one after them at the start of the text.
func Segments(runes []rune) []Segment {
	var segs []Segment
	for i, r := range runes {
		class := scriptOf(r)
		switch {
		case len(segs) == 0:
			segs = append(segs, Segment{Start: 0, End: i + 1, Bengali: class == bengali})
		case class == neutral || (class == bengali) == segs[len(segs)-1].Bengali:
			segs[len(segs)-1].End = i + 1
		case segs[len(segs)-1].onlyNeutral(runes):
			segs[len(segs)-1].Bengali = class == bengali
			segs[len(segs)-1].End = i + 1
		default:
			segs = append(segs, Segment{Start: i, End: i + 1, Bengali: class == bengali})
		}
	}
	return segs
}

func (s Segment) onlyNeutral(runes []rune) bool {
	for _, r := range runes[s.Start:s.End] {
		if scriptOf(r) != neutral {
			return false
		}
	}
	return true
}

type scriptClass int

const (
	neutral scriptClass = iota
	bengali
	other
)

func scriptOf(r rune) scriptClass {
	switch {
	case r >= 0x0980 && r <= 0x09FF, r == 0x0964, r == 0x0965, r == 0x200C, r == 0x200D:
		return bengali
	case unicode.IsSpace(r), unicode.IsPunct(r), unicode.IsDigit(r), unicode.IsSymbol(r):
		return neutral
	default:
		return other
	}
}
