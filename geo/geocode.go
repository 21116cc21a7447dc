package geo

import (
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// Scores of a geocoded record (see Geocoder.Geocode).
const (
	// scoreGPSDisagrees is the score of a GPS placement that contradicts
	// the stated names.
	scoreGPSDisagrees = 0.6
	// unusedNameFactor multiplies the score of a name placement for each
	// stated name that could not be used (unknown, ambiguous or outside its
	// stated parent).
	unusedNameFactor = 0.9
	// displayTries is how many candidate display points are drawn in a
	// unit's bounding box before falling back to its label point.
	displayTries = 32
	// zeroGPS is the distance from 0 under which both coordinates count as
	// a "0,0" placeholder.
	zeroGPS = 1e-6
)

// Geocoder places survey records: it turns stated admin names and an
// optional GPS point into admin units, a method, a score, quality flags and
// a point for the map. It is read-only after NewGeocoder and safe for
// concurrent use.
type Geocoder struct {
	atlas *Atlas
	gaz   *Gazetteer
	// exact maps each search key of the gazetteer (normalised name without
	// optional words) to the names having it, as indices in gaz.names.
	exact map[string][]int32
	// sadar maps a district's P-code to its upazilas that have a name with
	// the word "Sadar" (সদর): the headquarters upazila, or two of them.
	sadar map[string][]*Unit
	// namesOf holds each unit's names, as indices in gaz.names.
	namesOf map[*Unit][]int32
	// variant maps the variantKey of each search key to the names having
	// it, as indices in gaz.names.
	variant map[string][]int32
	// aliases are the learnt aliases (WithAliases); nil for none.
	aliases map[aliasKey]*Unit
}

// fieldWords are words survey forms add to a name that the Gazetteer does
// not treat as optional: "Bibhag" (division), "UP" and "Parishad" (union
// parishad), "PS" (police station, as "P.S." is too), "Uz." (upazila),
// "Dist." (district). The geocoder drops them, unless they are the whole
// name.
var fieldWords = map[string]bool{"bibhag": true, "up": true, "parishad": true, "পরিষদ": true,
	"ps": true, "uz": true, "dist": true}

// NewGeocoder builds a geocoder over the units, names and locator of a.
func NewGeocoder(a *Atlas) *Geocoder {
	g := &Geocoder{atlas: a, gaz: a.gaz, exact: map[string][]int32{}, sadar: map[string][]*Unit{}, namesOf: map[*Unit][]int32{}, variant: map[string][]int32{}}
	for i := range g.gaz.names {
		n := &g.gaz.names[i]
		g.exact[n.key] = append(g.exact[n.key], int32(i))
		g.namesOf[n.unit] = append(g.namesOf[n.unit], int32(i))
		vk := variantKey(n.key)
		g.variant[vk] = append(g.variant[vk], int32(i))
		if n.unit.Level == Upazila && hasSadar(n.norm) {
			d := n.unit.Parent
			if l := g.sadar[d]; len(l) == 0 || l[len(l)-1] != n.unit {
				g.sadar[d] = append(l, n.unit)
			}
		}
	}
	return g
}

// hasSadar reports whether a normalised name has the word Sadar.
func hasSadar(normalized string) bool {
	for _, w := range strings.Fields(normalized) {
		if w == "sadar" || w == "সদর" {
			return true
		}
	}
	return false
}

// GeocodeInput is one record to place.
type GeocodeInput struct {
	// ID seeds the display point, so that a record keeps its point across
	// re-imports; records without one share their unit's point.
	ID     string
	Stated guccho.AdminNames // names as the source writes them; empty = not stated
	// GPS is the surveyed point {lon, lat} as the source gives it (it may
	// be swapped, zero or junk); nil when the record has none.
	GPS *orb.Point
}

// GeocodeResult is where a record was placed.
type GeocodeResult struct {
	Admin   guccho.AdminCodes // resolved P-codes down to the method's level; empty for method none
	Geocode guccho.Geocode    // method, score and flags
	// GPS is the cleaned surveyed point: swapped coordinates fixed; nil when
	// absent or rejected (zero, invalid, outside Bangladesh).
	GPS *orb.Point
	// Point is where the map shows the record: the GPS point for method gps,
	// a display point inside the finest resolved unit for the name methods
	// (DisplayPoint true), the zero point for method none.
	Point        orb.Point
	DisplayPoint bool
}

// Geocode places one record. The rules, in order:
//
// Names. Division, district, upazila and union names are resolved top down;
// each is looked up among the units of its level inside the finest unit
// resolved so far (nationwide when none), and a resolved unit brings its
// parents with it. A name is compared in the Gazetteer's normal form
// (Normalize) against every name of a unit — COD-AB, current spelling,
// variants, Bangla — so "Jashore", "Jessore" and "যশোর" are one district and
// "Nawabganj" is the old name of Chapainawabganj. "Sadar", "Upazila",
// "Thana", "District", "Union" are optional words, and the form words
// "Bibhag", "UP" and "Parishad" are dropped. Matches rank:
//
//  1. exact (score 1; 0.98 when equal only without the optional words);
//     where no unit has the name exactly, a learnt alias of it inside
//     exactly the resolved parent (WithAliases; 0.97, flags name_alias);
//  2. an upazila stated as "Sadar", or as "<district> Sadar" in any spelling
//     of the resolved district: the district's one Sadar upazila (0.98);
//     then a romanisation variant of a name (variantKey: "Narayangonj",
//     "Bogoora"; 0.95, not flagged name_fuzzy);
//  3. prefix or fuzzy (Gazetteer.Search: 0.9, 0.85, 0.84 × similarity);
//  4. a name one edit away — a letter changed, added or dropped, or two
//     neighbours swapped — for names of four letters or more, looked for
//     inside the resolved parent only, or among all divisions and districts
//     (0.84 × (1 − 1/length));
//  5. "Sadar" itself misspelt by one edit, as in 2 (0.84 × 0.8).
//
// The best of a rank is taken only when no other unit ties with it; 3 to 5
// flag name_fuzzy. A name that several units fit equally (a repeated upazila
// name with no district) flags name_ambiguous; one that exists at its level
// but not inside the resolved parent flags name_parent_mismatch; one that
// matches nothing flags name_unknown. Such a name is not used, and
// resolution goes on below it inside the same parent. A union is matched
// only exactly (rank 1) unless its upazila resolved; then an exact union
// name that fits one union (inside the district, say) supplies the upazila.
// When a name cannot be used, the fields are read once more as field
// officers write them (splitFields): several units in one field ("Bhairab,
// Kishoreganj"), administrative words as level hints ("Kotwali P.S.",
// "Kishoreganj Zila", "Amtali Pourashava", "Ward 5"); that reading is kept
// only when it reaches a finer unit inside the first reading's unit.
//
// GPS. A point within 1e-6 of 0,0 flags zero_gps; NaN or infinite
// coordinates flag gps_invalid; a point outside every union that lands in
// one with longitude and latitude exchanged is fixed and flags
// swapped_lat_lon (so latitude 90.4 is read as a swap, not junk); any other
// out-of-range point flags gps_invalid, and any other point outside
// Bangladesh gps_outside. Rejected points are ignored.
//
// Placement. A usable GPS point always wins: method gps, Admin codes from
// the union containing it, Point the point itself. Its score is 1 unless the
// stated names resolved to an upazila (or only to a district or division)
// that does not contain the point: then the record flags gps_name_disagree
// and scores 0.6; the caller keeps the stated names beside it. A point in a
// neighbouring union of the stated upazila is no disagreement, since
// boundaries are generalised by hundreds of metres. Without GPS the method
// is the finest level the names resolved (union, upazila, district,
// division), Admin codes run down to it, the score is the lowest match score
// used times 0.9 for every stated name that could not be used, and Point is
// DisplayPoint(ID, unit). With neither, the method is none, score 0, Point
// zero and Admin empty.
func (g *Geocoder) Geocode(in GeocodeInput) GeocodeResult {
	var flags flagSet
	named, score := g.resolveNames(in.Stated, &flags)
	gps, gpsUnion := g.cleanGPS(in.GPS, &flags)

	var res GeocodeResult
	switch {
	case gpsUnion != nil:
		res.GPS = &gps
		res.Point = gps
		res.Admin = adminCodes(gpsUnion.PCode)
		res.Geocode = guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}
		if named != nil {
			lvl := min(named.Level, Upazila)
			if !strings.HasPrefix(gpsUnion.PCode, named.PCode[:2+2*int(lvl)]) {
				flags.add(guccho.FlagGPSDisagrees)
				res.Geocode.Score = scoreGPSDisagrees
			}
		}
	case named != nil:
		res.Admin = adminCodes(named.PCode)
		res.Geocode = guccho.Geocode{Method: named.Level.String(), Score: score}
		res.Point = g.DisplayPoint(in.ID, named)
		res.DisplayPoint = true
	default:
		res.Geocode = guccho.Geocode{Method: guccho.GeocodeNone}
	}
	res.Geocode.Flags = flags
	return res
}

