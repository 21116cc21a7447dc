package geo

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
)

// scoreVariant is the score of a name equal to a unit's name only in its
// romanisation key (variantKey): "Kishorgonj" for "Kishoreganj". It lies
// below the exact matches and above prefix and fuzzy ones.
const scoreVariant = 0.95

// dashes turn the dashes that separate units into commas.
var dashes = strings.NewReplacer(" - ", ",", " – ", ",", " — ", ",", "–", ",", "—", ",")

// partWord is COD-AB's "(Part)" after a ward split between thanas ("Ward
// No-40 (Part)"), which splitParts keeps with its name.
var partWord = regexp.MustCompile(`(?i)\(\s*part\s*\)`)

// splitParts splits a name field that holds several units, as in
// "Bhairab, Kishoreganj", "Bhairab (Kishoreganj)", "Bhairab; Kishoreganj",
// "Bhairab / Kishoreganj". A hyphen separates only with spaces around it
// ("Amtali - Barguna"), since COD-AB names hold hyphens ("Ward No-01");
// an en or em dash always does.
func splitParts(s string) []string {
	s = dashes.Replace(s)
	s = partWord.ReplaceAllString(s, "\uE000")
	raw := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '(', ')', '[', ']', ';', '/', '|', '\\', '،', '।':
			return true
		}
		return false
	})
	parts := raw[:0]
	for _, p := range raw {
		p = strings.ReplaceAll(p, "\uE000", "(Part)")
		if p = strings.TrimSpace(p); p != "" && Normalize(p) != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// levelWords are the administrative words field officers add to a name,
// in normal form, and the level each points to. The geocoder drops them
// and uses them as a hint of the part's level: "Kotwali P.S." and "Amtali
// Uz." are upazilas, "Barguna Zila" a district.
var levelWords = map[string]Level{
	"ps": Upazila, "thana": Upazila, "থানা": Upazila, "upazila": Upazila, "upazilla": Upazila,
	"uz": Upazila, "উপজেলা": Upazila, Normalize("থানা"): Upazila, Normalize("উপজেলা"): Upazila,
	"district": District, "zila": District, "zilla": District, "dist": District, "জেলা": District, Normalize("জেলা"): District,
	"division": Division, "bibhag": Division, "বিভাগ": Division,
	"union": Union, "ইউনিয়ন": Union, Normalize("ইউনিয়ন"): Union,
}

// levelHint returns the level an administrative word in name points to
// ("Kishoreganj Zila": district), or -1 when it has none.
func levelHint(name string) Level {
	if !strings.ContainsFunc(strings.TrimSpace(name), func(r rune) bool { return r == ' ' || r == '.' || r == ',' || r == '(' }) {
		return -1 // one word: a name, or only an administrative word
	}
	words := strings.Fields(Normalize(name))
	for i, w := range words {
		if l, ok := levelWords[w]; ok {
			return l
		}
		if (w == "p" || w == "police") && i+1 < len(words) && (words[i+1] == "s" || words[i+1] == "station") {
			return Upazila
		}
	}
	return -1
}

// municipalWords name a municipality (paurashava). COD-AB represents one as
// the union "Paurashava" of its upazila, so "Amtali Pourashava" is the
// union Paurashava inside the upazila Amtali.
var municipalWords = map[string]bool{
	"paurashava": true, "pourashava": true, "paurasava": true, "pourasava": true, "pouroshova": true,
	"pourashova": true, "municipality": true, Normalize("পৌরসভা"): true,
}

// wardBN is "ward" in Bangla, in normal form.
var wardBN = Normalize("ওয়ার্ড")

// namePart is one unit named in a field: its words without the
// administrative ones, the level they hint at (-1 for none), and the union
// an administrative word names ("Paurashava", "Ward No-05"), if any.
type namePart struct {
	name  string
	hint  Level
	union string
}

// readPart reads one part of a field: it drops the administrative words
// ("P.S.", "PS", "Thana", "Uz.", "Upazila", "Zila", "Union", in English or
// Bangla), turning them into a level hint, and reads "Pourashava" and
// "Ward 5" (ওয়ার্ড ৫) as the union COD-AB names that way.
func readPart(s string) namePart {
	words := strings.Fields(Normalize(s))
	p := namePart{hint: -1}
	var kept []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "p" && i+1 < len(words) && words[i+1] == "s":
			p.hint, i = Upazila, i+1
		case w == "police" && i+1 < len(words) && words[i+1] == "station":
			p.hint, i = Upazila, i+1
		case municipalWords[w]:
			p.union = "Paurashava"
		case (w == "ward" || w == wardBN) && i+1 < len(words):
			j := i + 1
			if words[j] == "no" && j+1 < len(words) {
				j++
			}
			if n, err := strconv.Atoi(words[j]); err == nil && n > 0 && n < 100 {
				p.union, i = fmt.Sprintf("Ward No-%02d", n), j
				if i+1 < len(words) && words[i+1] == "part" {
					// COD-AB's "Ward No-40 (Part)": a ward split between thanas
					p.union, i = p.union+" (Part)", i+1
				}
				continue
			}
			kept = append(kept, w)
		default:
			if l, ok := levelWords[w]; ok {
				p.hint = l
				if !optionalWords[w] {
					continue // the lookup knows the optional ones
				}
			}
			kept = append(kept, w)
		}
	}
	p.name = strings.Join(kept, " ")
	if p.name == "" && p.union == "" {
		// Only administrative words ("Thana", "Sadar Upazila" is kept by
		// the sadar rule below): leave them to the lookup.
		p.name, p.hint = Normalize(s), -1
	}
	if p.union != "" && p.hint < 0 && p.name != "" {
		p.hint = Upazila
	}
	return p
}

