package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/guccho/guccho"
	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"
)

// IgnoredPrefix starts the Reason of a warning-level row error: the value
// named by Field was left out, but the row is still imported.
const IgnoredPrefix = "ignored: "

// Ignored reports whether a row error is only a warning (see IgnoredPrefix).
func Ignored(e guccho.RowError) bool { return strings.HasPrefix(e.Reason, IgnoredPrefix) }

// Failed reports whether any of errs fails its row, that is, is not Ignored.
func Failed(errs []guccho.RowError) bool {
	for _, e := range errs {
		if !Ignored(e) {
			return true
		}
	}
	return false
}

// Converter turns rows into enterprise drafts. Set its fields, call Check
// once with the file's columns, then Convert each row; do not change the
// fields afterwards. Convert is safe for concurrent use.
type Converter struct {
	Sectors *guccho.Sectors // the catalogue sectors are looked up in; required
	Mapping Mapping

	once   sync.Once
	mapped map[string]bool // columns that a field uses
}

// Check reports file-level problems before any row is read, as EINVALID
// errors: no sector column ("missing required column for sector (looked
// for: …)"), a mapped or key column that is not in the file, a column
// mapped twice, an unknown field, or an UnknownSector that is not a
// catalogue code. A nil Sectors is EINTERNAL.
func (c *Converter) Check(columns []string) error {
	if c.Sectors == nil {
		return guccho.Errorf(guccho.EINTERNAL, "survey: Converter has no sector catalogue")
	}
	if u := c.Mapping.UnknownSector; u != "" {
		if s, ok := c.Sectors.Lookup(u); !ok || s.Code != u {
			return guccho.Errorf(guccho.EINVALID, "mapping: unknown_sector %q is not a sector code (known: %s)", u, strings.Join(c.Sectors.Codes(), ", "))
		}
	}
	return c.Mapping.check(columns)
}

func (c *Converter) prepare() {
	c.once.Do(func() {
		c.mapped = map[string]bool{}
		for _, col := range c.Mapping.Fields {
			if col != "" {
				c.mapped[col] = true
			}
		}
	})
}

