package survey

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/paulmach/orb"
)

func sectors(tb testing.TB) *guccho.Sectors {
	tb.Helper()
	s, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// converter detects the mapping of columns and checks it.
func converter(tb testing.TB, columns ...string) *Converter {
	tb.Helper()
	c := &Converter{Sectors: sectors(tb), Mapping: DetectMapping(columns)}
	if err := c.Check(columns); err != nil {
		tb.Fatal(err)
	}
	return c
}

func row(n int, kv ...string) Row {
	r := Row{Number: n, Values: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Values[kv[i]] = kv[i+1]
	}
	return r
}

func ptr[T any](v T) *T { return &v }

func TestConvert(t *testing.T) {
	c := converter(t, "id", "name", "sector", "sub_sector", "district", "upazila", "latitude", "longitude",
		"self_employment", "wage_workers", "female_workers", "male_workers", "owner_gender",
		"recp_aware", "recp_adopted", "recp_practices", "barriers", "phone", "synthetic")
	got, errs := c.Convert(row(3,
		"id", " E-17 ", "name", "রহিম দুগ্ধ খামার", "sector", "দুগ্ধ", "sub_sector", "Dairy products and sweets",
		"district", "কিশোরগঞ্জ", "upazila", "Bhairab", "latitude", "২৪.০৫২", "longitude", "৯০.৯৭৬",
		"self_employment", "২", "wage_workers", "3.0", "female_workers", "1", "male_workers", "",
		"owner_gender", "মহিলা", "recp_aware", "হ্যাঁ", "recp_adopted", "0",
		"recp_practices", "waste_recycling energy_saving", "barriers", "high raw-material cost; no market",
		"phone", "01712345678", "synthetic", ""))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := &guccho.Enterprise{
		ID: "E-17", Name: "রহিম দুগ্ধ খামার", Sector: "dairy", SubSector: "dairy_products",
		GPS:         &orb.Point{90.976, 24.052},
		Stated:      guccho.AdminNames{District: "কিশোরগঞ্জ", Upazila: "Bhairab"},
		Employment:  guccho.Employment{Self: 2, Wage: 3, Female: ptr(1)},
		OwnerGender: "female",
		RECP:        guccho.RECP{Aware: ptr(true), Adopted: ptr(false), Practices: []string{"waste_recycling", "energy_saving"}},
		Barriers:    []string{"high raw-material cost", "no market"},
		Attributes:  map[string]string{"phone": "01712345678"},
		ImportRow:   3,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Convert:\n got %+v\nwant %+v", got, want)
	}
}

func TestConvertRowErrors(t *testing.T) {
	c := converter(t, "name", "sector", "district", "lat", "lon", "gps", "self_employment", "wage_workers", "female_workers", "recp_aware")
	tests := []struct {
		name   string
		row    Row
		failed bool
		errs   []guccho.RowError // Row and Values are not compared
	}{
		{"unknown sector", row(1, "name", "A", "sector", "spaceships"), true,
			[]guccho.RowError{{Field: "sector", Reason: `unknown sector "spaceships" (known: dairy, eco_construction, eco_tourism, food_processing, footwear_leather, horticulture, light_engineering, other, rice_milling)`}}},
		{"empty sector", row(2, "name", "A", "sector", ""), true,
			[]guccho.RowError{{Field: "sector", Reason: `the sector is empty (known: dairy, eco_construction, eco_tourism, food_processing, footwear_leather, horticulture, light_engineering, other, rice_milling)`}}},
		{"bad employment, all reported at once", row(3, "sector", "dairy", "self_employment", "two", "wage_workers", "-1", "female_workers", "1.5"), true,
			[]guccho.RowError{
				{Field: "self_employment", Reason: `"two" is not a whole number of people`},
				{Field: "wage_workers", Reason: `"-1" is not a whole number of people`},
				{Field: "female_workers", Reason: `"1.5" is not a whole number of people`},
			}},
		{"unparsable latitude is ignored", row(4, "sector", "dairy", "lat", "23.8N?", "lon", "90.4"), false,
			[]guccho.RowError{{Field: "lat", Reason: `ignored: latitude "23.8N?" is not a number in decimal degrees`}}},
		{"half a coordinate pair is ignored", row(5, "sector", "dairy", "lat", "23.8", "lon", ""), false,
			[]guccho.RowError{{Field: "lon", Reason: `ignored: the longitude is empty but the latitude is not`}}},
		{"unparsable GPS is ignored", row(6, "sector", "dairy", "gps", "Dhaka"), false,
			[]guccho.RowError{{Field: "gps", Reason: `ignored: GPS "Dhaka" is not "latitude longitude" in decimal degrees`}}},
		{"a yes/no answer that is neither is ignored", row(7, "sector", "dairy", "recp_aware", "maybe"), false,
			[]guccho.RowError{{Field: "recp_aware", Reason: `ignored: "maybe" is not a yes/no answer`}}},
		{"a reader's row error is passed on", Row{Number: 8, Values: map[string]string{"sector": "dairy"},
			Errors: []guccho.RowError{{Reason: "the row has 3 cells but the header has 2 columns"}}}, true,
			[]guccho.RowError{{Reason: "the row has 3 cells but the header has 2 columns"}}},
		{"a name beyond the limit fails the row", row(9, "name", strings.Repeat("n", guccho.MaxNameBytes+1), "sector", "dairy"), true,
			[]guccho.RowError{{Reason: `field "name": 1001 bytes is longer than the limit of 1000 bytes`}}},
		{"a NUL in the name fails the row", row(10, "name", "Karim\x00", "sector", "dairy"), true,
			[]guccho.RowError{{Reason: `field "name": contains the control character U+0000`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, errs := c.Convert(tt.row)
			if (e == nil) != tt.failed || Failed(errs) != tt.failed {
				t.Errorf("enterprise %v, Failed %v; want failed = %v", e, Failed(errs), tt.failed)
			}
			var got []guccho.RowError
			for _, re := range errs {
				if re.Row != tt.row.Number {
					t.Errorf("error row = %d, want %d", re.Row, tt.row.Number)
				}
				if !reflect.DeepEqual(re.Values, tt.row.Values) {
					t.Errorf("error values = %v, want the row's cells", re.Values)
				}
				got = append(got, guccho.RowError{Field: re.Field, Reason: re.Reason})
			}
			if !reflect.DeepEqual(got, tt.errs) {
				t.Errorf("errors:\n got %+v\nwant %+v", got, tt.errs)
			}
			if !tt.failed && e.GPS != nil {
				t.Errorf("GPS = %v, want none after an ignored GPS error", e.GPS)
			}
		})
	}
}

func TestConvertUnknownSectorFallback(t *testing.T) {
	c := converter(t, "name", "sector")
	c.Mapping.UnknownSector = "other"
	if err := c.Check([]string{"name", "sector"}); err != nil {
		t.Fatal(err)
	}
	e, errs := c.Convert(row(1, "name", "A", "sector", "Jute handicrafts"))
	if len(errs) != 0 || e.Sector != "other" || e.Attributes["sector_source"] != "Jute handicrafts" {
		t.Errorf("got %+v, %v; want sector other with the source text kept", e, errs)
	}
}

func TestConvertGPS(t *testing.T) {
	tests := []struct {
		name string
		row  Row
		want *orb.Point
	}{
		{"decimal degrees", row(1, "lat", "23.8103", "lon", "90.4125"), &orb.Point{90.4125, 23.8103}},
		{"Bangla digits", row(1, "lat", "২৩.৮১০৩", "lon", "৯০.৪১২৫"), &orb.Point{90.4125, 23.8103}},
		{"Arabic-Indic digits", row(1, "lat", "٢٣.٥", "lon", "۹۰.۵"), &orb.Point{90.5, 23.5}},
		{"decimal comma", row(1, "lat", "23,8103", "lon", "90,4125"), &orb.Point{90.4125, 23.8103}},
		{"degree signs and hemispheres", row(1, "lat", "23.81° N", "lon", "90.41°E"), &orb.Point{90.41, 23.81}},
		{"swapped and zero stay as given", row(1, "lat", "90.4", "lon", "0"), &orb.Point{0, 90.4}},
		{"ODK geopoint", row(1, "gps", "23.8103 90.4125 12.5 4.0"), &orb.Point{90.4125, 23.8103}},
		{"Kobo _geolocation", row(1, "gps", "[23.8103, 90.4125]"), &orb.Point{90.4125, 23.8103}},
		{"lat,lon", row(1, "gps", "23.8103,90.4125"), &orb.Point{90.4125, 23.8103}},
		{"decimal commas in a geopoint", row(1, "gps", "23,8103 90,4125"), &orb.Point{90.4125, 23.8103}},
		{"Kobo _geolocation without a point", row(1, "gps", "[null, null]"), nil},
		{"columns win over the combined text", row(1, "lat", "1", "lon", "2", "gps", "3 4"), &orb.Point{2, 1}},
		{"a GeoJSON point when there are no columns", Row{Number: 1, Values: map[string]string{"name": "A"}, Geometry: &orb.Point{90, 24}}, &orb.Point{90, 24}},
		{"nothing", row(1, "name", "A"), nil},
	}
	c := converter(t, "name", "sector", "lat", "lon", "gps")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.row.Values["sector"] = "dairy"
			e, errs := c.Convert(tt.row)
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !reflect.DeepEqual(e.GPS, tt.want) {
				t.Errorf("GPS = %v, want %v", e.GPS, tt.want)
			}
		})
	}
}

