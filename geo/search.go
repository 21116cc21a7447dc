package geo

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/adrg/strutil/metrics"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns the form of a place name used to compare names: Unicode
// NFC (so Bangla written with different code-point sequences compares
// equal), lower case, Bangla digits ০–৯ as ASCII 0–9, apostrophes and
// invisible format characters (zero-width joiners) removed, and every other
// run of punctuation and white space turned into one space, trimmed at both
// ends. Normalize("Cox's  Bazar") is "coxs bazar"; Normalize("ঢাকা-১") is
// "ঢাকা 1". It keeps every word, including "Sadar".
func Normalize(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		switch {
		case r >= '০' && r <= '৯':
			r = '0' + (r - '০')
		case r == '\'' || r == '’' || r == '‘' || r == '`' || unicode.Is(unicode.Cf, r):
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// optionalWords are words a searcher may add or leave out without meaning a
// different place: "Sadar" (the headquarters unit, "Comilla Sadar" for
// "Comilla Adarsha Sadar") and the names of the levels ("Bogra district").
// They are compared in normalised form.
var optionalWords = map[string]bool{
	"sadar": true, "সদর": true,
	"division": true, "বিভাগ": true,
	"district": true, "zila": true, "zilla": true, "জেলা": true,
	"upazila": true, "upazilla": true, "উপজেলা": true,
	"thana": true, "থানা": true,
	"union": true, "ইউনিয়ন": true,
}

// searchKey returns a normalised name without its optional words; a name
// made only of optional words is kept whole ("Sadar" stays "sadar").
func searchKey(normalized string) string {
	words := strings.Fields(normalized)
	kept := words[:0:0]
	for _, w := range words {
		if !optionalWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return normalized
	}
	return strings.Join(kept, " ")
}

// Scores of the kinds of match. Each kind's scores lie strictly above the
// next kind's, so sorting by score ranks exact before prefix before fuzzy.
const (
	scoreExact    = 1.0  // the whole normalised name equals the query
	scoreExactKey = 0.98 // equal once optional words are dropped
	scorePrefix   = 0.90 // the query begins the name
	scoreWord     = 0.85 // the query begins a later word of the name
	scoreFuzzy    = 0.84 // × the similarity, at least fuzzyThreshold

	// fuzzyThreshold is the least Levenshtein similarity (1 − edits ÷
	// length of the longer key) for a fuzzy match: one typo in five letters.
	fuzzyThreshold = 0.8
	// fuzzyMinRunes is the shortest query tried fuzzily; shorter ones match
	// too much.
	fuzzyMinRunes = 3
)

// Gazetteer finds units by name. It indexes every name of every unit given:
// NameEN, NameENCurrent, NameBN and AltNames, in English and Bangla, at all
// levels. It is read-only after NewGazetteer and safe for concurrent use.
type Gazetteer struct {
	names []gazName
	// entries holds each name's search key and the key's later word
	// starts ("comilla adarsha" also as "adarsha"), sorted, for exact and
	// prefix lookup by binary search.
	entries []gazEntry
	// grams maps each trigram of the padded search keys to the names that
	// contain it, for fuzzy candidates.
	grams map[string][]int32
	// maxRunes is the length of the longest search key.
	maxRunes int
}

// gazName is one indexed name of one unit.
type gazName struct {
	unit  *Unit
	text  string // as written in the data
	norm  string // Normalize(text)
	key   string // searchKey(norm)
	runes int    // length of key in runes
}

type gazEntry struct {
	text string // key, or the part of key from a word start on
	name int32  // index in names
	word bool   // text starts at a later word of key
}

var levenshtein = metrics.NewLevenshtein()

// NewGazetteer indexes the names of units. The units are shared, not
// copied; names that normalise to the same text for one unit are indexed
// once, under the first of NameEN, NameENCurrent, NameBN, AltNames.
func NewGazetteer(units []*Unit) *Gazetteer {
	g := &Gazetteer{grams: map[string][]int32{}}
	for _, u := range units {
		if u == nil {
			continue
		}
		texts := []string{u.NameEN, u.NameENCurrent, u.NameBN}
		for _, n := range u.AltNames {
			texts = append(texts, n.Text)
		}
		seen := map[string]bool{}
		for _, t := range texts {
			n := Normalize(t)
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			g.add(u, t, n)
		}
	}
	slices.SortFunc(g.entries, func(a, b gazEntry) int { return strings.Compare(a.text, b.text) })
	return g
}

func (g *Gazetteer) add(u *Unit, text, normalized string) {
	id := int32(len(g.names))
	key := searchKey(normalized)
	g.names = append(g.names, gazName{
		unit: u, text: text, norm: normalized, key: key,
		runes: utf8.RuneCountInString(key),
	})
	g.maxRunes = max(g.maxRunes, g.names[id].runes)
	g.entries = append(g.entries, gazEntry{text: key, name: id})
	for i := 1; i < len(key); i++ {
		if key[i-1] == ' ' {
			g.entries = append(g.entries, gazEntry{text: key[i:], name: id, word: true})
		}
	}
	for _, t := range trigrams(key) {
		g.grams[t] = append(g.grams[t], id)
	}
}

// trigrams returns the distinct trigrams of s padded with two spaces at each
// end, so that a string of n runes has up to n+2 of them.
func trigrams(s string) []string {
	r := []rune("  " + s + "  ")
	out := make([]string, 0, len(r)-2)
	for i := 0; i+3 <= len(r); i++ {
		t := string(r[i : i+3])
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Search returns the units having a name that matches q, best first, at most
// opt.Limit of them (10 when zero), each unit once under its best matching
// name. Only units of opt.Level and P-codes starting with opt.Within are
// considered.
//
// Names and query are compared after Normalize, and optional words
// ("Sadar", "district", "upazila" and their Bangla forms) may be added or
// left out. Matches rank
//
//  1. exact: the names are equal (score 1), or equal but for optional words
//     (0.98);
//  2. prefix: the query begins the name (0.9) or a later word of it
//     (0.85);
//  3. fuzzy: Levenshtein similarity of at least 0.8 (score 0.84 ×
//     similarity), for queries of three letters or more;
//
// and ties go to the higher level (division before district before upazila
// before union), then to the smaller P-code. A query that normalises to
// nothing returns nil.
func (g *Gazetteer) Search(q string, opt SearchOptions) []Match {
	limit := opt.Limit
	if limit <= 0 {
		limit = 10
	}
	qn := Normalize(q)
	if qn == "" {
		return nil
	}
	qk := searchKey(qn)
	s := search{opt: opt, best: map[*Unit]Match{}}

	lo, _ := slices.BinarySearchFunc(g.entries, qk, func(e gazEntry, t string) int { return strings.Compare(e.text, t) })
	for _, e := range g.entries[lo:] {
		if !strings.HasPrefix(e.text, qk) {
			break
		}
		n := &g.names[e.name]
		switch {
		case e.word:
			s.offer(n, scoreWord, "prefix")
		case n.norm == qn:
			s.offer(n, scoreExact, "exact")
		case e.text == qk:
			s.offer(n, scoreExactKey, "exact")
		default:
			s.offer(n, scorePrefix, "prefix")
		}
	}

	// Fuzzy matches rank below every exact and prefix match, so they are
	// only needed when those do not fill the page.
	if qr := utf8.RuneCountInString(qk); len(s.best) < limit && qr >= fuzzyMinRunes {
		g.fuzzy(&s, qk, qr)
	}

	out := make([]Match, 0, len(s.best))
	for _, m := range s.best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Unit.Level, b.Unit.Level); c != 0 {
			return c
		}
		return strings.Compare(a.Unit.PCode, b.Unit.PCode)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// fuzzy offers the names within fuzzyThreshold of the query key qk, which
// has qr runes. Candidates come from the trigram index: a key within k edits
// of qk shares at least qr+2−3k of its trigrams (each edit breaks at most
// three), and a similarity of fuzzyThreshold allows at most
// k = qr × (1−t)/t edits. One trigram of slack covers repeated trigrams,
// which the index counts once.
func (g *Gazetteer) fuzzy(s *search, qk string, qr int) {
	maxEdits := int(float64(qr) * (1 - fuzzyThreshold) / fuzzyThreshold)
	if qr-maxEdits > g.maxRunes {
		return // longer than any name can be; this also keeps counts small
	}
	need := max(qr+2-3*maxEdits-1, 1)
	counts := make([]uint8, len(g.names))
	var reached []int32 // the names whose count reached need, once each
	for _, t := range trigrams(qk) {
		for _, id := range g.grams[t] {
			if counts[id]++; int(counts[id]) == need {
				reached = append(reached, id)
			}
		}
	}
	for _, id := range reached {
		n := &g.names[id]
		if !s.wanted(n.unit) || abs(n.runes-qr) > maxEdits {
			continue
		}
		if sim := levenshtein.Compare(qk, n.key); sim >= fuzzyThreshold {
			s.offer(n, scoreFuzzy*sim, "fuzzy")
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// search collects the best match per unit during one Search.
type search struct {
	opt  SearchOptions
	best map[*Unit]Match
}

func (s *search) wanted(u *Unit) bool {
	return (s.opt.Level == nil || u.Level == *s.opt.Level) && strings.HasPrefix(u.PCode, s.opt.Within)
}

func (s *search) offer(n *gazName, score float64, kind string) {
	if !s.wanted(n.unit) {
		return
	}
	if have, ok := s.best[n.unit]; ok && have.Score >= score {
		return
	}
	s.best[n.unit] = Match{Unit: n.unit, Name: n.text, Score: score, Kind: kind}
}