// resolveNames resolves the stated names as written and, when some name
// could not be used, once more with the fields split into the units they
// hold (splitFields). The second reading is taken only when it reaches a
// finer unit, or as fine a unit with fewer unused names, and never when it
// contradicts the first (its unit must lie inside the first's). It returns
// the finest unit reached (nil for none) with its name score.
func (g *Geocoder) resolveNames(st guccho.AdminNames, flags *flagSet) (*Unit, float64) {
	var f1 flagSet
	u1, s1, n1 := g.resolveFields(st, &f1)
	if n1 == 0 {
		*flags = append(*flags, f1...)
		return u1, s1
	}
	sp := g.splitFields(st)
	if sp == st {
		*flags = append(*flags, f1...)
		return u1, s1
	}
	var f2 flagSet
	u2, s2, n2 := g.resolveFields(sp, &f2)
	better := u2 != nil && (u1 == nil || strings.HasPrefix(u2.PCode, u1.PCode) && (u2.Level > u1.Level || u2.Level == u1.Level && n2 < n1))
	if better {
		*flags = append(*flags, f2...)
		return u2, s2
	}
	*flags = append(*flags, f1...)
	return u1, s1
}

// resolveFields resolves names top down and returns the finest unit
// reached (nil for none), its name score, and how many stated names could
// not be used.
func (g *Geocoder) resolveFields(st guccho.AdminNames, flags *flagSet) (*Unit, float64, int) {
	var cur *Unit
	score, unused := 1.0, 0
	for _, s := range [...]struct {
		level Level
		name  string
	}{{Division, st.Division}, {District, st.District}, {Upazila, st.Upazila}, {Union, st.Union}} {
		within := ""
		if cur != nil {
			within = cur.PCode
		}
		level := s.level
		if h := levelHint(s.name); h >= Division && h < level && (cur == nil || cur.Level < h) {
			level = h // "Kishoreganj District" in the union field is a district
		}
		fuzzy := level != Union || (cur != nil && cur.Level == Upazila)
		m := g.match(s.name, level, within, fuzzy)
		if m.status == unknown && level > District && (cur == nil || cur.Level < District) {
			// A district written in the upazila or union field.
			if dm := g.match(s.name, District, within, false); dm.status == matched {
				m = dm
			}
		}
		switch m.status {
		case notStated:
			continue
		case matched:
			cur = m.unit
			score = min(score, m.score)
			if m.alias {
				flags.add(guccho.FlagNameAlias)
			} else if m.score < scoreExactKey && m.score != scoreVariant {
				flags.add(guccho.FlagNameFuzzy)
			}
			continue
		case ambiguous:
			flags.add(guccho.FlagNameAmbiguous)
		case mismatch:
			flags.add(guccho.FlagParentMismatch)
		case unknown:
			flags.add(guccho.FlagNameUnknown)
		}
		unused++
	}
	if cur == nil {
		return nil, 0, unused
	}
	return cur, score * math.Pow(unusedNameFactor, float64(unused)), unused
}

