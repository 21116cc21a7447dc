package geo_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// box is the GeoJSON MultiPolygon of an axis-aligned rectangle.
func box(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf(`{"type":"MultiPolygon","coordinates":[[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]]}`,
		x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

func feature(props, geom string) string {
	return `{"type":"Feature","properties":{` + props + `},"geometry":` + geom + `}`
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + `]}`
}

// fixtureFS is a hand-checkable boundary set: one division (BD10, lon 90–92,
// lat 22–24) split into two districts west and east of lon 91, each with one
// upazila of the same shape, each split into two unions south and north of
// lat 23.
func fixtureFS() fstest.MapFS {
	div := collection(feature(`"adm1_pcode":"BD10","adm1_en":"Barisal","adm1_en_current":"Barishal","adm1_bn":"বরিশাল"`, box(90, 22, 92, 24)))
	dist := collection(
		feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm2_bn":"বরগুনা","adm1_pcode":"BD10"`, box(90, 22, 91, 24)),
		feature(`"adm2_pcode":"BD1006","adm2_en":"Barisal","adm2_en_current":"Barishal","adm1_pcode":"BD10"`, box(91, 22, 92, 24)),
	)
	upa := collection(
		feature(`"adm3_pcode":"BD100409","adm3_en":"Amtali","adm3_type":"upazila","adm2_pcode":"BD1004"`, box(90, 22, 91, 24)),
		feature(`"adm3_pcode":"BD100602","adm3_en":"Agailjhara","adm3_type":"upazila","adm2_pcode":"BD1006"`, box(91, 22, 92, 24)),
	)
	uni := collection(
		feature(`"adm4_pcode":"BD10040913","adm4_en":"Amtali","adm4_bn":"আমতলী","adm3_pcode":"BD100409"`, box(90, 22, 91, 23)),
		feature(`"adm4_pcode":"BD10040915","adm4_en":"Arpangashia","adm3_pcode":"BD100409"`, box(90, 23, 91, 24)),
		feature(`"adm4_pcode":"BD10060210","adm4_en":"Bagdha","adm3_pcode":"BD100602"`, box(91, 22, 92, 23)),
		feature(`"adm4_pcode":"BD10060221","adm4_en":"Bakal","adm3_pcode":"BD100602"`, box(91, 23, 92, 24)),
	)
	return fstest.MapFS{
		"boundaries/bd_adm1_divisions.geojson": {Data: []byte(div)},
		"boundaries/bd_adm2_districts.geojson": {Data: []byte(dist)},
		"boundaries/bd_adm3_upazilas.geojson":  {Data: []byte(upa)},
		"boundaries/bd_adm4_unions.geojson":    {Data: []byte(uni)},
		"gazetteer/bd_alt_names.csv": {Data: []byte("level,pcode,name,lang,source\n" +
			"1,BD10,Barisal,en,cod-ab\n1,BD10,Barishal,en,current_official\n2,BD1006,Barishal,en,current_official\n" +
			"3,nuhil:999,Taltali,en,nuhil\n")},
		"gazetteer/bd_districts.csv": {Data: []byte("adm2_pcode,adm2_en,label_lon,label_lat\nBD1004,Barguna,90.2,23.1\n")},
	}
}

func TestReadBoundaries(t *testing.T) {
	units, err := geo.ReadBoundaries(fixtureFS())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*geo.Unit{}
	for _, u := range units {
		got[u.PCode] = u
	}
	if len(units) != 9 {
		t.Fatalf("got %d units, want 9", len(units))
	}
	div := got["BD10"]
	if div.Level != geo.Division || div.Parent != "BD" || div.NameEN != "Barisal" || div.NameENCurrent != "Barishal" || div.NameBN != "বরিশাল" {
		t.Errorf("division = %+v", div)
	}
	if len(div.AltNames) != 2 || div.AltNames[1].Text != "Barishal" {
		t.Errorf("division alt names = %+v, want Barisal and Barishal", div.AltNames)
	}
	if u := got["BD100409"]; u.Type != "upazila" || u.Parent != "BD1004" || u.NameENCurrent != "Amtali" {
		t.Errorf("upazila = %+v", u)
	}
	if l := got["BD1004"].Label; l[0] != 90.2 || l[1] != 23.1 {
		t.Errorf("label from gazetteer = %v, want [90.2 23.1]", l)
	}
	if l := got["BD1006"].Label; !got["BD1006"].Bound.Contains(l) {
		t.Errorf("computed label %v is outside %v", l, got["BD1006"].Bound)
	}
	if b := got["BD10060221"].Bound; b.Min[0] != 91 || b.Max[1] != 24 {
		t.Errorf("bound = %v", b)
	}
}

func TestReadBoundariesRejectsBrokenInput(t *testing.T) {
	district1006 := feature(`"adm2_pcode":"BD1006","adm2_en":"Barisal","adm1_pcode":"BD10"`, box(91, 22, 92, 24))
	tests := []struct {
		name    string
		file    string
		content string
		want    string // a substring of the error message
	}{
		{"not JSON", "boundaries/bd_adm2_districts.geojson", `{"type":"FeatureCollection","features":[`,
			"bd_adm2_districts.geojson: not valid GeoJSON"},
		{"empty file", "boundaries/bd_adm2_districts.geojson", ``, "bd_adm2_districts.geojson: not valid GeoJSON"},
		{"no features", "boundaries/bd_adm2_districts.geojson", collection(), "bd_adm2_districts.geojson: no features"},
		{"missing P-code", "boundaries/bd_adm2_districts.geojson",
			collection(feature(`"adm2_en":"Barguna","adm1_pcode":"BD10"`, box(90, 22, 91, 24))),
			`feature 0: field "adm2_pcode": missing`},
		{"P-code of the wrong level", "boundaries/bd_adm2_districts.geojson",
			collection(feature(`"adm2_pcode":"BD100","adm2_en":"Barguna","adm1_pcode":"BD10"`, box(90, 22, 91, 24))),
			`feature 0: field "adm2_pcode": "BD100" is not a level-2`},
		{"parent not a prefix", "boundaries/bd_adm3_upazilas.geojson",
			collection(feature(`"adm3_pcode":"BD100409","adm3_en":"Amtali","adm2_pcode":"BD1006"`, box(90, 22, 91, 24))),
			`feature 0: field "adm2_pcode": parent "BD1006" is not a prefix of "BD100409"`},
		{"parent missing from the set", "boundaries/bd_adm3_upazilas.geojson",
			collection(
				feature(`"adm3_pcode":"BD100409","adm3_en":"Amtali","adm2_pcode":"BD1004"`, box(90, 22, 91, 24)),
				feature(`"adm3_pcode":"BD100802","adm3_en":"Nowhere","adm2_pcode":"BD1008"`, box(91, 22, 92, 24))),
			`unit BD100802: field "parent": no unit BD1008`},
		{"ring not closed", "boundaries/bd_adm2_districts.geojson",
			collection(feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm1_pcode":"BD10"`,
				`{"type":"MultiPolygon","coordinates":[[[[90,22],[91,22],[91,24],[90,24],[90,22.5]]]]}`)),
			`feature 0: field "geometry": polygon 0 ring 0: not closed`},
		{"self-intersecting ring", "boundaries/bd_adm2_districts.geojson",
			collection(feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm1_pcode":"BD10"`,
				`{"type":"MultiPolygon","coordinates":[[[[90,22],[91,22],[91,23],[90.6,21.5],[90,22]]]]}`)),
			`feature 0: field "geometry": polygon 0 ring 0: self-intersection`},
		{"swapped coordinates", "boundaries/bd_adm2_districts.geojson",
			collection(feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm1_pcode":"BD10"`, box(22, 90, 24, 91)), district1006),
			`unit BD1004: field "geometry": extent`},
		{"point geometry", "boundaries/bd_adm2_districts.geojson",
			collection(feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm1_pcode":"BD10"`, `{"type":"Point","coordinates":[90,22]}`)),
			`feature 0: field "geometry": want Polygon or MultiPolygon, got Point`},
		{"duplicate P-code", "boundaries/bd_adm2_districts.geojson",
			collection(
				feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm1_pcode":"BD10"`, box(90, 22, 91, 24)),
				feature(`"adm2_pcode":"BD1004","adm2_en":"Barguna","adm1_pcode":"BD10"`, box(91, 22, 92, 24)), district1006),
			`unit BD1004: duplicate P-code`},
		{"alternative name for an unknown unit", "gazetteer/bd_alt_names.csv",
			"level,pcode,name,lang,source\n1,BD10,Barisal,en,cod-ab\n2,BD9999,Nowhere,en,variant\n",
			`bd_alt_names.csv: row 3: field "pcode": no unit "BD9999"`},
		{"alternative name in an unknown language", "gazetteer/bd_alt_names.csv",
			"level,pcode,name,lang,source\n1,BD10,Barisal,fr,cod-ab\n",
			`bd_alt_names.csv: row 2: field "lang": want en or bn`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fixtureFS()
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.content)}
			_, err := geo.ReadBoundaries(fsys)
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tt.want)
			}
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Errorf("code = %q, want %q", code, guccho.EINVALID)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
	t.Run("missing level file", func(t *testing.T) {
		fsys := fixtureFS()
		delete(fsys, "boundaries/bd_adm3_upazilas.geojson")
		_, err := geo.ReadBoundaries(fsys)
		if err == nil || !strings.Contains(err.Error(), "no boundary file for level 3 (upazila)") {
			t.Errorf("error = %v, want it to name the missing level", err)
		}
	})
}

