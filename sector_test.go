package guccho_test

import (
	"strings"
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

func TestExtendReplacesCodesWithUnderscores(t *testing.T) {
	const agro = `{"sectors":[{"code":"food_processing","name_en":"Agro-food","name_bn":"কৃষি খাদ্য","color":"#123456","aliases":["agro food"]}]}`
	tests := []struct {
		name string
		docs []string
	}{
		{"a built-in code with an underscore", []string{agro}},
		{"replaced twice", []string{`{"sectors":[{"code":"food_processing","name_en":"Agro","color":"#000000"}]}`, agro}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := guccho.ParseSectors(data.SectorsJSON)
			if err != nil {
				t.Fatal(err)
			}
			before := len(s.All())
			for _, doc := range tt.docs {
				if err := s.Extend([]byte(doc)); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(s.All()); got != before {
				t.Errorf("len(All()) = %d after replacing food_processing, want %d", got, before)
			}
			n := 0
			for _, sec := range s.All() {
				if sec.Code == "food_processing" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("food_processing is listed %d times, want once", n)
			}
			got, ok := s.Lookup("food_processing")
			if !ok || got.NameEN != "Agro-food" || got.Color != "#123456" {
				t.Errorf("Lookup(food_processing) = %+v, %v; want the user's entry", got, ok)
			}
			for _, alias := range []string{"agro food", "bakery"} {
				if got, _ := s.Lookup(alias); got.Code != "food_processing" {
					t.Errorf("Lookup(%q) = %q, want food_processing (new and old aliases)", alias, got.Code)
				}
			}
		})
	}
}

func TestExtendRejectsARepeatedCode(t *testing.T) {
	s, _ := guccho.ParseSectors(data.SectorsJSON)
	err := s.Extend([]byte(`{"sectors":[{"code":"handloom","name_en":"Handloom"},{"code":"handloom","name_en":"Weaving"}]}`))
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), "entry 1 (handloom)") {
		t.Errorf("Extend with a repeated code = %v, want EINVALID naming entry 1", err)
	}
	if got := len(s.All()); got != 9 {
		t.Errorf("len(All()) = %d after a rejected document, want 9: it must change nothing", got)
	}
}

// TestExtendRejectsCodesThatReadTheSame: lookups fold case and underscores,
// so foodprocessing beside food_processing (or o beside o_, which the
// fuzzer found) could not both be found by their code.
func TestExtendRejectsCodesThatReadTheSame(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"within one document", `{"sectors":[{"code":"o","name_en":"O"},{"code":"o_","name_en":"O2"}]}`,
			`entry 1 (o_): field "code": reads the same as entry 0 (o)`},
		{"against a known sector", `{"sectors":[{"code":"foodprocessing","name_en":"Food"}]}`,
			`entry 0 (foodprocessing): field "code": reads the same as the sector "food_processing"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := guccho.ParseSectors(data.SectorsJSON)
			err := s.Extend([]byte(tc.doc))
			if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Extend = %v, want EINVALID containing %q", err, tc.want)
			}
			if got := len(s.All()); got != 9 {
				t.Errorf("len(All()) = %d after a rejected document, want 9", got)
			}
		})
	}
}
