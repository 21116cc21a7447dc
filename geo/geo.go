// Package geo holds the administrative geography of Bangladesh: the units of
// the OCHA COD-AB hierarchy (country, division, district, upazila, union),
// the rules their P-codes follow, reading and validating boundary files,
// reverse geocoding of points into units (Locator), name search over
// English, current, alternative and Bangla names (Gazetteer), and the
// geocoder that places survey records from stated names and GPS (Geocoder).
//
// Everything here is pure Go over plain values. Stores implement Store;
// coordinates are EPSG:4326 longitude/latitude in that order.
package geo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// Level is a level of the administrative hierarchy, 0 (country) to 4 (union).
type Level int

// The levels of the COD-AB hierarchy.
const (
	Country  Level = 0 // adm0, P-code "BD"
	Division Level = 1 // adm1, e.g. BD10
	District Level = 2 // adm2 (zila), e.g. BD1004
	Upazila  Level = 3 // adm3 (upazila or metropolitan thana), e.g. BD100409
	Union    Level = 4 // adm4 (union, paurashava or ward), e.g. BD10040913
)

// Levels lists the levels below the country, from division to union.
var Levels = []Level{Division, District, Upazila, Union}

var levelNames = [...]string{"country", "division", "district", "upazila", "union"}

// String returns the level's English name: "country", "division", "district",
// "upazila" or "union".
func (l Level) String() string {
	if l < Country || l > Union {
		return "level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l]
}

// ParseLevel parses a level name as returned by String, or a digit 0–4.
// Unknown names return an EINVALID error.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if s == n || s == strconv.Itoa(i) {
			return Level(i), nil
		}
	}
	return 0, guccho.Errorf(guccho.EINVALID, "unknown level %q (want country, division, district, upazila or union)", s)
}

// Name is one name of a unit.
type Name struct {
	Text   string `json:"name"`
	Lang   string `json:"lang"`   // "en" or "bn"
	Source string `json:"source"` // "cod-ab", "current_official", "variant", "nuhil", …
}

// Unit is one administrative unit.
type Unit struct {
	PCode         string // COD-AB P-code, e.g. "BD100409"
	Level         Level
	Parent        string // parent's P-code; "" for the country
	NameEN        string // English name as spelled in COD-AB 2020 (e.g. "Jessore")
	NameENCurrent string // current official English spelling (e.g. "Jashore"); equals NameEN where unchanged
	NameBN        string // Bangla name; may be empty
	Type          string // adm3 only: "upazila" or "metro_thana"; "" elsewhere
	AltNames      []Name // every other known name, English and Bangla
	AreaKM2       float64
	Label         orb.Point        // a point guaranteed inside the unit, for labels and fly-to
	Bound         orb.Bound        // bounding box of Geometry
	Geometry      orb.MultiPolygon // EPSG:4326; may be nil when a store loads units without geometry
}

// DisplayName returns the current official English name, or the COD-AB name
// when no current spelling is known.
func (u *Unit) DisplayName() string {
	if u.NameENCurrent != "" {
		return u.NameENCurrent
	}
	return u.NameEN
}

// ParentCodes returns the P-codes of the unit's ancestors below the country,
// from the division down to the direct parent, derived from the P-code
// itself (each code begins with its parent's).
func ParentCodes(pcode string) []string {
	l, err := PCodeLevel(pcode)
	if err != nil || l <= Division {
		return nil
	}
	var out []string
	for n := 4; n < len(pcode); n += 2 {
		out = append(out, pcode[:n])
	}
	return out
}

// PCodeLevel returns the level a well-formed P-code belongs to: "BD" is the
// country, and each level adds two digits. A malformed code returns EINVALID.
func PCodeLevel(pcode string) (Level, error) {
	if len(pcode) < 2 || pcode[:2] != "BD" || len(pcode)%2 != 0 || len(pcode) > 10 {
		return 0, guccho.Errorf(guccho.EINVALID, "malformed P-code %q (want BD followed by 2, 4, 6 or 8 digits)", pcode)
	}
	for i := 2; i < len(pcode); i++ {
		if pcode[i] < '0' || pcode[i] > '9' {
			return 0, guccho.Errorf(guccho.EINVALID, "malformed P-code %q (want BD followed by 2, 4, 6 or 8 digits)", pcode)
		}
	}
	return Level((len(pcode) - 2) / 2), nil
}

