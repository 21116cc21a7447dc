package survey

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestParseCoord covers the notations field officers type for one
// coordinate, and the values that cannot be.
func TestParseCoord(t *testing.T) {
	const dms = 24 + 3.0/60 + 12.4/3600 // 24°03'12.4"
	tests := []struct {
		name string
		in   string
		want float64
	}{
		{"decimal", "23.8103", 23.8103},
		{"decimal comma", "23,8103", 23.8103},
		{"Bangla digits", "২৩.৮১০৩", 23.8103},
		{"hemisphere after", "23.81 N", 23.81},
		{"hemisphere before", "N 23.81", 23.81},
		{"south is negative", "23.81S", -23.81},
		{"west is negative, before", "W90.4", -90.4},
		{"degree sign and hemisphere", "90.41°E", 90.41},
		{"degrees minutes seconds", `24°03'12.4"N`, dms},
		{"primes", "24°03′12.4″N", dms},
		{"two apostrophes for seconds", "24°03'12.4''", dms},
		{"spaces only", "24 03 12.4", dms},
		{"spaces and a hemisphere", "N 24 03 12.4", dms},
		{"Bangla digits in DMS", "২৪°০৩'১২.৪\"", dms},
		{"decimal comma in seconds", "24°03'12,4\"", dms},
		{"degrees and decimal minutes", "24° 3.2'", 24 + 3.2/60},
		{"negative degrees", "-24 03 12.4", -dms},
		{"DMS south", `24°03'12.4"S`, -dms},
		{"unmarked values are not range-checked (a swap is the geocoder's to find)", "90.4", 90.4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCoord(tt.in)
			if err != nil {
				t.Fatalf("parseCoord(%q): %v", tt.in, err)
			}
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("parseCoord(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	bad := []struct {
		name, in, reason string // reason "" = not a coordinate at all
	}{
		{"words", "twenty-two", ""},
		{"empty", "", ""},
		{"hex", "0x17", ""},
		{"four parts", "24 03 12 5", ""},
		{"minutes of 60", "24°60'00\"", "minutes 60 must be from 0 to below 60"},
		{"seconds beyond 60", "24 03 75", "seconds 75 must be from 0 to below 60"},
		{"negative minutes", "24 -3 10", "minutes -3 must be from 0 to below 60"},
		{"fractional minutes before seconds", "24 3.5 10", "minutes 3.5 must be whole when seconds follow"},
		{"latitude beyond 90 marked N", "95.2N", "a latitude (N or S) is at most 90 degrees"},
		{"longitude beyond 180 marked E", "190°E", "a longitude (E or W) is at most 180 degrees"},
		{"degrees beyond 180", "200 10 10", "degrees 200 are more than 180"},
	}
	for _, tt := range bad {
		t.Run("error/"+tt.name, func(t *testing.T) {
			got, err := parseCoord(tt.in)
			if err == nil {
				t.Fatalf("parseCoord(%q) = %v, want an error", tt.in, got)
			}
			var ce *coordError
			switch {
			case tt.reason == "" && !errors.Is(err, errNotNumber):
				t.Errorf("parseCoord(%q): %v, want not a number", tt.in, err)
			case tt.reason != "" && (!errors.As(err, &ce) || ce.reason != tt.reason):
				t.Errorf("parseCoord(%q): %v, want %q", tt.in, err, tt.reason)
			}
		})
	}
}

// TestConvertGPSNotations covers points in DMS and in one cell, and the row
// errors for impossible values.
func TestConvertGPSNotations(t *testing.T) {
	const lat, lon = 24 + 3.0/60 + 12.4/3600, 90 + 25.0/60 + 30.0/3600
	tests := []struct {
		name     string
		row      Row
		wantLon  float64
		wantLat  float64
		wantNone bool
		wantErr  string
	}{
		{"DMS columns", row(1, "lat", `24°03'12.4"N`, "lon", `90°25'30"E`), lon, lat, false, ""},
		{"DMS with spaces", row(1, "lat", "24 03 12.4", "lon", "90 25 30"), lon, lat, false, ""},
		{"one cell in the latitude column", row(1, "lat", "24.0535, 90.425", "lon", ""), 90.425, 24.0535, false, ""},
		{"one cell in the longitude column", row(1, "lat", "", "lon", "24.0535; 90.425"), 90.425, 24.0535, false, ""},
		{"one cell with decimal commas", row(1, "lat", "24,0535; 90,425", "lon", ""), 90.425, 24.0535, false, ""},
		{"GPS cell in DMS", row(1, "gps", `24°03'12.4"N, 90°25'30"E`), lon, lat, false, ""},
		{"GPS cell in spaced DMS", row(1, "gps", "24 03 12.4 N 90 25 30 E"), lon, lat, false, ""},
		{"GPS cell in Bangla digits", row(1, "gps", "২৪.০৫৩৫, ৯০.৪২৫"), 90.425, 24.0535, false, ""},
		{"a decimal comma alone is one coordinate, not a point", row(1, "lat", "24,05", "lon", ""), 0, 0, true,
			`lon: ignored: the longitude is empty but the latitude is not`},
		{"minutes of 60", row(1, "lat", "24°60'10\"", "lon", "90.4"), 0, 0, true,
			`lat: ignored: latitude "24°60'10\"" is not a number in decimal degrees: minutes 60 must be from 0 to below 60`},
		{"latitude beyond 90", row(1, "lat", "95.5 N", "lon", "90.4"), 0, 0, true,
			`lat: ignored: latitude "95.5 N" is not a number in decimal degrees: a latitude (N or S) is at most 90 degrees`},
		{"GPS cell with seconds of 75", row(1, "gps", "24 03 75 N 90 25 30 E"), 0, 0, true,
			`gps: ignored: GPS "24 03 75 N 90 25 30 E" is not "latitude longitude" in decimal degrees: seconds 75 must be from 0 to below 60`},
	}
	c := converter(t, "name", "sector", "lat", "lon", "gps")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.row.Values["sector"] = "dairy"
			e, errs := c.Convert(tt.row)
			var msgs []string
			for _, err := range errs {
				msgs = append(msgs, err.Field+": "+err.Reason)
			}
			if got := strings.Join(msgs, " | "); got != tt.wantErr {
				t.Errorf("errors = %q, want %q", got, tt.wantErr)
			}
			if tt.wantNone {
				if e != nil && e.GPS != nil {
					t.Errorf("GPS = %v, want none", e.GPS)
				}
				return
			}
			if e == nil || e.GPS == nil || math.Abs(e.GPS[0]-tt.wantLon) > 1e-9 || math.Abs(e.GPS[1]-tt.wantLat) > 1e-9 {
				t.Errorf("GPS = %v, want [%v %v]", e.GPS, tt.wantLon, tt.wantLat)
			}
		})
	}
}
