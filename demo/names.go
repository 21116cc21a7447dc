package demo

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/guccho/guccho/geo"
)

// How field staff write admin names (illustrative rates).
const (
	pDivisionStated = 0.85 // the division column is filled
	pUpazilaMissing = 0.05
	pUnionMissing   = 0.30
	pTypo           = 0.10 // a record has one typo (one edit) in one of its names
	pSadarShort     = 0.30 // a Sadar upazila written just "Sadar"
	pSadarDistrict  = 0.20 // … or "<district> Sadar" in the district's current spelling
	pLevelWord      = 0.10 // a level word appended: "Upazila", "Thana", "District", …
	pUpper          = 0.15
	pLower          = 0.15
	pPadded         = 0.03 // stray spaces around a name
)

// Spelling styles, drawn per name.
const (
	styleCODAB   = iota // COD-AB 2020, e.g. "Jessore"
	styleCurrent        // current official, "Jashore"
	styleBangla         // "যশোর"
	styleVariant        // another English spelling from the gazetteer
)

// styleWeights are the chances of each style.
var styleWeights = [...]float64{0.35, 0.25, 0.20, 0.20}

// levelWords are the words appended to a name of each level.
var levelWords = map[geo.Level][]string{
	geo.Division: {"Division", "Bibhag"},
	geo.District: {"District", "Zila", "Zilla"},
	geo.Upazila:  {"Upazila", "Thana", "Upazilla"},
	geo.Union:    {"Union", "UP"},
}

// writer writes names as field staff do.
type writer struct{ r *rand.Rand }

func (w writer) chance(p float64) bool { return w.r.Float64() < p }

// name writes the name of u in a random style.
func (w writer) name(u *geo.Unit) string {
	s := u.NameEN
	switch pickWeighted(w.r, styleWeights[:]) {
	case styleCurrent:
		s = u.DisplayName()
	case styleBangla:
		if u.NameBN != "" {
			s = u.NameBN
		}
	case styleVariant:
		var vs []string
		for _, n := range u.AltNames {
			if n.Lang == "en" && n.Text != u.NameEN && n.Text != u.NameENCurrent {
				vs = append(vs, n.Text)
			}
		}
		if len(vs) > 0 {
			s = vs[w.r.IntN(len(vs))]
		}
	}
	return s
}

// upazila writes an upazila's name, using the "Sadar" shorthands for a
// district's headquarters upazila.
func (w writer) upazila(u, district *geo.Unit) string {
	if isSadar(u) {
		switch x := w.r.Float64(); {
		case x < pSadarShort:
			return "Sadar"
		case x < pSadarShort+pSadarDistrict:
			return district.DisplayName() + " Sadar"
		}
	}
	return w.name(u)
}

// isSadar reports whether one of u's names has the word Sadar.
func isSadar(u *geo.Unit) bool {
	if hasWord(u.NameEN, "Sadar") || hasWord(u.NameBN, "সদর") {
		return true
	}
	for _, n := range u.AltNames {
		if hasWord(n.Text, "Sadar") || hasWord(n.Text, "সদর") {
			return true
		}
	}
	return false
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

// dress adds the habits of hand-typed names: level words, case, spaces.
func (w writer) dress(s string, l geo.Level) string {
	latin := isLatin(s)
	if latin && w.chance(pLevelWord) {
		ws := levelWords[l]
		s += " " + ws[w.r.IntN(len(ws))]
	}
	if latin {
		switch x := w.r.Float64(); {
		case x < pUpper:
			s = strings.ToUpper(s)
		case x < pUpper+pLower:
			s = strings.ToLower(s)
		}
	}
	if w.chance(pPadded) {
		s = " " + s + "  "
	}
	return s
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1 {
			return false
		}
	}
	return true
}

// bengaliLetters are what a Bangla typo inserts or substitutes.
var bengaliLetters = []rune("কখগঘচছজঝটঠডঢতথদধনপফবভমযরলশষসহািীুূেোৃ")

// typo makes one edit to s: a substitution, deletion, insertion or
// transposition of neighbours, at a random place. Strings of fewer than
// three letters are left alone.
func (w writer) typo(s string) string {
	rs := []rune(s)
	if len(rs) < 3 {
		return s
	}
	letter := func() rune {
		if isLatin(s) {
			return rune('a' + w.r.IntN(26))
		}
		return bengaliLetters[w.r.IntN(len(bengaliLetters))]
	}
	i := w.r.IntN(len(rs))
	switch w.r.IntN(4) {
	case 0:
		if c := letter(); c != unicode.ToLower(rs[i]) {
			rs[i] = c
		} else {
			rs[i] = letter() // may rarely repeat: then the "typo" is none
		}
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	case 2:
		rs = append(rs[:i], append([]rune{letter()}, rs[i:]...)...)
	default:
		if i == len(rs)-1 {
			i--
		}
		rs[i], rs[i+1] = rs[i+1], rs[i]
	}
	return string(rs)
}

// pickWeighted returns an index drawn with the given weights.
func pickWeighted(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, x := range weights {
		total += x
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
