package geo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/guccho/guccho"
)

// ReadBoundaries reads a boundary set laid out like the COD-AB extract
// shipped in data/bd (data.Boundaries): boundaries/bd_adm{0..4}_*.geojson
// (one file per level, MultiPolygons in EPSG:4326 with adm{N}_pcode,
// adm{N}_en, adm{N}_bn, … properties) and, optionally,
// gazetteer/bd_alt_names.csv (alternative names) and
// gazetteer/bd_{divisions,districts,upazilas,unions}.csv (label points).
//
// Files may also sit directly in the root of fsys instead of under
// boundaries/ and gazetteer/. The adm0 file is optional; divisions,
// districts, upazilas and unions are required.
//
// The units are validated with Validate before they are returned. Every
// error is an EINVALID *guccho.Error naming the file, the feature index or
// row, and the field at fault.
func ReadBoundaries(fsys fs.FS) ([]*Unit, error) {
	var units []*Unit
	for l := Country; l <= Union; l++ {
		name, err := findFile(fsys, "boundaries", fmt.Sprintf("bd_adm%d_*.geojson", l))
		if err != nil {
			return nil, err
		}
		if name == "" {
			if l == Country {
				continue
			}
			return nil, guccho.Errorf(guccho.EINVALID, "no boundary file for level %d (%s): want boundaries/bd_adm%d_*.geojson", l, l, l)
		}
		us, err := readLevel(fsys, name, l)
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	byCode := make(map[string]*Unit, len(units))
	for _, u := range units {
		byCode[u.PCode] = u
	}
	if err := readAltNames(fsys, byCode); err != nil {
		return nil, err
	}
	for _, f := range []string{"bd_divisions.csv", "bd_districts.csv", "bd_upazilas.csv", "bd_unions.csv"} {
		if err := readLabels(fsys, f, byCode); err != nil {
			return nil, err
		}
	}
	for _, u := range units {
		if u.Label == (orb.Point{}) && len(u.Geometry) > 0 {
			u.Label = InteriorPoint(u.Geometry)
		}
	}
	if err := Validate(units); err != nil {
		return nil, err
	}
	return units, nil
}

// findFile returns the path of the single file matching pattern under dir
// (or the root of fsys), "" if there is none.
func findFile(fsys fs.FS, dir, pattern string) (string, error) {
	for _, p := range []string{path.Join(dir, pattern), pattern} {
		m, err := fs.Glob(fsys, p)
		if err != nil {
			return "", guccho.WrapError(err, guccho.EINVALID, "bad file pattern %q", p)
		}
		if len(m) > 1 {
			return "", guccho.Errorf(guccho.EINVALID, "several files match %s: %s", p, strings.Join(m, ", "))
		}
		if len(m) == 1 {
			return m[0], nil
		}
	}
	return "", nil
}

// readLevel reads the GeoJSON FeatureCollection of one level.
func readLevel(fsys fs.FS, name string, level Level) ([]*Unit, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINVALID, "%s: cannot read", name)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: not valid GeoJSON: %v", name, jsonErr(data, err))
	}
	if fc.Type != "FeatureCollection" {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: field \"type\": want FeatureCollection, got %q", name, fc.Type)
	}
	if len(fc.Features) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: no features", name)
	}
	units := make([]*Unit, 0, len(fc.Features))
	for i, raw := range fc.Features {
		u, err := unitFromFeature(raw, level)
		if err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: feature %d: %s", name, i, guccho.ErrorMessage(err))
		}
		units = append(units, u)
	}
	return units, nil
}

// jsonErr adds a line number to a JSON syntax error.
func jsonErr(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:se.Offset], []byte("\n"))
		return fmt.Errorf("line %d: %v", line, err)
	}
	return err
}

