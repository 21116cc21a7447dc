package survey

import (
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// centreFields lists the fields of a centres file and the headers that name
// each (compared as headerKey folds them), in the order they are tried.
var centreFields = []struct {
	field   string
	headers []string
}{
	{"id", []string{"id"}},
	{"name_en", []string{"name_en", "name"}},
	{"name_bn", []string{"name_bn"}},
	{"sector", []string{"sector"}},
	{"services", []string{"services"}},
	{"operator", []string{"operator"}},
	{"lon", []string{"lon", "longitude"}},
	{"lat", []string{"lat", "latitude"}},
}

// ReadCentres reads common service centres from a file opened with Open:
// one centre per row (CSV, XLSX) or Point feature (GeoJSON), with the
// columns or properties id (optional: derived with guccho.CentreID; at
// most 200 bytes), name or name_en, name_bn, sector (a catalogue code,
// name or alias; empty for every sector), services (separated by ";" or
// "|"), operator, and lon and lat (or longitude and latitude) in decimal
// degrees, which a GeoJSON feature may give as its Point geometry instead. Headers are compared
// ignoring case and punctuation; other columns become attributes.
//
// Reading is all or nothing: the centres come back only when every row is
// good. Otherwise each bad row is reported with its number and the column
// at fault, and the centres are nil. A point must lie in Bangladesh's box
// (geo.Extent); whether it lies inside a unit the store decides. The error
// is for a file that cannot be read at all (EINVALID, or the reader's I/O
// error), including a CSV or XLSX file without a name or lon/lat column.
func ReadCentres(rd Reader, sectors *guccho.Sectors) ([]*guccho.Centre, []guccho.RowError, error) {
	var cols map[string][]string // field → the columns that name it, best first
	resolve := func() {
		cols = map[string][]string{}
		keys := map[string]string{}
		for _, c := range rd.Columns() {
			if _, ok := keys[headerKey(c)]; !ok {
				keys[headerKey(c)] = c
			}
		}
		for _, f := range centreFields {
			for _, h := range f.headers {
				if c, ok := keys[h]; ok {
					cols[f.field] = append(cols[f.field], c)
				}
			}
		}
	}
	resolve()
	if rd.Format() != FormatGeoJSON {
		if cols["name_en"] == nil {
			return nil, nil, guccho.Errorf(guccho.EINVALID, "no name column: a centres file needs name (or name_en), and lon and lat")
		}
		if cols["lon"] == nil || cols["lat"] == nil {
			return nil, nil, guccho.Errorf(guccho.EINVALID, "no lon and lat columns (or longitude and latitude): a centre needs its point")
		}
	}
	var out []*guccho.Centre
	var errs []guccho.RowError
	firstRow := map[string]int{} // id → the row that had it first
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if rd.Format() == FormatGeoJSON {
			resolve() // properties may appear with any feature
		}
		c, rowErrs := readCentre(row, cols, sectors)
		if c != nil {
			if first, ok := firstRow[c.ID]; ok {
				rowErrs = append(rowErrs, guccho.RowError{Row: row.Number, Field: column(cols, row, "id"),
					Reason: "the id " + strconv.Quote(c.ID) + " repeats that of row " + strconv.Itoa(first)})
			} else {
				firstRow[c.ID] = row.Number
			}
		}
		if len(rowErrs) > 0 {
			for i := range rowErrs {
				rowErrs[i].Values = row.Values
			}
			errs = append(errs, rowErrs...)
			continue
		}
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return out, nil, nil
}

// readCentre converts one row; it returns the centre (nil when the row
// cannot make one) and the row's errors.
func readCentre(row Row, cols map[string][]string, sectors *guccho.Sectors) (*guccho.Centre, []guccho.RowError) {
	var errs []guccho.RowError
	fail := func(field, reason string) {
		errs = append(errs, guccho.RowError{Row: row.Number, Field: field, Reason: reason})
	}
	for _, e := range row.Errors {
		if !Ignored(e) {
			errs = append(errs, e)
		}
	}
	get := func(field string) string { return strings.TrimSpace(row.Values[column(cols, row, field)]) }
	c := &guccho.Centre{Row: row.Number, ID: get("id"), NameEN: get("name_en"), NameBN: get("name_bn"), Operator: get("operator")}
	check := func(field string, err error) {
		if err != nil {
			fail(column(cols, row, field), guccho.FieldReason(err))
		}
	}
	if c.ID != "" {
		check("id", guccho.CheckPathID("id", c.ID, "import"))
	}
	check("name_en", guccho.CheckText("name_en", c.NameEN, guccho.MaxNameBytes))
	check("name_bn", guccho.CheckText("name_bn", c.NameBN, guccho.MaxNameBytes))
	check("operator", guccho.CheckText("operator", c.Operator, guccho.MaxTextBytes))
	if c.NameEN == "" {
		fail(column(cols, row, "name_en"), "empty: every centre needs a name")
	}
	if v := get("sector"); v != "" {
		if s, ok := sectors.Lookup(v); ok {
			c.Sector = s.Code
		} else {
			fail(column(cols, row, "sector"), "unknown sector "+strconv.Quote(v)+" (known: "+strings.Join(sectors.Codes(), ", ")+"); leave it empty for every sector")
		}
	}
	c.Services = splitServices(get("services"))
	for _, v := range c.Services {
		check("services", guccho.CheckText("services", v, guccho.MaxTextBytes))
	}

	lonCol, latCol := column(cols, row, "lon"), column(cols, row, "lat")
	lonText, latText := get("lon"), get("lat")
	switch {
	case lonText == "" && latText == "" && row.Geometry != nil:
		c.Point = *row.Geometry
		lonCol, latCol = "geometry", "geometry"
	case lonText == "" && latText == "":
		reason := "no point: give lon and lat in decimal degrees (or a GeoJSON Point geometry)"
		for _, e := range row.Errors {
			if e.Field == "geometry" {
				reason = "no point: " + strings.TrimPrefix(e.Reason, IgnoredPrefix)
			}
		}
		fail(lonCol+"/"+latCol, reason)
	default:
		lon, lonErr := parseCoord(lonText)
		lat, latErr := parseCoord(latText)
		if lonErr != nil {
			fail(lonCol, "longitude "+strconv.Quote(lonText)+" is not a number in decimal degrees")
		}
		if latErr != nil {
			fail(latCol, "latitude "+strconv.Quote(latText)+" is not a number in decimal degrees")
		}
		c.Point = orb.Point{lon, lat}
	}
	if len(errs) == 0 {
		if !geo.Extent.Contains(c.Point) {
			reason := "lon " + fmtCoord(c.Point[0]) + ", lat " + fmtCoord(c.Point[1]) + " lies outside Bangladesh"
			if geo.Extent.Contains(orb.Point{c.Point[1], c.Point[0]}) {
				reason += "; lon and lat look swapped"
			}
			field := lonCol + "/" + latCol
			if lonCol == latCol {
				field = lonCol
			}
			fail(field, reason)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if c.ID == "" {
		c.ID = guccho.CentreID(c.NameEN, c.Point)
	}
	used := map[string]bool{}
	for _, list := range cols {
		for _, col := range list {
			used[col] = true
		}
	}
	for k, v := range row.Values {
		if !used[k] && strings.TrimSpace(v) != "" {
			if c.Attributes == nil {
				c.Attributes = map[string]string{}
			}
			c.Attributes[k] = v
		}
	}
	// What is left of a store's checks (attribute limits, …), on the row.
	if err := c.Validate(); err != nil {
		return nil, []guccho.RowError{{Row: row.Number, Reason: guccho.ErrorMessage(err)}}
	}
	return c, nil
}

// splitServices splits a list of services at ";" or "|", dropping blanks.
func splitServices(v string) []string {
	out := []string{}
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// column returns the column a row gives a field in: the first of the
// field's columns with a value in the row, else the first of them, else the
// field's own name (for messages about a missing column).
func column(cols map[string][]string, row Row, field string) string {
	for _, c := range cols[field] {
		if strings.TrimSpace(row.Values[c]) != "" {
			return c
		}
	}
	if len(cols[field]) > 0 {
		return cols[field][0]
	}
	return field
}

func fmtCoord(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
