package survey

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/guccho/guccho"
	"golang.org/x/text/unicode/norm"
)

// Fields a column can be mapped to.
const (
	FieldID               = "id"                // the enterprise's own id
	FieldName             = "name"              // the enterprise's name (may be empty)
	FieldSector           = "sector"            // required: a code, name or alias of the sector catalogue
	FieldSubSector        = "sub_sector"        // free text, or a sub-sector of the catalogue
	FieldLat              = "lat"               // latitude, decimal degrees
	FieldLon              = "lon"               // longitude, decimal degrees
	FieldGPS              = "gps"               // "lat lon [alt acc]" (ODK, Kobo) or "[lat, lon]" (Kobo _geolocation)
	FieldDivision         = "division"          // stated division name
	FieldDistrict         = "district"          // stated district name
	FieldUpazila          = "upazila"           // stated upazila (or thana) name
	FieldUnion            = "union"             // stated union (or ward) name
	FieldEmploymentSelf   = "employment_self"   // owners and unpaid family workers
	FieldEmploymentWage   = "employment_wage"   // paid workers
	FieldEmploymentFemale = "employment_female" // female workers
	FieldEmploymentMale   = "employment_male"   // male workers
	FieldOwnerGender      = "owner_gender"      // the owner's gender
	FieldRECPAware        = "recp_aware"        // familiar with RECP: yes/no
	FieldRECPAdopted      = "recp_adopted"      // implemented an RECP measure: yes/no
	FieldRECPPractices    = "recp_practices"    // a list of RECP practices
	FieldBarriers         = "barriers"          // a list of barriers
	FieldSynthetic        = "synthetic"         // yes for generated (demo) records

	// Where the main input comes from and who buys the most, by type and
	// place: kept as written in Enterprise.Attributes under these same
	// keys (guccho.Attr…), for deriving value chains.
	FieldInputSourceType  = guccho.AttrInputSourceType
	FieldInputSourcePlace = guccho.AttrInputSourcePlace
	FieldBuyerType        = guccho.AttrBuyerType
	FieldBuyerPlace       = guccho.AttrBuyerPlace
)

// KnownFields returns every field a Mapping may name, in documentation order.
func KnownFields() []string {
	return []string{FieldID, FieldName, FieldSector, FieldSubSector, FieldLat, FieldLon, FieldGPS,
		FieldDivision, FieldDistrict, FieldUpazila, FieldUnion,
		FieldEmploymentSelf, FieldEmploymentWage, FieldEmploymentFemale, FieldEmploymentMale,
		FieldOwnerGender, FieldRECPAware, FieldRECPAdopted, FieldRECPPractices, FieldBarriers, FieldSynthetic,
		FieldInputSourceType, FieldInputSourcePlace, FieldBuyerType, FieldBuyerPlace}
}

func knownField(f string) bool {
	for _, k := range KnownFields() {
		if k == f {
			return true
		}
	}
	return false
}

// Mapping says which column of a file holds each field.
type Mapping struct {
	// Fields maps a field (Field… constants) to a column name. No column
	// serves two fields. An empty column means "not mapped", which lets an
	// explicit mapping switch off a detected field (see Merge).
	Fields map[string]string `json:"fields"`
	// Key lists the columns whose values derive an enterprise's id when no
	// id column is mapped. An entry that is not a column of the file but is
	// a mapped field name stands for that field's column. Empty means the
	// default key: name, the stated admin names and the GPS text.
	Key []string `json:"key,omitempty"`
	// UnknownSector is the sector code given to rows whose sector is not in
	// the catalogue ("" makes them row errors).
	UnknownSector string `json:"unknown_sector,omitempty"`
}

//go:embed presets.json
var presetsJSON []byte

// presets are the header synonyms of presets.json, folded with headerKey.
type presets struct {
	exact    map[string][]string // field → synonyms, best first
	suffixes map[string][]string // field → header suffixes
	written  map[string][]string // field → synonyms as written, for messages
}

