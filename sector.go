package guccho

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Sector is one sector of the catalogue, named in English and Bangla.
type Sector struct {
	Code       string      `json:"code"` // stable identifier, lower case with underscores
	NameEN     string      `json:"name_en"`
	NameBN     string      `json:"name_bn"`
	Color      string      `json:"color"` // CSS colour for the map and legend
	Aliases    []string    `json:"aliases,omitempty"`
	SubSectors []SubSector `json:"sub_sectors,omitempty"`
}

// SubSector is a named part of a sector.
type SubSector struct {
	Code   string `json:"code"`
	NameEN string `json:"name_en"`
	NameBN string `json:"name_bn"`
}

// Sectors is a sector catalogue: the built-in one, extended with a user's
// own. Lookups are by code, English or Bangla name, or alias, ignoring case,
// punctuation and spacing. Safe for concurrent reads.
type Sectors struct {
	list   []Sector
	byName map[string]int
}

// ParseSectors reads a catalogue: {"sectors": [{"code", "name_en",
// "name_bn", "color", "aliases": […], "sub_sectors": [{"code", "name_en",
// "name_bn"}]}]}. Each code must be unique and lower-case. Errors are
// EINVALID and name the entry.
func ParseSectors(b []byte) (*Sectors, error) {
	s := &Sectors{byName: map[string]int{}}
	return s, s.Extend(b)
}

var sectorCode = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Extend adds the sectors of another catalogue document (same format). A
// sector whose code is already known replaces the old entry in place (names,
// colour and sub-sectors) and adds its aliases. A code may appear only once
// in one document, and no two codes may read the same once case and
// underscores are folded (food_processing, foodprocessing): either is
// EINVALID, and a rejected document changes nothing.
func (s *Sectors) Extend(b []byte) error {
	var doc struct {
		Sectors []Sector `json:"sectors"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return Errorf(EINVALID, "sector catalogue: %v", err)
	}
	seen := map[string]int{}
	for i, sec := range doc.Sectors {
		if !sectorCode.MatchString(sec.Code) {
			return Errorf(EINVALID, "sector catalogue: entry %d: field \"code\": %q is not lower case with underscores", i, sec.Code)
		}
		if sec.NameEN == "" {
			return Errorf(EINVALID, "sector catalogue: entry %d (%s): field \"name_en\": empty", i, sec.Code)
		}
		// Lookups fold codes (food_processing = foodprocessing), so two
		// codes that fold alike could not both be found by their code.
		key := sectorKey(sec.Code)
		if j, ok := seen[key]; ok {
			if doc.Sectors[j].Code == sec.Code {
				return Errorf(EINVALID, "sector catalogue: entry %d (%s): field \"code\": repeats entry %d", i, sec.Code, j)
			}
			return Errorf(EINVALID, "sector catalogue: entry %d (%s): field \"code\": reads the same as entry %d (%s)", i, sec.Code, j, doc.Sectors[j].Code)
		}
		seen[key] = i
		for _, known := range s.list {
			if known.Code != sec.Code && sectorKey(known.Code) == key {
				return Errorf(EINVALID, "sector catalogue: entry %d (%s): field \"code\": reads the same as the sector %q; use that code to replace it", i, sec.Code, known.Code)
			}
		}
	}
	// Every entry is valid: merge them, so a rejected document changes nothing.
	for _, sec := range doc.Sectors {
		if j := s.index(sec.Code); j >= 0 {
			sec.Aliases = append(append([]string(nil), s.list[j].Aliases...), sec.Aliases...)
			s.list[j] = sec
		} else {
			s.list = append(s.list, sec)
		}
	}
	s.reindex()
	return nil
}

// index returns the position of the sector with exactly this code, or -1.
// Codes are compared as written, not folded like names: byName is keyed by
// sectorKey, which drops the underscores that codes may contain.
func (s *Sectors) index(code string) int {
	for i, sec := range s.list {
		if sec.Code == code {
			return i
		}
	}
	return -1
}

func (s *Sectors) reindex() {
	s.byName = map[string]int{}
	// Codes first, then names, then aliases: an earlier kind wins a clash.
	for i, sec := range s.list {
		s.byName[sectorKey(sec.Code)] = i
	}
	for i, sec := range s.list {
		for _, n := range []string{sec.NameEN, sec.NameBN} {
			if k := sectorKey(n); k != "" {
				if _, ok := s.byName[k]; !ok {
					s.byName[k] = i
				}
			}
		}
	}
	for i, sec := range s.list {
		for _, n := range sec.Aliases {
			if k := sectorKey(n); k != "" {
				if _, ok := s.byName[k]; !ok {
					s.byName[k] = i
				}
			}
		}
	}
}

// sectorKey folds case, Unicode form, punctuation and spaces.
func sectorKey(s string) string {
	s = strings.ToLower(norm.NFC.String(strings.TrimSpace(s)))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r >= 0x0980 && r <= 0x09FF:
			b.WriteRune(r)
		case r == '&':
			b.WriteString("and")
		}
	}
	return b.String()
}

// Lookup finds a sector by code, name or alias.
func (s *Sectors) Lookup(name string) (Sector, bool) {
	i, ok := s.byName[sectorKey(name)]
	if !ok {
		return Sector{}, false
	}
	return s.list[i], true
}

// All returns the sectors in catalogue order.
func (s *Sectors) All() []Sector { return append([]Sector(nil), s.list...) }

// Codes returns the sector codes, sorted.
func (s *Sectors) Codes() []string {
	out := make([]string, len(s.list))
	for i, sec := range s.list {
		out[i] = sec.Code
	}
	sort.Strings(out)
	return out
}