func TestConvertGender(t *testing.T) {
	c := converter(t, "sector", "owner_gender")
	for in, want := range map[string]string{
		"Female": "female", "F": "female", "woman": "female", "নারী": "female", "মহিলা": "female",
		"MALE": "male", "m": "male", "Man": "male", "পুরুষ": "male",
		"transgender": "other", "হিজড়া": "other", "2": "other",
		"": "", "  ": "",
	} {
		e, _ := c.Convert(row(1, "sector", "dairy", "owner_gender", strings.TrimSpace(in)))
		if e.OwnerGender != want {
			t.Errorf("owner gender %q = %q, want %q", in, e.OwnerGender, want)
		}
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"high cost", []string{"high cost"}},
		{"High_cost no_market", []string{"High_cost no_market"}},
		{"high_cost no_market", []string{"high_cost", "no_market"}},
		{"energy water_saving", []string{"energy", "water_saving"}},
		{"opt1 opt2", []string{"opt1", "opt2"}},
		{"electricity water", []string{"electricity water"}},
		{"a; b ;;c", []string{"a", "b", "c"}},
		{"a|b", []string{"a", "b"}},
		{"cost, market access", []string{"cost", "market access"}},
		{"কাঁচামালের দাম; বাজার", []string{"কাঁচামালের দাম", "বাজার"}},
	}
	for _, tt := range tests {
		if got := splitList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConvertIDs(t *testing.T) {
	t.Run("an empty id fails the row", func(t *testing.T) {
		c := converter(t, "id", "sector")
		e, errs := c.Convert(row(1, "id", "", "sector", "dairy"))
		if e != nil || len(errs) != 1 || errs[0].Field != "id" || errs[0].Reason != "the id is empty" {
			t.Errorf("got %v, %v", e, errs)
		}
	})
	t.Run("derived from the default key, stable and folded", func(t *testing.T) {
		c := converter(t, "name", "sector", "district", "gps", "note")
		a, _ := c.Convert(row(1, "name", "Rahim  Dairy", "sector", "dairy", "district", "Dhaka", "gps", "23.8 90.4", "note", "x"))
		b, _ := c.Convert(row(9, "name", "rahim dairy", "sector", "milk", "district", "DHAKA", "gps", "23.8 90.4", "note", "y"))
		d, _ := c.Convert(row(1, "name", "Rahim Dairy", "sector", "dairy", "district", "Dhaka", "gps", "23.9 90.4"))
		if !strings.HasPrefix(a.ID, "k-") || len(a.ID) != 18 {
			t.Errorf("id = %q, want k- and 16 hex digits", a.ID)
		}
		if a.ID != b.ID {
			t.Errorf("ids %q and %q differ, want the same key to give the same id", a.ID, b.ID)
		}
		if a.ID == d.ID {
			t.Error("different GPS text gave the same id")
		}
	})
	t.Run("an explicit key, by column or by field", func(t *testing.T) {
		cols := []string{"enterprise_name", "sector", "phone"}
		c := &Converter{Sectors: sectors(t), Mapping: DetectMapping(cols)}
		c.Mapping.Key = []string{"name", "phone"} // name is a field, phone a column
		if err := c.Check(cols); err != nil {
			t.Fatal(err)
		}
		a, _ := c.Convert(row(1, "enterprise_name", "A", "sector", "dairy", "phone", "017"))
		b, _ := c.Convert(row(2, "enterprise_name", "A", "sector", "rice", "phone", "018"))
		if a.ID == b.ID {
			t.Error("different phones gave the same id")
		}
	})
	t.Run("all key values empty: every cell decides", func(t *testing.T) {
		c := converter(t, "name", "sector", "workers")
		a, _ := c.Convert(row(1, "name", "", "sector", "dairy", "workers", "1"))
		b, _ := c.Convert(row(2, "name", "", "sector", "dairy", "workers", "2"))
		if a.ID == b.ID {
			t.Error("anonymous rows with different cells got the same id")
		}
	})
}

func TestConvertSkipsEmptyRows(t *testing.T) {
	c := converter(t, "name", "sector")
	if e, errs := c.Convert(row(1, "name", "", "sector", "")); e != nil || errs != nil {
		t.Errorf("got %v, %v; want nil, nil", e, errs)
	}
}

func TestConvertSynthetic(t *testing.T) {
	c := converter(t, "sector", "synthetic")
	for in, want := range map[string]bool{"true": true, "1": true, "yes": true, "FALSE": false, "": false} {
		e, _ := c.Convert(row(1, "sector", "dairy", "synthetic", in))
		if e.Synthetic != want {
			t.Errorf("synthetic %q = %v, want %v", in, e.Synthetic, want)
		}
	}
}

func TestCheck(t *testing.T) {
	cols := []string{"name", "district", "Zila Name"}
	tests := []struct {
		name    string
		mapping Mapping
		message string
	}{
		{"no sector column", DetectMapping(cols), "missing required column for sector (looked for: sector, enterprise_sector, "},
		{"a mapped column missing from the file", Mapping{Fields: map[string]string{FieldSector: "Khat"}}, `mapping: the column "Khat" given for sector is not in the file`},
		{"a column mapped twice", Mapping{Fields: map[string]string{FieldSector: "name", FieldName: "name"}}, `mapping: column "name" is given to both name and sector`},
		{"an unknown field", Mapping{Fields: map[string]string{FieldSector: "name", "zila": "Zila Name"}}, `mapping: unknown field "zila"`},
		{"a key column missing", Mapping{Fields: map[string]string{FieldSector: "name"}, Key: []string{"phone"}}, `mapping: key column "phone" is not in the file`},
		{"an unknown fallback sector", Mapping{Fields: map[string]string{FieldSector: "name"}, UnknownSector: "misc"}, `mapping: unknown_sector "misc" is not a sector code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Converter{Sectors: sectors(t), Mapping: tt.mapping}
			err := c.Check(cols)
			if err == nil || !strings.HasPrefix(err.Error(), tt.message) || guccho.ErrorCode(err) != guccho.EINVALID {
				t.Errorf("Check: %v, want EINVALID %q", err, tt.message)
			}
		})
	}
}

// TestConvertSuppliersAndBuyers maps the input-source and buyer columns from
// English and Bangla headers and keeps their answers as written in
// Attributes under the fields' names, whatever the column is called.
func TestConvertSuppliersAndBuyers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		columns [4]string // input source type, place, buyer type, place
	}{
		{"English", [4]string{"Main input source", "Input source place", "Main buyer", "Buyer place"}},
		{"canonical", [4]string{"input_source_type", "input_source_place", "buyer_type", "buyer_place"}},
		{"Bangla", [4]string{"কাঁচামালের উৎস", "কাঁচামালের উৎসের স্থান", "প্রধান ক্রেতা", "ক্রেতার স্থান"}},
		{"Kobo group", [4]string{"grp_chain/supplier_type", "grp_chain/supplier_place", "grp_chain/customer_type", "grp_chain/customer_place"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cols := append([]string{"id", "sector"}, tc.columns[:]...)
			c := converter(t, cols...)
			fields := []string{FieldInputSourceType, FieldInputSourcePlace, FieldBuyerType, FieldBuyerPlace}
			for i, f := range fields {
				if got := c.Mapping.Fields[f]; got != tc.columns[i] {
					t.Errorf("field %s mapped to %q, want %q", f, got, tc.columns[i])
				}
			}
			got, errs := c.Convert(row(1, "id", "E-1", "sector", "footwear", tc.columns[0], " চামড়া ব্যবসায়ী ",
				tc.columns[1], "Savar", tc.columns[2], "paikar", tc.columns[3], ""))
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			want := map[string]string{guccho.AttrInputSourceType: "চামড়া ব্যবসায়ী", guccho.AttrInputSourcePlace: "Savar", guccho.AttrBuyerType: "paikar"}
			if !reflect.DeepEqual(got.Attributes, want) {
				t.Errorf("attributes = %v, want %v", got.Attributes, want)
			}
		})
	}
}