var loadPresets = sync.OnceValue(func() *presets {
	var doc struct {
		Fields   map[string][]string `json:"fields"`
		Suffixes map[string][]string `json:"suffixes"`
	}
	if err := json.Unmarshal(presetsJSON, &doc); err != nil {
		panic("survey: presets.json: " + err.Error()) // embedded; a test reads it
	}
	p := &presets{exact: map[string][]string{}, suffixes: map[string][]string{}, written: doc.Fields}
	for f, syns := range doc.Fields {
		for _, s := range syns {
			p.exact[f] = append(p.exact[f], headerKey(s))
		}
	}
	for f, sufs := range doc.Suffixes {
		for _, s := range sufs {
			p.suffixes[f] = append(p.suffixes[f], headerKey(s))
		}
	}
	return p
})

// DetectMapping guesses the mapping from a file's column names, using the
// header synonyms of presets.json (English, Bangla, KoboToolbox and ODK
// conventions). Headers are compared after folding case, Unicode form,
// spaces and punctuation; a leading underscore is significant ("_id" is
// Kobo's submission number, "id" a user's column). A header is tried whole,
// then by its last "/" segment (Kobo group paths: "group_loc/district"),
// then by its last "-" segment (ODK Central: "group_loc-district"); headers
// ending in "_latitude" or "_longitude" ("_group_loc/gps_latitude") match
// lat and lon when nothing better does.
//
// Where several columns could serve a field, the one matching an earlier
// synonym wins, then a whole-header match, then the column further left. A
// column serves at most one field. The result has no Key and no
// UnknownSector; unmatched fields are absent.
func DetectMapping(columns []string) Mapping {
	p := loadPresets()
	type candidate struct {
		field      string
		col        int
		rank, kind int
	}
	var cands []candidate
	for ci, col := range columns {
		for kind, key := range headerKeys(col) {
			for field, syns := range p.exact {
				for rank, s := range syns {
					if key == s {
						cands = append(cands, candidate{field, ci, rank, kind})
					}
				}
			}
			for field, sufs := range p.suffixes {
				for rank, s := range sufs {
					if strings.HasSuffix(key, s) && key != s {
						cands = append(cands, candidate{field, ci, 1000 + rank, kind})
					}
				}
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.col != b.col {
			return a.col < b.col
		}
		return a.field < b.field
	})
	m := Mapping{Fields: map[string]string{}}
	used := map[int]bool{}
	for _, c := range cands {
		if _, done := m.Fields[c.field]; done || used[c.col] {
			continue
		}
		m.Fields[c.field] = columns[c.col]
		used[c.col] = true
	}
	return m
}

// headerKeys returns the keys a header is matched by: whole, last "/"
// segment, last "-" segment (duplicates dropped).
func headerKeys(col string) []string {
	keys := []string{headerKey(col)}
	add := func(s string) {
		k := headerKey(s)
		for _, have := range keys {
			if k == have {
				return
			}
		}
		if k != "" {
			keys = append(keys, k)
		}
	}
	seg := col
	if i := strings.LastIndexByte(seg, '/'); i >= 0 {
		seg = seg[i+1:]
		add(seg)
	}
	if i := strings.LastIndexByte(seg, '-'); i >= 0 {
		add(seg[i+1:])
	}
	return keys
}

// headerKey folds a header for comparison: lower case, NFC, runs of
// anything but letters and digits turned into one "_", a leading "_" kept,
// zero-width joiners dropped.
func headerKey(s string) string {
	s = norm.NFC.String(strings.ToLower(strings.TrimSpace(s)))
	var b strings.Builder
	b.Grow(len(s))
	if strings.HasPrefix(s, "_") {
		b.WriteByte('_')
	}
	sep := false
	for _, r := range s {
		switch {
		case r == '\u200c' || r == '\u200d':
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if sep && b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		default:
			sep = true
		}
	}
	return b.String()
}

// ReadMapping reads an explicit mapping file:
//
//	{"fields": {"district": "Zila Name", "union": ""},
//	 "key": ["name", "phone"], "unknown_sector": "other"}
//
// Field names are those of KnownFields; a column of "" switches the field
// off. Errors are EINVALID and name the problem: malformed JSON, an unknown
// top-level key, an unknown field (listing the known ones), or one column
// given to two fields. Columns are checked against the file by
// Converter.Check. Combine with detection as DetectMapping(cols).Merge(m).
func ReadMapping(r io.Reader) (Mapping, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Mapping{}, guccho.Errorf(guccho.EINVALID, "mapping file: not valid JSON: %v", err)
		}
		return Mapping{}, guccho.Errorf(guccho.EINVALID, "mapping file: %v (the keys are fields, key and unknown_sector)", strings.TrimPrefix(err.Error(), "json: "))
	}
	byCol := map[string]string{}
	fields := make([]string, 0, len(m.Fields))
	for f := range m.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if !knownField(f) {
			return Mapping{}, guccho.Errorf(guccho.EINVALID, "mapping file: unknown field %q (known fields: %s)", f, strings.Join(KnownFields(), ", "))
		}
		col := strings.TrimSpace(m.Fields[f])
		m.Fields[f] = col
		if col == "" {
			continue
		}
		if other, ok := byCol[col]; ok {
			return Mapping{}, guccho.Errorf(guccho.EINVALID, "mapping file: column %q is given to both %s and %s", col, other, f)
		}
		byCol[col] = f
	}
	for i, k := range m.Key {
		if m.Key[i] = strings.TrimSpace(k); m.Key[i] == "" {
			return Mapping{}, guccho.Errorf(guccho.EINVALID, "mapping file: key entry %d is empty", i+1)
		}
	}
	m.UnknownSector = strings.TrimSpace(m.UnknownSector)
	return m, nil
}

