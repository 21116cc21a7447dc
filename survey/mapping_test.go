package survey

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho"
)

func TestPresetsNameKnownFields(t *testing.T) {
	var doc struct {
		Fields   map[string][]string `json:"fields"`
		Suffixes map[string][]string `json:"suffixes"`
	}
	if err := json.Unmarshal(presetsJSON, &doc); err != nil {
		t.Fatalf("presets.json: %v", err)
	}
	for f := range doc.Fields {
		if !knownField(f) {
			t.Errorf("presets.json: unknown field %q", f)
		}
	}
	for f := range doc.Suffixes {
		if !knownField(f) {
			t.Errorf("presets.json: unknown field %q in suffixes", f)
		}
	}
	seen := map[string]string{}
	for f, syns := range doc.Fields {
		for _, s := range syns {
			k := headerKey(s)
			if other, ok := seen[k]; ok && other != f {
				t.Errorf("presets.json: %q is a synonym of both %s and %s", s, other, f)
			}
			seen[k] = f
		}
	}
}

func TestDetectMapping(t *testing.T) {
	tests := []struct {
		name    string
		columns string // comma-separated
		want    map[string]string
	}{
		{
			name:    "KoboToolbox export with groups",
			columns: "start,end,today,deviceid,group_info/enterprise_name,group_info/sector,group_loc/division,group_loc/district,group_loc/upazila,group_loc/union,group_loc/gps,_group_loc/gps_latitude,_group_loc/gps_longitude,_group_loc/gps_altitude,_group_loc/gps_precision,_id,_uuid,_submission_time",
			want: map[string]string{
				FieldName: "group_info/enterprise_name", FieldSector: "group_info/sector",
				FieldDivision: "group_loc/division", FieldDistrict: "group_loc/district", FieldUpazila: "group_loc/upazila", FieldUnion: "group_loc/union",
				FieldGPS: "group_loc/gps", FieldLat: "_group_loc/gps_latitude", FieldLon: "_group_loc/gps_longitude",
				FieldID: "_uuid",
			},
		},
		{
			name:    "Kobo without groups: _geolocation and _<field>_latitude",
			columns: "Business Name,Sector,Zila,Thana,location,_location_latitude,_location_longitude,_geolocation,_id",
			want: map[string]string{
				FieldName: "Business Name", FieldSector: "Sector", FieldDistrict: "Zila", FieldUpazila: "Thana",
				FieldGPS: "_geolocation", FieldLat: "_location_latitude", FieldLon: "_location_longitude", FieldID: "_id",
			},
		},
		{
			name:    "Bangla headers",
			columns: "ক্রমিক,প্রতিষ্ঠানের নাম,খাত,উপখাত,বিভাগ,জেলা,উপজেলা,ইউনিয়ন,অক্ষাংশ,দ্রাঘিমাংশ,মালিকের লিঙ্গ",
			want: map[string]string{
				FieldName: "প্রতিষ্ঠানের নাম", FieldSector: "খাত", FieldSubSector: "উপখাত", FieldDivision: "বিভাগ", FieldDistrict: "জেলা",
				FieldUpazila: "উপজেলা", FieldUnion: "ইউনিয়ন", FieldLat: "অক্ষাংশ", FieldLon: "দ্রাঘিমাংশ", FieldOwnerGender: "মালিকের লিঙ্গ",
			},
		},
		{
			name:    "ODK Central: dash-separated groups and geopoint parts",
			columns: "KEY,info-enterprise_name,info-sector,loc-district,loc-gps-Latitude,loc-gps-Longitude,loc-gps-Altitude,loc-gps-Accuracy,meta-instanceID",
			want: map[string]string{
				FieldName: "info-enterprise_name", FieldSector: "info-sector", FieldDistrict: "loc-district",
				FieldLat: "loc-gps-Latitude", FieldLon: "loc-gps-Longitude", FieldID: "meta-instanceID",
			},
		},
		{
			name:    "case, spaces and punctuation do not matter",
			columns: " Enterprise ID ,ENTERPRISE-NAME,Sub Sector,sector ,LAT,Lng,Self employment,Wage.Workers,Female workers,Male workers,Gender,RECP aware?,RECP_Adopted,RECP practices,Main barriers,synthetic",
			want: map[string]string{
				FieldID: " Enterprise ID ", FieldName: "ENTERPRISE-NAME", FieldSubSector: "Sub Sector", FieldSector: "sector ",
				FieldLat: "LAT", FieldLon: "Lng", FieldEmploymentSelf: "Self employment", FieldEmploymentWage: "Wage.Workers",
				FieldEmploymentFemale: "Female workers", FieldEmploymentMale: "Male workers", FieldOwnerGender: "Gender",
				FieldRECPAware: "RECP aware?", FieldRECPAdopted: "RECP_Adopted", FieldRECPPractices: "RECP practices",
				FieldBarriers: "Main barriers", FieldSynthetic: "synthetic",
			},
		},
		{
			name:    "the more specific synonym wins, whatever the column order",
			columns: "name,owner_name,enterprise_name,x,y,longitude,latitude",
			want:    map[string]string{FieldName: "enterprise_name", FieldLat: "latitude", FieldLon: "longitude"},
		},
		{
			name:    "x and y when nothing better",
			columns: "x,y,sector",
			want:    map[string]string{FieldLon: "x", FieldLat: "y", FieldSector: "sector"},
		},
		{
			name:    "a repeated header maps once",
			columns: "district,district_2,grp/district",
			want:    map[string]string{FieldDistrict: "district"},
		},
		{
			name:    "nested group paths match on the last segment",
			columns: "grp/sub/district,survey/info/Sector,meta/instanceID",
			want:    map[string]string{FieldDistrict: "grp/sub/district", FieldSector: "survey/info/Sector", FieldID: "meta/instanceID"},
		},
		{
			name:    "nothing recognised",
			columns: "foo,bar,owner_name,phone",
			want:    map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectMapping(strings.Split(tt.columns, ","))
			if !reflect.DeepEqual(got.Fields, tt.want) {
				t.Errorf("DetectMapping fields:\n got %v\nwant %v", got.Fields, tt.want)
			}
			used := map[string]string{}
			for f, c := range got.Fields {
				if other, ok := used[c]; ok {
					t.Errorf("column %q mapped to %s and %s", c, other, f)
				}
				used[c] = f
			}
		})
	}
}

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Business Name", "business_name"},
		{"business-name", "business_name"},
		{"  BUSINESS__NAME? ", "business_name"},
		{"_id", "_id"},
		{"__uuid", "_uuid"},
		{"meta/instanceID", "meta_instanceid"},
		{"প্রতিষ্ঠানের  নাম", "প্রতিষ্ঠানের_নাম"},
		{"ওয়ার্ড", headerKey("ওয়ার্ড")},
	}
	for _, tt := range tests {
		if got := headerKey(tt.in); got != tt.want {
			t.Errorf("headerKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// য় precomposed (U+09DF) and decomposed (U+09AF U+09BC) are one header.
	if headerKey("ওয়ার্ড") != headerKey("ওয\u09bcার্ড") {
		t.Error("precomposed and decomposed য় differ")
	}
}

func TestReadMapping(t *testing.T) {
	t.Run("a full mapping file", func(t *testing.T) {
		m, err := ReadMapping(strings.NewReader(`{"fields": {"district": "Zila Name", "sector": " Khat ", "union": ""},
			"key": ["name", "phone"], "unknown_sector": "other"}`))
		if err != nil {
			t.Fatal(err)
		}
		want := Mapping{Fields: map[string]string{FieldDistrict: "Zila Name", FieldSector: "Khat", FieldUnion: ""},
			Key: []string{"name", "phone"}, UnknownSector: "other"}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("got %+v, want %+v", m, want)
		}
	})
	tests := []struct{ name, in, message string }{
		{"unknown field", `{"fields": {"distrct": "Zila"}}`, `mapping file: unknown field "distrct" (known fields: id, name, sector,`},
		{"unknown key", `{"field": {"district": "Zila"}}`, `mapping file: unknown field "field" (the keys are fields, key and unknown_sector)`},
		{"one column for two fields", `{"fields": {"district": "Zila", "upazila": "Zila"}}`, `mapping file: column "Zila" is given to both district and upazila`},
		{"malformed", `{"fields": {"district": "Zila",}}`, "mapping file: not valid JSON"},
		{"empty", ``, "mapping file: not valid JSON"},
		{"wrong type", `{"fields": ["district"]}`, "mapping file: cannot unmarshal array"},
		{"empty key entry", `{"key": ["name", " "]}`, "mapping file: key entry 2 is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMapping(strings.NewReader(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.message) || guccho.ErrorCode(err) != guccho.EINVALID {
				t.Errorf("error = %v, want EINVALID %q", err, tt.message)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	detected := DetectMapping([]string{"name", "sector", "district", "Zila Name", "union", "phone"})
	explicit := Mapping{Fields: map[string]string{FieldDistrict: "Zila Name", FieldUnion: "", FieldName: "district"}, UnknownSector: "other"}
	got := detected.Merge(explicit)
	want := Mapping{
		// name: explicit; district: explicit; union: switched off; sector: detected.
		Fields:        map[string]string{FieldName: "district", FieldDistrict: "Zila Name", FieldSector: "sector"},
		UnknownSector: "other",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge:\n got %+v\nwant %+v", got, want)
	}
	if detected.Fields[FieldDistrict] != "district" {
		t.Error("Merge modified its receiver")
	}
}