// matchStatus is the outcome of looking up one stated name.
type matchStatus int

const (
	notStated matchStatus = iota // the name is empty
	matched                      // one unit fits best
	ambiguous                    // several units fit equally well
	mismatch                     // the name exists at its level, but not inside the parent
	unknown                      // nothing fits
)

type nameMatch struct {
	status matchStatus
	unit   *Unit
	score  float64
	alias  bool // matched through a learnt alias
}

// match looks up name among the units of level whose P-codes start with
// within. Fuzzy (and prefix) matching is tried only when fuzzy is set.
func (g *Geocoder) match(name string, level Level, within string, fuzzy bool) nameMatch {
	qn := dropFieldWords(Normalize(name))
	if qn == "" {
		return nameMatch{status: notStated}
	}
	qk := searchKey(qn)
	u, score, n := g.lookup(qn, qk, level, within)
	if n == 1 {
		return nameMatch{status: matched, unit: u, score: score}
	}
	if u, ok := g.aliases[aliasKey{level, within, qn}]; ok {
		return nameMatch{status: matched, unit: u, score: scoreAlias, alias: true}
	}
	if n > 1 {
		return nameMatch{status: ambiguous}
	}
	if level == Union && qk == "paurashava" && len(within) == 8 {
		if m, ok := g.paurashava(within); ok {
			return m
		}
	}
	sadarPossible := level == Upazila && len(within) == 6
	if sadarPossible {
		if m, ok := g.sadarUpazila(qn, within, false); ok {
			return m
		}
	}
	if level != Union || len(within) == 8 {
		if u, n := g.lookupVariant(qk, level, within); n == 1 {
			return nameMatch{status: matched, unit: u, score: scoreVariant}
		} else if n > 1 {
			return nameMatch{status: ambiguous}
		}
	}
	if fuzzy {
		ms := g.gaz.Search(qn, SearchOptions{Limit: 2, Level: &level, Within: within})
		switch {
		case len(ms) == 1 || len(ms) == 2 && ms[0].Score > ms[1].Score:
			return nameMatch{status: matched, unit: ms[0].Unit, score: ms[0].Score}
		case len(ms) == 2:
			return nameMatch{status: ambiguous}
		}
		if m, ok := g.oneEdit(qk, level, within); ok {
			return m
		}
		if sadarPossible {
			if m, ok := g.sadarUpazila(qn, within, true); ok {
				return m
			}
		}
	}
	if within != "" {
		if _, _, n := g.lookup(qn, qk, level, ""); n > 0 {
			return nameMatch{status: mismatch}
		}
	}
	return nameMatch{status: unknown}
}

