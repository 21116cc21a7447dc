package atlas

import (
	"image/color"
	"math"
	"unicode"

	"github.com/tdewolff/canvas"
)

// textStyle is how a piece of text is set: size in points, weight, colour.
type textStyle struct {
	size  float64
	bold  bool
	color color.RGBA
}

// bangla reports whether r is set in the Bengali font: the Bengali block,
// the dandas Bangla shares with Devanagari, and the zero-width (non-)joiners
// that steer conjuncts.
func bangla(r rune) bool {
	return (r >= 0x0980 && r <= 0x09FF) || r == 0x0964 || r == 0x0965 || r == 0x200C || r == 0x200D
}

// neutral reports whether r takes the font of the text around it (spaces,
// punctuation, symbols and ASCII digits).
func neutral(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || (r >= '0' && r <= '9')
}

// run is a stretch of text set in one font.
type run struct {
	text   string
	bangla bool
}

// runs splits s into stretches of Bangla and of other text. Neutral
// characters join the stretch before them (or, at the start, the first
// stretch after them), so "RECP সম্পর্কে জানেন" is one Latin run, "RECP ",
// and one Bangla run; a neutral character the Bengali font lacks (has
// reports which it has) is set in the Latin font whatever surrounds it.
func runs(s string, has func(rune) bool) []run {
	rs := []rune(s)
	script := make([]int, len(rs)) // 1 Bangla, 0 Latin, -1 not decided
	for i, r := range rs {
		switch {
		case !neutral(r) && bangla(r):
			script[i] = 1
		case !neutral(r) || !has(r):
			script[i] = 0
		default:
			script[i] = -1
		}
	}
	last := -1
	for i := range rs { // neutral characters take the script before them
		if script[i] < 0 {
			script[i] = last
		} else {
			last = script[i]
		}
	}
	next := 0
	for i := len(rs) - 1; i >= 0; i-- { // and at the start, the one after them
		if script[i] < 0 {
			script[i] = next
		} else {
			next = script[i]
		}
	}
	var out []run
	start := 0
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) || script[i] != script[start] {
			out = append(out, run{string(rs[start:i]), script[start] == 1})
			start = i
		}
	}
	return out
}

// text sets s in style st as one canvas text: Bangla stretches in the
// Bengali font, shaped by go-text/typesetting's HarfBuzz port (canvas's
// shaper without the cgo "harfbuzz" build tag), the rest in the Latin font.
// width > 0 wraps lines at that width (mm); 0 sets one line.
func (f *Fonts) text(s string, st textStyle, width float64, align canvas.TextAlign) *canvas.Text {
	style := canvas.FontRegular
	if st.bold {
		style = canvas.FontBold
	}
	latin := f.latin.Face(st.size, st.color, style, canvas.FontNormal)
	bengali := f.bengali.Face(st.size, st.color, style, canvas.FontNormal)
	bengali.Language = "bn"
	rt := canvas.NewRichText(latin)
	for _, r := range runs(s, func(c rune) bool { return bengali.Font.GlyphIndex(c) != 0 }) {
		face := latin
		if r.bangla {
			face = bengali
		}
		rt.WriteFace(face, r.text)
	}
	return rt.ToText(width, 0, align, canvas.Top, nil)
}

// line sets s on one line in style st, smaller where it would be wider than
// maxW mm (never below 60 % of st.size; beyond that it overflows).
func (f *Fonts) line(s string, st textStyle, maxW float64, align canvas.TextAlign) *canvas.Text {
	t := f.text(s, st, 0, align)
	if w := t.Bounds().W(); maxW > 0 && w > maxW {
		st.size *= math.Max(0.6, maxW/w)
		t = f.text(s, st, 0, align)
	}
	return t
}