func unitFromFeature(raw json.RawMessage, level Level) (*Unit, error) {
	f, err := geojson.UnmarshalFeature(raw)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"geometry\": %v", err)
	}
	props := f.Properties
	str := func(field string, required bool) (string, error) {
		v, ok := props[field]
		if !ok || v == nil {
			if required {
				return "", guccho.Errorf(guccho.EINVALID, "field %q: missing", field)
			}
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", guccho.Errorf(guccho.EINVALID, "field %q: want a string, got %v", field, v)
		}
		s = strings.TrimSpace(s)
		if required && s == "" {
			return "", guccho.Errorf(guccho.EINVALID, "field %q: empty", field)
		}
		return s, nil
	}
	prefix := fmt.Sprintf("adm%d_", level)
	u := &Unit{Level: level}
	if u.PCode, err = str(prefix+"pcode", true); err != nil {
		return nil, err
	}
	if l, err := PCodeLevel(u.PCode); err != nil || l != level {
		return nil, guccho.Errorf(guccho.EINVALID, "field %q: %q is not a level-%d (%s) P-code", prefix+"pcode", u.PCode, level, level)
	}
	if u.NameEN, err = str(prefix+"en", true); err != nil {
		return nil, err
	}
	if u.NameBN, err = str(prefix+"bn", false); err != nil {
		return nil, err
	}
	if u.NameENCurrent, err = str(prefix+"en_current", false); err != nil {
		return nil, err
	}
	if u.NameENCurrent == "" {
		u.NameENCurrent = u.NameEN
	}
	if level == Upazila {
		if u.Type, err = str("adm3_type", false); err != nil {
			return nil, err
		}
	}
	if level > Country {
		parentField := fmt.Sprintf("adm%d_pcode", level-1)
		if level == Division {
			u.Parent = "BD"
		} else if u.Parent, err = str(parentField, true); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(u.PCode, u.Parent) {
			return nil, guccho.Errorf(guccho.EINVALID, "field %q: parent %q is not a prefix of %q", parentField, u.Parent, u.PCode)
		}
	}
	if v, ok := props["area_km2"]; ok && v != nil {
		a, ok := v.(float64)
		if !ok || a < 0 || math.IsNaN(a) {
			return nil, guccho.Errorf(guccho.EINVALID, "field \"area_km2\": want a non-negative number, got %v", v)
		}
		u.AreaKM2 = a
	}
	switch g := f.Geometry.(type) {
	case orb.MultiPolygon:
		u.Geometry = g
	case orb.Polygon:
		u.Geometry = orb.MultiPolygon{g}
	case nil:
		return nil, guccho.Errorf(guccho.EINVALID, "field \"geometry\": missing")
	default:
		return nil, guccho.Errorf(guccho.EINVALID, "field \"geometry\": want Polygon or MultiPolygon, got %s", g.GeoJSONType())
	}
	if err := ValidGeometry(u.Geometry); err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"geometry\": %s", guccho.ErrorMessage(err))
	}
	u.Bound = u.Geometry.Bound()
	return u, nil
}

// csvRows opens a gazetteer CSV (under gazetteer/ or the root) and calls fn
// for each row with a lookup by column name. A missing file is not an error.
func csvRows(fsys fs.FS, name string, fn func(row int, col func(string) string) error) error {
	p, err := findFile(fsys, "gazetteer", name)
	if err != nil || p == "" {
		return err
	}
	f, err := fsys.Open(p)
	if err != nil {
		return guccho.WrapError(err, guccho.EINVALID, "%s: cannot open", p)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: cannot read header: %v", p, err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return guccho.Errorf(guccho.EINVALID, "%s: %v", p, err)
		}
		col := func(c string) string {
			if i, ok := idx[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := fn(row, col); err != nil {
			return guccho.Errorf(guccho.EINVALID, "%s: row %d: %s", p, row, guccho.ErrorMessage(err))
		}
	}
}

// readAltNames attaches the names of bd_alt_names.csv to their units. Rows
// for units without a polygon (pcode "nuhil:…") are skipped; a row naming a
// well-formed P-code that has no unit is an error.
func readAltNames(fsys fs.FS, byCode map[string]*Unit) error {
	return csvRows(fsys, "bd_alt_names.csv", func(row int, col func(string) string) error {
		code := col("pcode")
		if strings.HasPrefix(code, "nuhil:") {
			return nil
		}
		u, ok := byCode[code]
		if !ok {
			return guccho.Errorf(guccho.EINVALID, "field \"pcode\": no unit %q in the boundary files", code)
		}
		n := Name{Text: col("name"), Lang: col("lang"), Source: col("source")}
		if n.Text == "" {
			return guccho.Errorf(guccho.EINVALID, "field \"name\": empty")
		}
		if n.Lang != "en" && n.Lang != "bn" {
			return guccho.Errorf(guccho.EINVALID, "field \"lang\": want en or bn, got %q", n.Lang)
		}
		for _, have := range u.AltNames {
			if have.Text == n.Text {
				return nil
			}
		}
		u.AltNames = append(u.AltNames, n)
		return nil
	})
}

// readLabels takes label points from a gazetteer level file.
func readLabels(fsys fs.FS, name string, byCode map[string]*Unit) error {
	var level Level
	switch name {
	case "bd_divisions.csv":
		level = Division
	case "bd_districts.csv":
		level = District
	case "bd_upazilas.csv":
		level = Upazila
	default:
		level = Union
	}
	field := fmt.Sprintf("adm%d_pcode", level)
	return csvRows(fsys, name, func(row int, col func(string) string) error {
		if col("has_polygon") == "false" {
			return nil
		}
		u, ok := byCode[col(field)]
		if !ok {
			return nil // a gazetteer row without a polygon here; names come from bd_alt_names.csv
		}
		lon, err1 := strconv.ParseFloat(col("label_lon"), 64)
		lat, err2 := strconv.ParseFloat(col("label_lat"), 64)
		if err1 != nil || err2 != nil {
			return guccho.Errorf(guccho.EINVALID, "field \"label_lon\"/\"label_lat\": not numbers (%q, %q)", col("label_lon"), col("label_lat"))
		}
		u.Label = orb.Point{lon, lat}
		return nil
	})
}

// SortUnits orders units by level, then P-code.
func SortUnits(units []*Unit) {
	sort.Slice(units, func(i, j int) bool {
		if units[i].Level != units[j].Level {
			return units[i].Level < units[j].Level
		}
		return units[i].PCode < units[j].PCode
	})
}