// lookup finds the units of level under within having a name whose search
// key is qk. It returns the best of them (score 1 when the whole normalised
// name qn is equal, 0.98 when only the key is), its score, and how many
// distinct units share that best score.
func (g *Geocoder) lookup(qn, qk string, level Level, within string) (*Unit, float64, int) {
	var (
		best  *Unit
		score float64
		n     int
		seen  [8]*Unit // units already counted at the best score
	)
	for _, id := range g.exact[qk] {
		nm := &g.gaz.names[id]
		u := nm.unit
		if u.Level != level || !strings.HasPrefix(u.PCode, within) {
			continue
		}
		s := scoreExactKey
		if nm.norm == qn {
			s = scoreExact
		}
		switch {
		case s > score:
			best, score, n = u, s, 1
			seen[0] = u
		case s == score && !contains(seen[:min(n, len(seen))], u):
			if n < len(seen) {
				seen[n] = u
			}
			n++
		}
	}
	return best, score, n
}

func contains(us []*Unit, u *Unit) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}

// dropFieldWords removes fieldWords from a normalised name, unless
// nothing else is left.
func dropFieldWords(qn string) string {
	if !strings.Contains(qn, " ") {
		return qn
	}
	words := strings.Fields(qn)
	kept := words[:0]
	n := len(words)
	for i := 0; i < n; i++ {
		switch w := words[i]; {
		case fieldWords[w]:
		case (w == "p" || w == "police") && i+1 < n && (words[i+1] == "s" || words[i+1] == "station"):
			i++ // "P.S.", "Police Station"
		default:
			kept = append(kept, w)
		}
	}
	if len(kept) == n || len(kept) == 0 {
		return qn
	}
	return strings.Join(kept, " ")
}

// oneEditMinRunes is the shortest key oneEdit compares.
const oneEditMinRunes = 4