// splitFields spreads the units named in each field over the levels. A
// field holding one unit keeps its level; a field holding several ("union,
// upazila, district") gives its first part to its own level and the later
// ones, coarse, to the levels above, unless an administrative word says
// the level. A level that is stated in its own field keeps its own name;
// parts only fill empty ones. It returns the names to resolve, with
// administrative words dropped.
func (g *Geocoder) splitFields(st guccho.AdminNames) guccho.AdminNames {
	fields := [...]*string{Division: &st.Division, District: &st.District, Upazila: &st.Upazila, Union: &st.Union}
	var out [Union + 1]string
	type placed struct {
		level Level
		name  string
	}
	var extra []placed
	for lvl := Union; lvl >= Division; lvl-- {
		text := *fields[lvl]
		if strings.TrimSpace(text) == "" {
			continue
		}
		parts := splitParts(text)
		if len(parts) > 1 && !g.coarseParts(parts[1:], lvl) {
			// "Barisal Sadar (Kotwali)", "Ward No-48 (Part)": one name
			parts = parts[:1:1]
			parts[0] = text
		}
		next := lvl
		for i, raw := range parts {
			if i == 0 && lvl == Union && len(parts) > 1 && g.unionNamed(raw) {
				// "Arani Paurashava, Bagha, Rajshahi": a municipality whose
				// own name COD-AB gives its union, not its upazila's.
				out[Union], next = raw, Upazila
				continue
			}
			p := readPart(raw)
			at := next
			if p.hint >= 0 && (i == 0 || p.hint <= next) {
				at = p.hint
			} else if i > 0 {
				at = g.coarseLevel(p.name, next)
			}
			if p.union != "" {
				extra = append(extra, placed{Union, p.union})
				if p.name != "" {
					extra = append(extra, placed{min(at, Upazila), p.name})
					next = min(at, Upazila) - 1
				} else {
					next = Upazila // "Ward No-40 (Part), Sher-e-bangla Nagar": the upazila follows
				}
			} else {
				if i == 0 && at == lvl && len(parts) == 1 && p.hint < 0 {
					out[lvl] = text // as written
				} else if i == 0 && at == lvl {
					out[lvl] = p.name
				} else {
					extra = append(extra, placed{at, p.name})
				}
				next = at - 1
			}
			if next < Division {
				break
			}
		}
	}
	for _, e := range extra {
		if e.level >= Division && e.level <= Union && out[e.level] == "" {
			out[e.level] = e.name
		}
	}
	return guccho.AdminNames{Division: out[Division], District: out[District], Upazila: out[Upazila], Union: out[Union]}
}

