package bdtest

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/guccho/guccho/geo"
)

// Grid is a hand-checkable boundary set laid out like shared/data/bd: one
// division, BD10 Barisal (current spelling Barishal, বরিশাল), covering lon
// 90–93 and lat 22–25, cut into three districts of one-degree columns:
//
//	BD1004 Barguna  lon 90–91   upazila BD100409 Amtali
//	BD1006 Barisal  lon 91–92   upazila BD100651 Nawabganj
//	BD1009 Bhola    lon 92–93   upazila BD100918 Nawabganj
//
// Each district holds one upazila of the same shape, and each upazila three
// one-degree unions, south to north: <upazila code>11 "<name> Dakshin"
// (lat 22–23), …13 "<name> Madhya" (23–24) and …15 "<name> Uttar" (24–25).
// So the point (90.5, 22.5) lies in BD10040911, and (92.5, 24.5) in
// BD10091815. Two upazilas share the name Nawabganj, as in the real data.
func Grid() fstest.MapFS {
	type col struct {
		dist, distEN, distCur, distBN string
		upa, upaEN, upaBN             string
	}
	cols := []col{
		{"BD1004", "Barguna", "Barguna", "বরগুনা", "BD100409", "Amtali", "আমতলী"},
		{"BD1006", "Barisal", "Barishal", "বরিশাল", "BD100651", "Nawabganj", "নবাবগঞ্জ"},
		{"BD1009", "Bhola", "Bhola", "ভোলা", "BD100918", "Nawabganj", "নবাবগঞ্জ"},
	}
	rows := []struct{ suffix, name string }{{"11", "Dakshin"}, {"13", "Madhya"}, {"15", "Uttar"}}
	var dists, upas, unions []string
	for i, c := range cols {
		x := 90 + float64(i)
		dists = append(dists, feature(fmt.Sprintf(`"adm2_pcode":%q,"adm2_en":%q,"adm2_en_current":%q,"adm2_bn":%q,"adm1_pcode":"BD10","area_km2":35000`,
			c.dist, c.distEN, c.distCur, c.distBN), box(x, 22, x+1, 25)))
		upas = append(upas, feature(fmt.Sprintf(`"adm3_pcode":%q,"adm3_en":%q,"adm3_bn":%q,"adm3_type":"upazila","adm2_pcode":%q`,
			c.upa, c.upaEN, c.upaBN, c.dist), box(x, 22, x+1, 25)))
		for j, r := range rows {
			y := 22 + float64(j)
			unions = append(unions, feature(fmt.Sprintf(`"adm4_pcode":%q,"adm4_en":%q,"adm4_bn":"","adm3_pcode":%q`,
				c.upa+r.suffix, c.upaEN+" "+r.name, c.upa), box(x, y, x+1, y+1)))
		}
	}
	div := feature(`"adm1_pcode":"BD10","adm1_en":"Barisal","adm1_en_current":"Barishal","adm1_bn":"বরিশাল","area_km2":105000`, box(90, 22, 93, 25))
	return fstest.MapFS{
		"boundaries/bd_adm1_divisions.geojson": {Data: []byte(collection(div))},
		"boundaries/bd_adm2_districts.geojson": {Data: []byte(collection(dists...))},
		"boundaries/bd_adm3_upazilas.geojson":  {Data: []byte(collection(upas...))},
		"boundaries/bd_adm4_unions.geojson":    {Data: []byte(collection(unions...))},
		"gazetteer/bd_alt_names.csv": {Data: []byte("level,pcode,name,lang,source\n" +
			"1,BD10,Barisal,en,cod-ab\n1,BD10,Barishal,en,current_official\n1,BD10,বরিশাল,bn,nuhil\n" +
			"2,BD1006,Barisal,en,cod-ab\n2,BD1006,Barishal,en,current_official\n2,BD1006,বরিশাল,bn,nuhil\n")},
	}
}

// GridUnits returns the units of Grid, read with geo.ReadBoundaries.
func GridUnits(tb testing.TB) []*geo.Unit {
	tb.Helper()
	units, err := geo.ReadBoundaries(Grid())
	if err != nil {
		tb.Fatalf("reading the grid fixture: %v", err)
	}
	return units
}

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