// oneEdit finds, among the units of level inside the unit within (or
// nationwide for divisions and districts, which are few), the one having a
// name one edit away from the query key qk: a letter changed, added,
// dropped, or two neighbours swapped. It catches what the Gazetteer's fuzzy
// search misses because its threshold is a share of the length:
// transpositions (two Levenshtein edits) and one typo in a short name. The
// match must be the only one; it scores as a fuzzy match of one edit.
func (g *Geocoder) oneEdit(qk string, level Level, within string) (nameMatch, bool) {
	q := []rune(qk)
	if len(q) < oneEditMinRunes {
		return nameMatch{}, false
	}
	var cands []*Unit
	if within == "" {
		if level > District {
			return nameMatch{}, false
		}
		cands = g.atlas.levels[level]
	} else if parent, ok := g.atlas.byCode[within]; ok && parent.Level < level {
		cands = g.atlas.descendants(parent, level)
	}
	var found *Unit
	runes, n := 0, 0
	for _, u := range cands {
		for _, id := range g.namesOf[u] {
			nm := &g.gaz.names[id]
			if nm.runes >= oneEditMinRunes && abs(nm.runes-len(q)) <= 1 && withinOneEdit(q, []rune(nm.key)) {
				found, runes = u, nm.runes
				n++
				break
			}
		}
	}
	switch n {
	case 0:
		return nameMatch{}, false
	case 1:
		sim := 1 - 1/float64(max(runes, len(q)))
		return nameMatch{status: matched, unit: found, score: scoreFuzzy * sim}, true
	}
	return nameMatch{status: ambiguous}, true
}

// withinOneEdit reports whether a and b differ by at most one substitution,
// insertion, deletion or swap of neighbours.
func withinOneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch {
	case i == len(a):
		return len(b)-len(a) <= 1
	case len(a) == len(b):
		if string(a[i+1:]) == string(b[i+1:]) {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:])
	case len(b) == len(a)+1:
		return string(a[i:]) == string(b[i+1:])
	}
	return false
}

// sadarUpazila resolves an upazila stated as "Sadar", optionally after the
// district's name in any of its spellings ("Jashore Sadar" where the data
// says "Jessore Sadar"), to the district's one Sadar upazila. With loose,
// a word one edit away from "sadar" ("Sadra", "Sador") counts as Sadar
// too, and the match scores as a fuzzy one.
func (g *Geocoder) sadarUpazila(qn, district string, loose bool) (nameMatch, bool) {
	var rest []string
	found, fuzzy := false, false
	for _, w := range strings.Fields(qn) {
		switch {
		case w == "sadar" || w == "সদর":
			found = true
		case loose && len(w) >= oneEditMinRunes && withinOneEdit([]rune(w), []rune("sadar")):
			found, fuzzy = true, true
		case !optionalWords[w]:
			rest = append(rest, w)
		}
	}
	if !found {
		return nameMatch{}, false
	}
	if len(rest) > 0 {
		r := strings.Join(rest, " ")
		if u, _, n := g.lookup(r, r, District, district); n != 1 || u.PCode != district {
			return nameMatch{}, false
		}
	}
	switch c := g.sadar[district]; len(c) {
	case 0:
		return nameMatch{}, false
	case 1:
		score := scoreExactKey
		if fuzzy {
			score = scoreFuzzy * (1 - 1.0/5)
		}
		return nameMatch{status: matched, unit: c[0], score: score}, true
	}
	return nameMatch{status: ambiguous}, true
}

// adminCodes returns the P-codes of a unit and its ancestors below the
// country, read off the unit's own P-code.
func adminCodes(pcode string) guccho.AdminCodes {
	cut := func(n int) string {
		if len(pcode) < n {
			return ""
		}
		return pcode[:n]
	}
	return guccho.AdminCodes{Division: cut(4), District: cut(6), Upazila: cut(8), Union: cut(10)}
}

// flagSet collects flags once each, in the order first noticed; nil when
// there are none.
type flagSet []string

func (f *flagSet) add(flag string) {
	for _, x := range *f {
		if x == flag {
			return
		}
	}
	*f = append(*f, flag)
}