// coarseLevel returns the level of a later part of a field: the coarsest
// of at and the levels above it where the name is a unit's exact name (or
// romanisation variant), so that "Savar, Dhaka" reads Dhaka as the
// district, and "Bhairab, Dhaka" too; at itself when no level knows it.
func (g *Geocoder) coarseLevel(name string, at Level) Level {
	if l, ok := g.knownAbove(name, at); ok {
		return l
	}
	return at
}

// knownAbove returns the finest of at and the levels above it where name
// is a unit's exact name or romanisation variant.
func (g *Geocoder) knownAbove(name string, at Level) (Level, bool) {
	qn := dropFieldWords(Normalize(name))
	qk := searchKey(qn)
	for l := at; l >= Division; l-- {
		if _, _, n := g.lookup(qn, qk, l, ""); n > 0 {
			return l, true
		}
		if _, n := g.lookupVariant(qk, l, ""); n > 0 {
			return l, true
		}
	}
	return 0, false
}

// variantSpelling rewrites the romanisation variants of variantKey, except
// o/a, which is applied after it.
var variantSpelling = strings.NewReplacer("gonj", "ganj", "poor", "pur", "oo", "u", "ee", "i",
	"sh", "s", "bh", "b", "v", "b", "z", "j", "w", "o", "y", "i")

// variantKey folds the common romanisations of one Bangla name to one key:
// gonj/ganj, poor/pur, oo/u, ee/i, sh/s, bh/b, v/b, z/j, w/o, y/i, o/a
// and a final e, in a search key's Latin words (Bangla words are kept).
// "Kishorgonj", "Kishoregonj" and "Kishoreganj" share a key; so may two
// different places, which is why a variant match must be the only one.
func variantKey(key string) string {
	words := strings.Fields(key)
	for i, w := range words {
		if !isLatin(w) {
			continue
		}
		w = variantSpelling.Replace(w)
		w = strings.ReplaceAll(w, "o", "a")
		// A final "e" is often silent in romanisation ("Kishore", "Kishor").
		words[i] = strings.TrimSuffix(w, "e")
	}
	return strings.Join(words, " ")
}

func isLatin(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lookupVariant finds the units of level under within having a name whose
// variantKey is that of the query key qk, and how many distinct units do.
func (g *Geocoder) lookupVariant(qk string, level Level, within string) (*Unit, int) {
	var units [4]*Unit
	n := 0
	for _, id := range g.variant[variantKey(qk)] {
		u := g.gaz.names[id].unit
		if u.Level != level || !strings.HasPrefix(u.PCode, within) || contains(units[:min(n, len(units))], u) {
			continue
		}
		if n < len(units) {
			units[n] = u
		}
		n++
	}
	return units[0], n
}

// paurashava finds the municipality of an upazila, which COD-AB names
// "Paurashava" or "<Upazila> Paurashava" at union level: the one union of
// the upazila whose name ends so.
func (g *Geocoder) paurashava(upazila string) (nameMatch, bool) {
	parent, ok := g.atlas.byCode[upazila]
	if !ok {
		return nameMatch{}, false
	}
	var found []*Unit
	for _, u := range g.atlas.descendants(parent, Union) {
		for _, id := range g.namesOf[u] {
			if k := g.gaz.names[id].key; k == "paurashava" || strings.HasSuffix(k, " paurashava") {
				found = append(found, u)
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return nameMatch{}, false
	case 1:
		return nameMatch{status: matched, unit: found[0], score: scoreExactKey}, true
	}
	return nameMatch{status: ambiguous}, true
}

// coarseParts reports whether each later part of a field of level names a
// coarser unit: it carries an administrative word, or is the exact name (or
// variant) of a unit above level. Otherwise the parentheses or commas are
// part of one name ("Pharmapur (Pananagar)").
func (g *Geocoder) coarseParts(parts []string, level Level) bool {
	for _, raw := range parts {
		p := readPart(raw)
		if p.hint >= 0 || p.union != "" {
			continue
		}
		if _, ok := g.knownAbove(p.name, level-1); !ok {
			return false
		}
	}
	return true
}

// unionNamed reports whether a part of a field is, as written, the exact
// name (or romanisation variant) of a union somewhere.
func (g *Geocoder) unionNamed(part string) bool {
	l, ok := g.knownAbove(part, Union)
	return ok && l == Union
}
