package geo

import (
	"testing"
	"testing/fstest"

	"github.com/guccho/guccho"
)

// FuzzReadBoundaryFiles feeds a boundary GeoJSON file (read as unions), an
// alternative-names CSV and a gazetteer CSV of union label points through
// the readers behind ReadBoundaries, then Validate. Whatever the bytes,
// failures are EINVALID errors, never panics or other codes.
func FuzzReadBoundaryFiles(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adm4_pcode":"BD10040913","adm4_en":"Amtali","adm4_bn":"আমতলী","adm3_pcode":"BD100409"},"geometry":{"type":"MultiPolygon","coordinates":[[[[90.2,22.0],[90.3,22.0],[90.3,22.1],[90.2,22.1],[90.2,22.0]]]]}}]}`),
		[]byte("level,pcode,name,lang,source\n4,BD10040913,Amtoli,en,nuhil\n4,nuhil:1,x,en,nuhil\n"),
		[]byte("adm4_pcode,adm4_en,label_lon,label_lat\nBD10040913,Amtali,90.25,22.05\n"))
	f.Fuzz(func(t *testing.T, geojson, altNames, labels []byte) {
		fsys := fstest.MapFS{
			"bd_adm4_unions.geojson": {Data: geojson},
			"bd_alt_names.csv":       {Data: altNames},
			"bd_unions.csv":          {Data: labels},
		}
		wantInvalid := func(what string, err error) bool {
			t.Helper()
			if err == nil {
				return true
			}
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("%s: error %v has code %q, want %q", what, err, code, guccho.EINVALID)
			}
			return false
		}
		units, err := readLevel(fsys, "bd_adm4_unions.geojson", Union)
		if !wantInvalid("readLevel", err) {
			return
		}
		byCode := map[string]*Unit{}
		for _, u := range units {
			byCode[u.PCode] = u
		}
		if !wantInvalid("readAltNames", readAltNames(fsys, byCode)) {
			return
		}
		if !wantInvalid("readLabels", readLabels(fsys, "bd_unions.csv", byCode)) {
			return
		}
		wantInvalid("Validate", Validate(units))
	})
}
