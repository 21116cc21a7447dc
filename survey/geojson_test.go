package survey

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/paulmach/orb"
)

func TestGeoJSONReader(t *testing.T) {
	in := `{"type": "FeatureCollection", "name": "survey", "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
 "features": [
  {"type": "Feature", "id": 7, "geometry": {"type": "Point", "coordinates": [90.4125, 23.8103]},
   "properties": {"name": " Rahim Dairy ", "sector": "dairy", "workers": 5, "aware": true, "note": null}},
  {"type": "Feature", "properties": {"sector": "footwear", "name": "Bhairab Shoes", "tags": ["a", "b"], "extra": {"k": 1.50}},
   "geometry": null},
  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[90, 23], [91, 23], [91, 24], [90, 23]]]},
   "properties": {"name": "Field"}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [90.1]}, "properties": {"name": "Half"}}
 ]}`
	rd, err := openBytes(t, "points.geojson", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if rd.Format() != FormatGeoJSON {
		t.Errorf("Format() = %q, want geojson", rd.Format())
	}
	if got, want := rd.Columns(), []string{"name", "sector", "workers", "aware", "note"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns() after open = %q, want the first feature's keys %q", got, want)
	}
	rows, err := readAll(t, rd)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rd.Columns(), []string{"name", "sector", "workers", "aware", "note", "tags", "extra"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns() at the end = %q, want %q (first-seen order)", got, want)
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	t.Run("a point with typed properties", func(t *testing.T) {
		want := Row{Number: 1, Geometry: &orb.Point{90.4125, 23.8103},
			Values: map[string]string{"name": "Rahim Dairy", "sector": "dairy", "workers": "5", "aware": "true", "note": ""}}
		if !reflect.DeepEqual(rows[0], want) {
			t.Errorf("got %+v, want %+v", rows[0], want)
		}
	})
	t.Run("null geometry, nested values as JSON", func(t *testing.T) {
		r := rows[1]
		if r.Geometry != nil || len(r.Errors) != 0 {
			t.Errorf("geometry %v, errors %v; want none", r.Geometry, r.Errors)
		}
		if r.Values["tags"] != `["a","b"]` || r.Values["extra"] != `{"k":1.50}` {
			t.Errorf("values = %q", r.Values)
		}
	})
	t.Run("a polygon is an ignored row error", func(t *testing.T) {
		r := rows[2]
		if r.Geometry != nil || len(r.Errors) != 1 || !Ignored(r.Errors[0]) || r.Errors[0].Field != "geometry" ||
			!strings.Contains(r.Errors[0].Reason, "the geometry is a Polygon") {
			t.Errorf("geometry %v, errors %v; want no point and one ignored error", r.Geometry, r.Errors)
		}
	})
	t.Run("a point with one coordinate", func(t *testing.T) {
		r := rows[3]
		if r.Geometry != nil || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Reason, "[90.1] are not two numbers") {
			t.Errorf("geometry %v, errors %v", r.Geometry, r.Errors)
		}
	})
}

func TestGeoJSONBadInput(t *testing.T) {
	feature := `{"type":"Feature","properties":{"a":1},"geometry":null}`
	tests := []struct {
		name    string
		in      string
		atOpen  bool
		message string
	}{
		{"empty", "", true, "the file is empty"},
		{"white space", "  \n", true, "the file is empty"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, true, "the file has no features"},
		{"no features array", `{"type":"FeatureCollection"}`, true, `not a GeoJSON FeatureCollection: it has no "features" array`},
		{"a single Feature", feature, true, `not a GeoJSON FeatureCollection: its type is "Feature"`},
		{"an array", `[` + feature + `]`, true, "not a GeoJSON FeatureCollection"},
		{"malformed first feature", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1,}}]}`, true,
			"malformed GeoJSON in feature 1 at byte"},
		{"malformed third feature", `{"type":"FeatureCollection","features":[` + feature + `,` + feature + `,{"type":"Feature","properties":{"a" 1}}]}`, false,
			"malformed GeoJSON in feature 3 at byte"},
		{"missing comma between features", `{"type":"FeatureCollection","features":[` + feature + feature + `]}`, false,
			"malformed GeoJSON in feature 2 at byte"},
		{"cut short", `{"type":"FeatureCollection","features":[` + feature + `,{"type":"Feature","prop`, false,
			"malformed GeoJSON in feature 2"},
		{"garbage after the collection", `{"type":"FeatureCollection","features":[` + feature + `]} x`, false,
			"malformed GeoJSON after the last feature"},
		{"properties not an object", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1]}]}`, true,
			`malformed GeoJSON in feature 1 at byte`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := NewGeoJSONReader(strings.NewReader(tt.in))
			if err == nil {
				if tt.atOpen {
					t.Fatalf("open succeeded, want %q", tt.message)
				}
				_, err = readAll(t, rd)
			} else if !tt.atOpen {
				t.Fatalf("open: %v, want the error from Next", err)
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.message) {
				t.Fatalf("error = %v, want %q", err, tt.message)
			}
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Errorf("code = %q, want %q", code, guccho.EINVALID)
			}
		})
	}
}