// Merge returns m overridden by explicit: every field explicit names
// (even with "", which unmaps it) takes explicit's column, and a detected
// field whose column explicit gives to another field is dropped. Key and
// UnknownSector come from explicit when it sets them. Neither input is
// modified.
func (m Mapping) Merge(explicit Mapping) Mapping {
	out := Mapping{Fields: map[string]string{}, Key: m.Key, UnknownSector: m.UnknownSector}
	taken := map[string]bool{}
	for _, col := range explicit.Fields {
		if col != "" {
			taken[col] = true
		}
	}
	for f, col := range m.Fields {
		if _, over := explicit.Fields[f]; !over && col != "" && !taken[col] {
			out.Fields[f] = col
		}
	}
	for f, col := range explicit.Fields {
		if col != "" {
			out.Fields[f] = col
		}
	}
	if len(explicit.Key) > 0 {
		out.Key = explicit.Key
	}
	if explicit.UnknownSector != "" {
		out.UnknownSector = explicit.UnknownSector
	}
	return out
}

// synonymsFor lists a field's header synonyms as written, for messages.
func synonymsFor(field string) string {
	return strings.Join(loadPresets().written[field], ", ")
}

// check validates m against a file's columns.
func (m Mapping) check(columns []string) error {
	have := make(map[string]bool, len(columns))
	for _, c := range columns {
		have[c] = true
	}
	byCol := map[string]string{}
	fields := make([]string, 0, len(m.Fields))
	for f := range m.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		col := m.Fields[f]
		if !knownField(f) {
			return guccho.Errorf(guccho.EINVALID, "mapping: unknown field %q (known fields: %s)", f, strings.Join(KnownFields(), ", "))
		}
		if col == "" {
			continue
		}
		if !have[col] {
			return guccho.Errorf(guccho.EINVALID, "mapping: the column %q given for %s is not in the file", col, f)
		}
		if other, ok := byCol[col]; ok {
			return guccho.Errorf(guccho.EINVALID, "mapping: column %q is given to both %s and %s", col, other, f)
		}
		byCol[col] = f
	}
	if m.Fields[FieldSector] == "" {
		return guccho.Errorf(guccho.EINVALID, "missing required column for sector (looked for: %s)", synonymsFor(FieldSector))
	}
	for _, k := range m.Key {
		if !have[k] && m.Fields[k] == "" {
			return guccho.Errorf(guccho.EINVALID, "mapping: key column %q is not in the file", k)
		}
	}
	return nil
}
