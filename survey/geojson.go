package survey

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/guccho/guccho"
	"github.com/paulmach/orb"
)

// geojsonReader streams the features of a FeatureCollection; see
// NewGeoJSONReader.
type geojsonReader struct {
	dec     *json.Decoder
	columns []string
	seen    map[string]bool
	n       int // features read
	pending *Row
	done    bool
}

// NewGeoJSONReader returns a Reader over a GeoJSON FeatureCollection,
// decoding it token by token so that only one feature is in memory at a time.
//
// Each feature is a row: its properties are the values (strings as they
// are, numbers as written in the file, booleans as "true"/"false", null as
// "", objects and arrays as compact JSON) and a Point geometry is
// Row.Geometry. A null geometry gives no point; any other geometry type, or
// a Point without two numbers, gives an "ignored: " row error on the field
// "geometry" and no point. The feature's "id" member is not read; put ids in
// the properties.
//
// Errors are EINVALID: "the file is empty", "the file has no features", a
// document that is not a FeatureCollection, and malformed JSON, which names
// the feature (counting from 1, like Row.Number) and the byte offset.
func NewGeoJSONReader(r io.Reader) (Reader, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, bomUTF8) {
		br.Discard(3)
	}
	g := &geojsonReader{dec: json.NewDecoder(br), seen: map[string]bool{}}
	g.dec.UseNumber()
	tok, err := g.dec.Token()
	if err == io.EOF {
		return nil, errEmpty()
	}
	if err != nil {
		return nil, g.malformed("the start of the file", err)
	}
	if tok != json.Delim('{') {
		return nil, guccho.Errorf(guccho.EINVALID, "not a GeoJSON FeatureCollection: the file does not start with '{'")
	}
	for {
		tok, err := g.dec.Token()
		if err != nil {
			return nil, g.malformed("the FeatureCollection", err)
		}
		if tok == json.Delim('}') {
			return nil, guccho.Errorf(guccho.EINVALID, "not a GeoJSON FeatureCollection: it has no \"features\" array")
		}
		key, _ := tok.(string)
		if key == "features" {
			if tok, err := g.dec.Token(); err != nil || tok != json.Delim('[') {
				return nil, g.malformed("the FeatureCollection", fmt.Errorf("\"features\" is not an array"))
			}
			break
		}
		if err := g.member(key); err != nil {
			return nil, err
		}
	}
	row, err := g.Next()
	if err == io.EOF {
		return nil, guccho.Errorf(guccho.EINVALID, "the file has no features")
	}
	if err != nil {
		return nil, err
	}
	g.pending = &row
	return g, nil
}

// member reads the value of a top-level member other than "features".
func (g *geojsonReader) member(key string) error {
	var raw json.RawMessage
	if err := g.dec.Decode(&raw); err != nil {
		return g.malformed("the FeatureCollection", err)
	}
	if key == "type" {
		var typ string
		if json.Unmarshal(raw, &typ) != nil || typ != "FeatureCollection" {
			return guccho.Errorf(guccho.EINVALID, "not a GeoJSON FeatureCollection: its type is %s", raw)
		}
	}
	return nil
}

// Columns implements Reader.
func (g *geojsonReader) Columns() []string { return g.columns }

// Format implements Reader.
func (g *geojsonReader) Format() string { return FormatGeoJSON }