func TestFeatureID(t *testing.T) {
	tests := []struct {
		pcode string
		want  uint64
	}{
		{"BD", 0},
		{"BD10", 100000010},
		{"BD3026", 200003026},
		{"BD100409", 300100409},
		{"BD10040913", 410040913},
	}
	for _, tt := range tests {
		t.Run(tt.pcode, func(t *testing.T) {
			got, err := geo.FeatureID(tt.pcode)
			if err != nil || got != tt.want {
				t.Fatalf("FeatureID(%q) = %d, %v; want %d", tt.pcode, got, err, tt.want)
			}
			back, err := geo.PCodeFromFeatureID(got)
			if err != nil || back != tt.pcode {
				t.Errorf("PCodeFromFeatureID(%d) = %q, %v; want %q", got, back, err, tt.pcode)
			}
		})
	}
	for _, bad := range []string{"", "BD1", "XX10", "BD1a", "BD1004091301"} {
		if _, err := geo.FeatureID(bad); guccho.ErrorCode(err) != guccho.EINVALID {
			t.Errorf("FeatureID(%q) error = %v, want EINVALID", bad, err)
		}
	}
}

func TestParentCodes(t *testing.T) {
	got := strings.Join(geo.ParentCodes("BD10040913"), ",")
	if want := "BD10,BD1004,BD100409"; got != want {
		t.Errorf("ParentCodes = %s, want %s", got, want)
	}
}

func TestReadSharedBoundaries(t *testing.T) {
	units := bdtestUnits(t)
	count := map[geo.Level]int{}
	for _, u := range units {
		count[u.Level]++
		if u.Level > geo.Country && !u.Bound.Contains(u.Label) {
			t.Errorf("%s: label %v outside its bound", u.PCode, u.Label)
		}
	}
	want := map[geo.Level]int{geo.Country: 1, geo.Division: 8, geo.District: 64, geo.Upazila: 544, geo.Union: 5160}
	for l, n := range want {
		if count[l] != n {
			t.Errorf("level %s: got %d units, want %d", l, count[l], n)
		}
	}
}
