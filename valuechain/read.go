package valuechain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/survey"
)

// File is one input file of Read: its name (for messages and to tell the
// format) and its content.
type File struct {
	Name string
	R    io.ReaderAt
	Size int64
}

// BadRow is one row of an input file that cannot be read.
type BadRow struct {
	File string // File.Name
	guccho.RowError
}

// BadRows is the cause of Read's error when rows are bad: every bad row,
// actors file first, each in file order.
type BadRows []BadRow

// Error lists the first rows.
func (b BadRows) Error() string {
	var sb strings.Builder
	for i, r := range b {
		if i == 5 {
			fmt.Fprintf(&sb, "; and %d more", len(b)-i)
			break
		}
		if i > 0 {
			sb.WriteString("; ")
		}
		fmt.Fprintf(&sb, "%s row %d", r.File, r.Row)
		if r.Field != "" {
			fmt.Fprintf(&sb, ", field %q", r.Field)
		}
		sb.WriteString(": " + r.Reason)
	}
	return sb.String()
}

// Actor and link columns. Names are matched after trimming and folding to
// lower case; other columns are ignored.
var (
	actorColumns = []string{"id", "name", "name_bn", "role", "sector", "enterprise_id", "admin", "location", "lon", "lat"}
	linkColumns  = []string{"id", "from", "to", "flow", "product", "volume", "unit", "value", "period"}
)

// Read reads a chain's actors and links and returns the validated Graph,
// all or nothing. Each file is CSV or XLSX (the first sheet; read by
// package survey, so the delimiter, a byte-order mark and Excel's number
// cells are handled as in survey imports), or JSON: an array of objects
// whose keys are the column names, numbers as numbers or text.
//
// Actors have the columns id, role (required), name, name_bn, sector,
// enterprise_id, admin (a P-code), location, lon and lat (degrees); links
// from, to, flow (required), id, product, volume, unit, value (taka) and
// period. Volume and value are numbers ≥ 0; blank means unknown (0). Links
// without an id get a derived one (LinkIDs).
//
// A missing required column or an unreadable file is an EINVALID error
// naming the file. Otherwise every bad row, of both files, is collected —
// unreadable numbers and each problem Check finds — and the error is
// EINVALID with a BadRows cause (errors.As gives the list): row numbers
// count data rows from 1 (for JSON, the object's position), Field is the
// column. Rows whose cells are all empty are skipped.
func Read(actors, links File) (*Graph, error) {
	arows, err := readRows(actors, actorColumns, []string{"id", "role"})
	if err != nil {
		return nil, err
	}
	lrows, err := readRows(links, linkColumns, []string{"from", "to", "flow"})
	if err != nil {
		return nil, err
	}
	var bad BadRows
	as := make([]Actor, len(arows))
	for i, r := range arows {
		v := r.Values
		as[i] = Actor{ID: v["id"], Name: v["name"], NameBN: v["name_bn"], Role: Role(strings.ToLower(v["role"])),
			Sector: v["sector"], EnterpriseID: v["enterprise_id"], Admin: v["admin"], Location: v["location"]}
		for _, f := range []struct {
			col string
			dst *float64
		}{{"lon", &as[i].Lon}, {"lat", &as[i].Lat}} {
			x, err := parseNumber(v[f.col])
			if err != nil {
				bad = append(bad, BadRow{actors.Name, guccho.RowError{Row: r.Number, Field: f.col, Reason: err.Error()}})
			}
			*f.dst = x
		}
	}
	ls := make([]Link, len(lrows))
	for i, r := range lrows {
		v := r.Values
		ls[i] = Link{ID: v["id"], From: v["from"], To: v["to"], Flow: Flow(strings.ToLower(v["flow"])), Product: v["product"],
			Unit: v["unit"], Period: v["period"]}
		for _, f := range []struct {
			col string
			dst *float64
		}{{"volume", &ls[i].Volume}, {"value", &ls[i].Value}} {
			x, err := parseNumber(v[f.col])
			if err != nil {
				bad = append(bad, BadRow{links.Name, guccho.RowError{Row: r.Number, Field: f.col, Reason: err.Error()}})
			}
			*f.dst = x
		}
	}
	for _, p := range Check(as, ls) {
		if p.Link {
			bad = append(bad, BadRow{links.Name, guccho.RowError{Row: lrows[p.Index].Number, Field: p.Field, Reason: p.Reason}})
		} else {
			bad = append(bad, BadRow{actors.Name, guccho.RowError{Row: arows[p.Index].Number, Field: p.Field, Reason: p.Reason}})
		}
	}
	if len(bad) > 0 {
		sortBad(bad, actors.Name)
		return nil, guccho.WrapError(bad, guccho.EINVALID, "%d bad rows; nothing was read", len(bad))
	}
	return NewGraph(as, ls)
}