// Convert turns one row into an enterprise draft: not geocoded, with
// ImportRow set to row.Number and no import id or timestamps.
//
// It returns nil, nil for a row whose cells are all empty. Otherwise the
// errors are the reader's (row.Errors) and its own, each with Row, Field
// (the source column) and Values (the row's cells) set; the enterprise is
// nil when any error fails the row (see Failed), and all failing problems
// of the row are reported at once. The rules, in docs/import.md:
//
//   - id: the id column's value (an empty one fails the row); without an id
//     column, "k-" and 16 hex digits of the SHA-256 of the key values
//     (Mapping.Key, or name, division, district, upazila, union and GPS
//     text), each folded to lower case, NFC and single spaces; when all key
//     values are empty, of every cell of the row, by column name. The same
//     file thus gives the same ids.
//   - sector: required, looked up by code, name or alias; an unknown or
//     empty one fails the row, unless Mapping.UnknownSector is set: then the
//     row gets that code and Attributes["sector_source"] keeps the text.
//     A sub-sector matching one of the sector's sub-sectors becomes its
//     code; other text is kept as it is.
//   - GPS: lat and lon columns, else the combined gps column, else a GeoJSON
//     Point. Any digits, a decimal comma, degree signs are accepted. The
//     point is stored as given, orb.Point{lon, lat}, unchecked (the
//     geocoder judges it). Unreadable text is an "ignored: " error.
//   - employment: whole numbers ≥ 0 in any digits; blank self and wage are
//     0, blank female and male unknown (nil); anything else fails the row.
//   - owner gender: "female", "male", "other" or "" (see normalGender).
//   - RECP aware/adopted: yes/no answers (English, Bangla, 1/0, true/false);
//     blank is unknown; others are "ignored: " errors.
//   - RECP practices, barriers: lists, see splitList.
//   - synthetic: a yes answer marks the record as synthetic.
//   - input source and buyer type and place: kept as written in
//     Attributes under the field's name (guccho.AttrInputSourceType, …),
//     whatever the column is called.
//   - every other non-empty cell goes to Attributes under its column name.
func (c *Converter) Convert(row Row) (*guccho.Enterprise, []guccho.RowError) {
	if allEmpty(row.Values) && row.Geometry == nil {
		return nil, nil
	}
	c.prepare()
	f := c.Mapping.Fields
	var errs []guccho.RowError
	fail := func(field, format string, args ...any) {
		errs = append(errs, guccho.RowError{Row: row.Number, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	get := func(field string) (col, v string) {
		col = f[field]
		if col == "" {
			return "", ""
		}
		return col, strings.TrimSpace(row.Values[col])
	}
	e := &guccho.Enterprise{ImportRow: row.Number}
	for _, re := range row.Errors {
		re.Row = row.Number
		errs = append(errs, re)
	}

	_, e.Name = get(FieldName)
	e.Stated = guccho.AdminNames{
		Division: second(get(FieldDivision)),
		District: second(get(FieldDistrict)),
		Upazila:  second(get(FieldUpazila)),
		Union:    second(get(FieldUnion)),
	}

	// Sector.
	col, v := get(FieldSector)
	sec, ok := c.Sectors.Lookup(v)
	switch {
	case ok:
		e.Sector = sec.Code
	case c.Mapping.UnknownSector != "":
		e.Sector = c.Mapping.UnknownSector
		sec, _ = c.Sectors.Lookup(e.Sector)
		if v != "" {
			setAttr(e, "sector_source", v)
		}
	case v == "":
		fail(col, "the sector is empty (known: %s)", strings.Join(c.Sectors.Codes(), ", "))
	default:
		fail(col, "unknown sector %q (known: %s)", v, strings.Join(c.Sectors.Codes(), ", "))
	}
	if _, v := get(FieldSubSector); v != "" {
		e.SubSector = v
		k := foldKey(v)
		for _, sub := range sec.SubSectors {
			if k == foldKey(sub.Code) || k == foldKey(sub.NameEN) || (sub.NameBN != "" && k == foldKey(sub.NameBN)) {
				e.SubSector = sub.Code
				break
			}
		}
	}

	// GPS.
	latCol, lat := get(FieldLat)
	lonCol, lon := get(FieldLon)
	gpsCol, gps := get(FieldGPS)
	switch {
	case (lat == "") != (lon == "") && pointCell(lat+lon):
		// One column holds both, "lat, lon", as a single GPS cell would.
		y, x, _ := latLonCell(lat + lon)
		e.GPS = &orb.Point{x, y}
	case lat != "" || lon != "":
		y, okLat := coord(latCol, "latitude", lat, "longitude", fail)
		x, okLon := coord(lonCol, "longitude", lon, "latitude", fail)
		if okLat && okLon {
			e.GPS = &orb.Point{x, y}
		}
	case gps != "":
		if splitGPS(gps) == nil {
			break
		}
		if y, x, err := latLonCell(gps); err != nil {
			fail(gpsCol, IgnoredPrefix+"GPS %q is not \"latitude longitude\" in decimal degrees%s", gps, because(err))
		} else {
			e.GPS = &orb.Point{x, y}
		}
	case row.Geometry != nil:
		p := *row.Geometry
		e.GPS = &p
	}

	// Employment.
	count := func(field string) *int {
		col, v := get(field)
		n, ok, err := parseCount(v)
		if err != nil {
			fail(col, "%q is not a whole number of people", v)
		}
		if !ok {
			return nil
		}
		return &n
	}
	if n := count(FieldEmploymentSelf); n != nil {
		e.Employment.Self = *n
	}
	if n := count(FieldEmploymentWage); n != nil {
		e.Employment.Wage = *n
	}
	e.Employment.Female = count(FieldEmploymentFemale)
	e.Employment.Male = count(FieldEmploymentMale)

	_, v = get(FieldOwnerGender)
	e.OwnerGender = normalGender(v)

	yesNo := func(field string) *bool {
		col, v := get(field)
		b, ok, err := parseBool(v)
		if err != nil {
			fail(col, IgnoredPrefix+"%q is not a yes/no answer", v)
		}
		if !ok {
			return nil
		}
		return &b
	}
	e.RECP.Aware = yesNo(FieldRECPAware)
	e.RECP.Adopted = yesNo(FieldRECPAdopted)
	_, v = get(FieldRECPPractices)
	e.RECP.Practices = splitList(v)
	_, v = get(FieldBarriers)
	e.Barriers = splitList(v)
	if s := yesNo(FieldSynthetic); s != nil {
		e.Synthetic = *s
	}
	for _, field := range []string{FieldInputSourceType, FieldInputSourcePlace, FieldBuyerType, FieldBuyerPlace} {
		if _, v := get(field); v != "" {
			setAttr(e, field, v)
		}
	}

	for col, v := range row.Values {
		if v != "" && !c.mapped[col] {
			setAttr(e, col, v)
		}
	}

	// ID.
	if col, v := get(FieldID); col != "" {
		if v == "" {
			fail(col, "the id is empty")
		}
		e.ID = v
	} else {
		e.ID = c.deriveID(row)
	}

	if !Failed(errs) {
		// The limits every store enforces fail this row, not the import.
		if err := guccho.CheckID(e.ID); err != nil {
			fail(f[FieldID], "%s", guccho.ErrorMessage(err))
		} else if err := e.ValidateText(); err != nil {
			fail("", "%s", guccho.ErrorMessage(err))
		}
	}
	for i := range errs {
		errs[i].Values = row.Values
	}
	if Failed(errs) {
		return nil, errs
	}
	return e, errs
}

// deriveID hashes the key values of a row (see Convert).
func (c *Converter) deriveID(row Row) string {
	var vals []string
	if len(c.Mapping.Key) > 0 {
		for _, k := range c.Mapping.Key {
			v, ok := row.Values[k]
			if !ok && c.Mapping.Fields[k] != "" {
				v = row.Values[c.Mapping.Fields[k]]
			}
			vals = append(vals, v)
		}
	} else {
		for _, field := range []string{FieldName, FieldDivision, FieldDistrict, FieldUpazila, FieldUnion, FieldLat, FieldLon, FieldGPS} {
			if col := c.Mapping.Fields[field]; col != "" {
				vals = append(vals, row.Values[col])
			}
		}
		if row.Geometry != nil {
			vals = append(vals, strconv.FormatFloat(row.Geometry[0], 'f', -1, 64), strconv.FormatFloat(row.Geometry[1], 'f', -1, 64))
		}
	}
	empty := true
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			empty = false
			break
		}
	}
	if empty {
		cols := make([]string, 0, len(row.Values))
		for col := range row.Values {
			cols = append(cols, col)
		}
		sort.Strings(cols)
		vals = vals[:0]
		for _, col := range cols {
			vals = append(vals, col, row.Values[col])
		}
	}
	h := sha256.New()
	for i, v := range vals {
		if i > 0 {
			h.Write([]byte{0x1f})
		}
		h.Write([]byte(strings.Join(strings.Fields(norm.NFC.String(strings.ToLower(v))), " ")))
	}
	return "k-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// second returns its second argument: the value of a get.
func second(_, v string) string { return v }

func setAttr(e *guccho.Enterprise, k, v string) {
	if e.Attributes == nil {
		e.Attributes = map[string]string{}
	}
	e.Attributes[k] = v
}

// coord parses one of a lat/lon pair, reporting an "ignored: " error.
func coord(col, what, v, other string, fail func(field, format string, args ...any)) (float64, bool) {
	if v == "" {
		fail(col, IgnoredPrefix+"the %s is empty but the %s is not", what, other)
		return 0, false
	}
	f, err := parseCoord(v)
	if err != nil {
		fail(col, IgnoredPrefix+"%s %q is not a number in decimal degrees%s", what, v, because(err))
		return 0, false
	}
	return f, true
}

// because returns ": reason" for a coordinate in a known notation with an
// impossible value (minutes of 60 or more), "" for text that is no
// coordinate at all.
func because(err error) string {
	var ce *coordError
	if errors.As(err, &ce) {
		return ": " + ce.reason
	}
	return ""
}

// pointCell reports whether s holds a whole point, "lat, lon", and not
// one coordinate ("23,7" is a latitude with a decimal comma).
func pointCell(s string) bool {
	if _, err := parseCoord(s); err == nil {
		return false
	}
	_, _, err := latLonCell(s)
	return err == nil
}

// latLonCell reads a point written in one cell, latitude first: an ODK
// geopoint "lat lon alt acc", "[lat, lon]", "lat,lon", "lat;lon", or two
// coordinates in any notation parseCoord reads, separated by one comma or
// semicolon ("23,7; 90,4", "24°03'12.4\"N, 90°25'E") or following a
// latitude's N or S ("24 03 12 N 90 25 30 E").
func latLonCell(s string) (lat, lon float64, err error) {
	pair := func(a, b string) (float64, float64, error) {
		y, err := parseCoord(a)
		if err != nil {
			return 0, 0, err
		}
		x, err := parseCoord(b)
		return y, x, err
	}
	if i := strings.IndexAny(s, "NSns"); i > 0 && i < len(s)-1 {
		// A latitude's hemisphere ends it: "24 03 12 N 90 25 30 E".
		if y, x, err1 := pair(s[:i+1], s[i+1:]); err1 == nil {
			return y, x, nil
		} else {
			err = err1
		}
	}
	parts := splitGPS(s)
	if len(parts) >= 2 && err == nil {
		if y, x, err1 := pair(parts[0], parts[1]); err1 == nil {
			return y, x, nil
		} else {
			err = err1
		}
	}
	for _, sep := range []string{";", ","} {
		if strings.Count(s, sep) == 1 {
			a, b, _ := strings.Cut(s, sep)
			if y, x, err1 := pair(a, b); err1 == nil {
				return y, x, nil
			} else if err == nil || errors.Is(err, errNotNumber) {
				err = err1
			}
		}
	}
	if err == nil {
		err = errNotNumber
	}
	return 0, 0, err
}