// FeatureID returns the stable numeric id of a unit in vector tiles and
// feature-state: level × 10^8 + the P-code's digits read as a decimal number.
// BD10 is 100000010 and BD10040913 is 410040913. Ids are unique across all
// levels and stay below 2^53, so browsers keep them exact.
func FeatureID(pcode string) (uint64, error) {
	l, err := PCodeLevel(pcode)
	if err != nil {
		return 0, err
	}
	var digits uint64
	if len(pcode) > 2 {
		digits, err = strconv.ParseUint(pcode[2:], 10, 64)
		if err != nil {
			return 0, guccho.Errorf(guccho.EINVALID, "malformed P-code %q", pcode)
		}
	}
	return uint64(l)*100_000_000 + digits, nil
}

// PCodeFromFeatureID is the inverse of FeatureID.
func PCodeFromFeatureID(id uint64) (string, error) {
	l := id / 100_000_000
	digits := id % 100_000_000
	if l > uint64(Union) {
		return "", guccho.Errorf(guccho.EINVALID, "feature id %d is not an admin unit id", id)
	}
	if l == 0 {
		return "BD", nil
	}
	return fmt.Sprintf("BD%0*d", 2*int(l), digits), nil
}

// UnitFilter selects units. Zero fields do not filter.
type UnitFilter struct {
	Level  *Level   // only this level
	Parent string   // only direct children of this P-code
	PCodes []string // only these P-codes
	// WithGeometry asks for Geometry to be filled; without it stores may
	// leave Geometry nil to save work.
	WithGeometry bool
}

// Place is the answer of reverse geocoding: the unit containing a point at
// each level, from division to union. A level may be nil where the data has
// no unit there.
type Place struct {
	Division, District, Upazila, Union *Unit
}

// Units returns the non-nil units of p from division down to union.
func (p Place) Units() []*Unit {
	var out []*Unit
	for _, u := range []*Unit{p.Division, p.District, p.Upazila, p.Union} {
		if u != nil {
			out = append(out, u)
		}
	}
	return out
}

// Codes returns the P-codes of p's units ("" for a level p lacks).
func (p Place) Codes() guccho.AdminCodes {
	var c guccho.AdminCodes
	for _, f := range []struct {
		u   *Unit
		dst *string
	}{{p.Division, &c.Division}, {p.District, &c.District}, {p.Upazila, &c.Upazila}, {p.Union, &c.Union}} {
		if f.u != nil {
			*f.dst = f.u.PCode
		}
	}
	return c
}

// SearchOptions narrow a name search.
type SearchOptions struct {
	Limit  int    // at most this many matches; 0 means 10
	Level  *Level // only units of this level
	Within string // only units whose P-code starts with this (a parent's P-code)
}

// Match is one result of a name search.
type Match struct {
	Unit  *Unit
	Name  string  // the name that matched, as written in the data
	Score float64 // 1 for an exact match after normalisation, lower for prefix and fuzzy matches
	Kind  string  // "exact", "prefix" or "fuzzy"
}

// Store persists administrative units and answers questions about them.
// Methods return *guccho.Error values: ENOTFOUND for a missing unit or a point
// outside every unit, EINVALID for bad arguments, EUNAVAILABLE when the
// backing database is down.
type Store interface {
	// ReplaceBoundaries replaces every stored unit with units in one
	// transaction: on error the previous set is left as it was.
	ReplaceBoundaries(ctx context.Context, units []*Unit) error
	// FindUnitByPCode returns one unit, with its geometry.
	FindUnitByPCode(ctx context.Context, pcode string) (*Unit, error)
	// FindUnits returns the units matching f, ordered by P-code.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, error)
	// CountUnits returns how many units are stored at each level.
	CountUnits(ctx context.Context) (map[Level]int, error)
	// Reverse returns the units containing pt at every level.
	Reverse(ctx context.Context, pt orb.Point) (Place, error)
	// LocateUnions returns, for each point, the P-code of the union that
	// contains it ("" for a point in no union), by the same rule as
	// Reverse, in one round trip however many points there are.
	LocateUnions(ctx context.Context, pts []orb.Point) ([]string, error)
	// Search returns units whose names match q, best first.
	Search(ctx context.Context, q string, opt SearchOptions) ([]Match, error)
}
