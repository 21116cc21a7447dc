package guccho_test

import (
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
)

func TestBuiltInSectors(t *testing.T) {
	s, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.All()); got != 9 {
		t.Errorf("built-in catalogue has %d sectors, want the nine of the SMART survey (with other)", got)
	}
	tests := []struct{ in, want string }{
		{"footwear_leather", "footwear_leather"},
		{"Footwear & Leather", "footwear_leather"},
		{"shoes", "footwear_leather"},
		{"জুতা", "footwear_leather"},
		{"Rice Mill", "rice_milling"},
		{"  DAIRY ", "dairy"},
		{"দুগ্ধ", "dairy"},
		{"Eco-friendly construction materials", "eco_construction"},
		{"Agro-processing", "food_processing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := s.Lookup(tt.in)
			if !ok || got.Code != tt.want {
				t.Errorf("Lookup(%q) = %q, %v; want %q", tt.in, got.Code, ok, tt.want)
			}
		})
	}
	if _, ok := s.Lookup("spaceships"); ok {
		t.Error("an unknown sector was found")
	}
	for _, sec := range s.All() {
		if sec.NameBN == "" || sec.Color == "" {
			t.Errorf("%s lacks a Bangla name or a colour", sec.Code)
		}
	}
}

func TestExtendSectors(t *testing.T) {
	s, _ := guccho.ParseSectors(data.SectorsJSON)
	err := s.Extend([]byte(`{"sectors":[{"code":"handloom","name_en":"Handloom","name_bn":"তাঁত","color":"#984ea3","aliases":["weaving"]},
		{"code":"dairy","name_en":"Dairy","name_bn":"দুগ্ধ","color":"#000000","aliases":["paneer"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s.Lookup("weaving"); !ok || got.Code != "handloom" {
		t.Errorf("a user's sector: %q, %v", got.Code, ok)
	}
	if got, _ := s.Lookup("paneer"); got.Code != "dairy" || got.Color != "#000000" {
		t.Errorf("an extended sector: %+v", got)
	}
	if got, _ := s.Lookup("milk"); got.Code != "dairy" {
		t.Errorf("extending must keep the old aliases: %+v", got)
	}
	for _, bad := range []string{`{"sectors":[{"code":"Bad Code","name_en":"x"}]}`, `{"sectors":[{"code":"x"}]}`, `not json`} {
		if err := s.Extend([]byte(bad)); guccho.ErrorCode(err) != guccho.EINVALID {
			t.Errorf("Extend(%s) = %v, want EINVALID", bad, err)
		}
	}
}
