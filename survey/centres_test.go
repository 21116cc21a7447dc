package survey

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// readCentres opens an in-memory centres file and reads it.
func readCentres(t *testing.T, name, text string) ([]*guccho.Centre, []guccho.RowError, error) {
	t.Helper()
	rd, err := openBytes(t, name, []byte(text))
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	return ReadCentres(rd, sectors(t))
}

func TestReadCentresCSV(t *testing.T) {
	in := "ID,Name,Name_BN,Sector,Services,Operator,Longitude,Latitude,Phone\n" +
		"bhairab,Bhairab Footwear CSC,ভৈরব পাদুকা সিএসসি,footwear,shared machines; waste recycling | training,SEP,90.98,24.05,0170\n" +
		",Bogura Light Engineering CSC,,,,,89.37,24.85,\n"
	cs, errs, err := readCentres(t, "centres.csv", in)
	if err != nil || errs != nil {
		t.Fatalf("ReadCentres = %v, %v", errs, err)
	}
	if len(cs) != 2 {
		t.Fatalf("%d centres, want 2", len(cs))
	}
	want := &guccho.Centre{ID: "bhairab", NameEN: "Bhairab Footwear CSC", NameBN: "ভৈরব পাদুকা সিএসসি", Sector: "footwear_leather",
		Services: []string{"shared machines", "waste recycling", "training"}, Operator: "SEP", Point: orb.Point{90.98, 24.05},
		Attributes: map[string]string{"Phone": "0170"}, Row: 1}
	if !reflect.DeepEqual(cs[0], want) {
		t.Errorf("row 1 = %+v,\nwant %+v", cs[0], want)
	}
	b := cs[1]
	if b.ID != guccho.CentreID("Bogura Light Engineering CSC", orb.Point{89.37, 24.85}) || b.Sector != "" ||
		len(b.Services) != 0 || b.Attributes != nil || b.Row != 2 {
		t.Errorf("row 2 = %+v; want a derived id, every sector, no services, no attributes", b)
	}
}

func TestReadCentresGeoJSON(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[90.41,23.71]},
		 "properties":{"name_en":"Old Dhaka CSC","sector":"light_engineering","services":"lathe|testing"}},
		{"type":"Feature","geometry":null,"properties":{"name":"Sirajganj Dairy CSC","lon":89.7,"lat":24.45,"id":"dairy-1"}}]}`
	cs, errs, err := readCentres(t, "centres.geojson", in)
	if err != nil || errs != nil {
		t.Fatalf("ReadCentres = %v, %v", errs, err)
	}
	if len(cs) != 2 || cs[0].Point != (orb.Point{90.41, 23.71}) || !slices.Equal(cs[0].Services, []string{"lathe", "testing"}) ||
		cs[0].Sector != "light_engineering" || cs[1].ID != "dairy-1" || cs[1].Point != (orb.Point{89.7, 24.45}) {
		t.Errorf("centres = %+v, %+v", cs[0], cs[1])
	}
}

func TestReadCentresReportsEveryBadRow(t *testing.T) {
	tests := []struct {
		name, file, in string
		want           []string // "row field: reason part"
	}{
		{"csv", "c.csv", "id,name,sector,lon,lat\n" +
			"a,Good,,90.4,23.8\n" +
			"b,,,90.4,23.8\n" +
			"c,Bad sector,plastics,90.4,23.8\n" +
			"d,Not a number,,east,23.8\n" +
			"e,Kolkata,,88.1,22.5x\n" +
			"f,Swapped,,23.8,90.4\n" +
			"g,No point,,,\n" +
			"a,Twin,,90.5,23.9\n" +
			"h,Outside,,100,10\n" +
			strings.Repeat("i", 201) + ",Long id,,90.4,23.8\n" +
			"j/k,Slash id,,90.4,23.8\n" +
			"import,Reserved id,,90.4,23.8\n" +
			"l,\"Bell\x07name\",,90.4,23.8\n",
			[]string{
				"2 name: empty",
				"3 sector: unknown sector \"plastics\"",
				"4 lon: longitude \"east\" is not a number",
				"5 lat: latitude \"22.5x\" is not a number",
				"6 lon/lat: lon 23.8, lat 90.4 lies outside Bangladesh; lon and lat look swapped",
				"7 lon/lat: no point",
				"8 id: the id \"a\" repeats that of row 1",
				"9 lon/lat: lon 100, lat 10 lies outside Bangladesh",
				"10 id: 201 bytes is longer than the limit of 200 bytes",
				"11 id: \"j/k\" may not contain \"/\"",
				"12 id: \"import\" is reserved",
				"13 name: contains the control character U+0007",
			}},
		{"geojson", "c.geojson", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[90,23],[91,24]]},"properties":{"name":"A road"}},
			{"type":"Feature","geometry":{"type":"Point","coordinates":[-74,40.7]},"properties":{"name":"New York"}}]}`,
			[]string{
				"1 lon/lat: no point: the geometry is a LineString",
				"2 geometry: lon -74, lat 40.7 lies outside Bangladesh",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, errs, err := readCentres(t, tt.file, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if cs != nil {
				t.Errorf("ReadCentres returned %d centres from a file with bad rows, want none", len(cs))
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("%d row errors %+v, want %d", len(errs), errs, len(tt.want))
			}
			for i, e := range errs {
				got := fmt.Sprintf("%d %s: %s", e.Row, e.Field, e.Reason)
				if !strings.HasPrefix(got, tt.want[i]) {
					t.Errorf("error %d = %q, want it to start %q", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestReadCentresRefusesAFileWithoutItsColumns(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"no name", "title,lon,lat\nA,90,23\n", "no name column"},
		{"no lat", "name,lon\nA,90\n", "no lon and lat columns"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readCentres(t, "c.csv", tt.in)
			if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), tt.want) {
				t.Errorf("ReadCentres: %v, want invalid %q", err, tt.want)
			}
		})
	}
}