// Next implements Reader.
func (g *geojsonReader) Next() (Row, error) {
	if g.pending != nil {
		row := *g.pending
		g.pending = nil
		return row, nil
	}
	if g.done {
		return Row{}, io.EOF
	}
	if !g.dec.More() {
		g.done = true
		return Row{}, g.finish()
	}
	g.n++
	where := fmt.Sprintf("feature %d", g.n)
	tok, err := g.dec.Token()
	if err != nil {
		return Row{}, g.malformed(where, err)
	}
	if tok != json.Delim('{') {
		return Row{}, guccho.Errorf(guccho.EINVALID, "%s: not a JSON object", where)
	}
	row := Row{Number: g.n, Values: map[string]string{}}
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return Row{}, g.malformed(where, err)
		}
		switch key, _ := tok.(string); key {
		case "properties":
			if err := g.properties(&row); err != nil {
				return Row{}, g.malformed(where, err)
			}
		case "geometry":
			var geom *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			}
			if err := g.dec.Decode(&geom); err != nil {
				return Row{}, g.malformed(where, err)
			}
			if geom == nil {
				continue
			}
			var c []float64
			switch {
			case geom.Type != "Point":
				row.Errors = append(row.Errors, guccho.RowError{Row: g.n, Field: "geometry", Reason: fmt.Sprintf(
					"ignored: the geometry is a %s; only Point geometries are read", geom.Type)})
			case json.Unmarshal(geom.Coordinates, &c) != nil || len(c) < 2 || math.IsNaN(c[0]) || math.IsNaN(c[1]):
				row.Errors = append(row.Errors, guccho.RowError{Row: g.n, Field: "geometry", Reason: fmt.Sprintf(
					"ignored: the Point's coordinates %s are not two numbers", compact(geom.Coordinates))})
			default:
				row.Geometry = &orb.Point{c[0], c[1]}
			}
		default:
			var skip json.RawMessage
			if err := g.dec.Decode(&skip); err != nil {
				return Row{}, g.malformed(where, err)
			}
		}
	}
	if _, err := g.dec.Token(); err != nil { // the closing '}'
		return Row{}, g.malformed(where, err)
	}
	return row, nil
}

// properties reads a feature's properties object (or null) into row.
func (g *geojsonReader) properties(row *Row) error {
	tok, err := g.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("\"properties\" is not an object")
	}
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return err
		}
		key := strings.TrimSpace(tok.(string))
		if len(key) > MaxCellBytes {
			return errCellTooLong("a property name")
		}
		var raw json.RawMessage
		if err := g.dec.Decode(&raw); err != nil {
			return err
		}
		if !g.seen[key] {
			g.seen[key] = true
			g.columns = append(g.columns, key)
		}
		v := strings.TrimSpace(jsonText(raw))
		if len(v) > MaxCellBytes {
			row.Errors = append(row.Errors, guccho.RowError{Row: row.Number, Field: key, Reason: guccho.ErrorMessage(errCellTooLong("the value"))})
			v = ""
		}
		row.Values[key] = v
	}
	_, err = g.dec.Token() // '}'
	return err
}

// finish reads what follows the features array, up to the end of the file.
func (g *geojsonReader) finish() error {
	const where = "after the last feature"
	if _, err := g.dec.Token(); err != nil { // ']'
		return g.malformed(where, err)
	}
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return g.malformed(where, err)
		}
		key, _ := tok.(string)
		if err := g.member(key); err != nil {
			return err
		}
	}
	if _, err := g.dec.Token(); err != nil { // '}'
		return g.malformed(where, err)
	}
	if _, err := g.dec.Token(); err != io.EOF {
		return guccho.Errorf(guccho.EINVALID, "malformed GeoJSON %s: extra data after the FeatureCollection", where)
	}
	return io.EOF
}

func (g *geojsonReader) malformed(where string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return guccho.Errorf(guccho.EINVALID, "malformed GeoJSON in %s at byte %d: %v", where, se.Offset, err)
	}
	return guccho.Errorf(guccho.EINVALID, "malformed GeoJSON in %s at byte %d: %v", where, g.dec.InputOffset(), err)
}

// jsonText renders a property value as cell text.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case 'n':
		return ""
	case '{', '[':
		return compact(raw)
	}
	return string(raw) // numbers as written, true, false
}

// compact renders an object or array property as compact JSON text. Its
// strings may hold bytes that are not UTF-8 (JSON keeps them as they are in
// the raw value); like json.Unmarshal for a string property, they become
// U+FFFD, so every cell is UTF-8.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}