// sortBad orders bad rows: the actors file first, then by row; stable, so
// a row's problems keep their order.
func sortBad(bad BadRows, actorsFile string) {
	sort.SliceStable(bad, func(i, j int) bool {
		if fi, fj := bad[i].File == actorsFile, bad[j].File == actorsFile; fi != fj {
			return fi
		}
		return bad[i].Row < bad[j].Row
	})
}

// parseNumber reads a volume or value: blank is 0; thousands separators
// (commas) are allowed.
func parseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return x, nil
}

// row is one data row: its number and its cells by lower-case column.
type row struct {
	Number int
	Values map[string]string
}

// readRows reads the rows of a file, keeping the known columns.
func readRows(f File, known, required []string) ([]row, error) {
	head := make([]byte, 512)
	n, err := f.R.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("valuechain: reading %s: %w", f.Name, err)
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head[:n], []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(text) > 0 && text[0] == '[' {
		return readJSON(f, known, required)
	}
	rd, err := survey.Open(f.R, f.Size, f.Name)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: %s", f.Name, guccho.ErrorMessage(err))
	}
	if rd.Format() == survey.FormatGeoJSON {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: a JSON file must hold an array of objects", f.Name)
	}
	cols := map[string]string{} // lower-case name → file column
	for _, c := range rd.Columns() {
		if l := strings.ToLower(c); contains(known, l) {
			if _, dup := cols[l]; !dup {
				cols[l] = c
			}
		}
	}
	for _, r := range required {
		if _, ok := cols[r]; !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: no column %q (needs %s)", f.Name, r, strings.Join(required, ", "))
		}
	}
	var rows []row
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, guccho.WrapError(err, guccho.EINVALID, "%s: %s", f.Name, guccho.ErrorMessage(err))
		}
		vals := make(map[string]string, len(cols))
		empty := true
		for l, c := range cols {
			vals[l] = r.Values[c]
			empty = empty && r.Values[c] == ""
		}
		if !empty {
			rows = append(rows, row{Number: r.Number, Values: vals})
		}
	}
}

// readJSON reads an array of objects.
func readJSON(f File, known, required []string) ([]row, error) {
	dec := json.NewDecoder(io.NewSectionReader(f.R, 0, f.Size))
	dec.UseNumber()
	var objs []map[string]any
	if err := dec.Decode(&objs); err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: not a JSON array of objects: %v", f.Name, err)
	}
	if len(objs) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: the array is empty", f.Name)
	}
	rows := make([]row, 0, len(objs))
	for i, o := range objs {
		vals := map[string]string{}
		for k, v := range o {
			l := strings.ToLower(strings.TrimSpace(k))
			if !contains(known, l) {
				continue
			}
			switch v := v.(type) {
			case nil:
			case string:
				vals[l] = strings.TrimSpace(v)
			case json.Number:
				vals[l] = v.String()
			default:
				return nil, guccho.Errorf(guccho.EINVALID, "%s: object %d: field %q: want text or a number", f.Name, i+1, k)
			}
		}
		for _, r := range required {
			if _, ok := vals[r]; !ok {
				vals[r] = ""
			}
		}
		rows = append(rows, row{Number: i + 1, Values: vals})
	}
	return rows, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
