package guccho_test

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

func TestCentreID(t *testing.T) {
	a := guccho.CentreID("Bhairab Footwear CSC", orb.Point{90.98, 24.05})
	if !strings.HasPrefix(a, "c-") || len(a) != 18 {
		t.Errorf("CentreID = %q, want c- and 16 hex digits", a)
	}
	if b := guccho.CentreID("  bhairab   footwear csc ", orb.Point{90.9800000001, 24.05}); b != a {
		t.Errorf("CentreID with other case, spacing and a sub-millimetre shift = %q, want %q", b, a)
	}
	if c := guccho.CentreID("Bhairab Footwear CSC", orb.Point{90.98, 24.06}); c == a {
		t.Errorf("CentreID of a point 1 km away = %q, the same as the first", c)
	}
}

func TestCentreValidate(t *testing.T) {
	ok := func() *guccho.Centre {
		return &guccho.Centre{ID: "c1", NameEN: "Centre", Services: []string{"testing"}, Point: orb.Point{90.4, 23.8}}
	}
	tests := []struct {
		name string
		edit func(c *guccho.Centre)
		want string // "" for valid; otherwise a part of the message
	}{
		{"valid", func(c *guccho.Centre) {}, ""},
		{"no services is valid", func(c *guccho.Centre) { c.Services = nil }, ""},
		{"no id", func(c *guccho.Centre) { c.ID = " " }, `centre " ": field "id": empty`},
		{"long id", func(c *guccho.Centre) { c.ID = strings.Repeat("x", 201) }, `field "id": 201 bytes is longer than the limit of 200 bytes`},
		{"id with a slash", func(c *guccho.Centre) { c.ID = "a/b" }, `field "id": "a/b" may not contain "/"`},
		{"reserved id", func(c *guccho.Centre) { c.ID = "import" }, `field "id": "import" is reserved`},
		{"dot dot id", func(c *guccho.Centre) { c.ID = ".." }, `field "id": ".." is not an id`},
		{"huge name", func(c *guccho.Centre) { c.NameEN = strings.Repeat("x", guccho.MaxNameBytes+1) }, `field "name_en": 1001 bytes is longer than the limit of 1000 bytes`},
		{"NUL in the Bangla name", func(c *guccho.Centre) { c.NameBN = "ভৈরব\x00" }, `field "name_bn": contains the control character U+0000`},
		{"huge service", func(c *guccho.Centre) { c.Services = []string{strings.Repeat("s", guccho.MaxTextBytes+1)} }, `field "services[0]": 4097 bytes`},
		{"no name", func(c *guccho.Centre) { c.NameEN = "" }, `centre "c1": field "name_en": empty`},
		{"empty service", func(c *guccho.Centre) { c.Services = []string{"a", ""} }, `field "services"`},
		{"longitude", func(c *guccho.Centre) { c.Point[0] = 190 }, `field "lon": 190 is not a longitude`},
		{"latitude, with the row", func(c *guccho.Centre) { c.Point[1] = -91; c.Row = 4 }, `row 4 (centre "c1"): field "lat"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v, want nil", err)
			case tt.want != "" && (guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), tt.want)):
				t.Errorf("Validate: %v, want invalid containing %q", err, tt.want)
			}
		})
	}
}

func TestValidateCentresRefusesRepeatedIDs(t *testing.T) {
	cs := []*guccho.Centre{
		{ID: "a", NameEN: "A", Point: orb.Point{90, 23}, Row: 1},
		{ID: "b", NameEN: "B", Point: orb.Point{90, 23}, Row: 2},
		{ID: "a", NameEN: "A again", Point: orb.Point{91, 23}, Row: 3},
	}
	err := guccho.ValidateCentres(cs)
	if want := `row 3 (centre "a"): field "id": "a" repeats the id of row 1`; guccho.ErrorMessage(err) != want {
		t.Errorf("ValidateCentres = %v, want %s", err, want)
	}
	if err := guccho.ValidateCentres(cs[:2]); err != nil {
		t.Errorf("ValidateCentres(distinct ids) = %v", err)
	}
}
