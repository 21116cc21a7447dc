package geo_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// bhairabBazar is the alias an editor teaches by placing "Bhairab Bazar",
// stated in Kishoreganj district, in the upazila Bhairab.
var bhairabBazar = guccho.Alias{Level: "upazila", Within: "BD3048", Name: "bhairab bazar", PCode: "BD304811"}

func TestGeocodeUsesAnAliasOnlyForItsExactNameInItsParent(t *testing.T) {
	a := geo.NewAtlas(bdtest.Units(t))
	plain := geo.NewGeocoder(a)
	g := plain.WithAliases([]guccho.Alias{bhairabBazar,
		{Level: "upazila", Within: "BD3048", Name: "nowhere", PCode: "BD302604"}, // not inside its parent: left out
	})
	cases := []struct {
		name   string
		stated guccho.AdminNames
		finest string
		flags  []string
	}{
		{"the alias in its district", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"}, "BD304811", []string{guccho.FlagNameAlias}},
		{"in another case and spacing", guccho.AdminNames{District: "KISHOREGANJ", Upazila: "BHAIRAB  BAZAR"}, "BD304811", []string{guccho.FlagNameAlias}},
		{"with the division too, the parent is still the district", guccho.AdminNames{Division: "Dhaka", District: "Kishoreganj", Upazila: "Bhairab Bazar"}, "BD304811", []string{guccho.FlagNameAlias}},
		{"in another district", guccho.AdminNames{District: "Dhaka", Upazila: "Bhairab Bazar"}, "BD3026", []string{guccho.FlagNameUnknown}},
		{"without a district", guccho.AdminNames{Upazila: "Bhairab Bazar"}, "", []string{guccho.FlagNameUnknown}},
		{"a longer name", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar Road"}, "BD3048", []string{guccho.FlagNameUnknown}},
		{"an alias left out", guccho.AdminNames{District: "Kishoreganj", Upazila: "Nowhere"}, "BD3048", []string{guccho.FlagNameUnknown}},
		{"a real name still wins", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab"}, "BD304811", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := g.Geocode(geo.GeocodeInput{ID: "1", Stated: c.stated})
			if got := res.Admin.Finest(); got != c.finest {
				t.Errorf("finest = %q, want %q", got, c.finest)
			}
			if !slices.Equal(res.Geocode.Flags, c.flags) {
				t.Errorf("flags = %v, want %v", res.Geocode.Flags, c.flags)
			}
		})
	}
	t.Run("scores 0.97", func(t *testing.T) {
		res := g.Geocode(geo.GeocodeInput{ID: "1", Stated: guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"}})
		if res.Geocode.Score != 0.97 {
			t.Errorf("score = %v, want 0.97", res.Geocode.Score)
		}
	})
	t.Run("the geocoder without aliases is unchanged", func(t *testing.T) {
		res := plain.Geocode(geo.GeocodeInput{ID: "1", Stated: guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"}})
		if got := res.Admin.Finest(); got != "BD3048" {
			t.Errorf("finest = %q, want the district BD3048", got)
		}
	})
}

func TestGeocodeAnAliasDecidesAnAmbiguousName(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.Units(t)))
	st := guccho.AdminNames{District: "Comilla", Upazila: "Sadar"}
	if got := g.Geocode(geo.GeocodeInput{Stated: st}).Admin.Finest(); got != "BD2019" {
		t.Fatalf("without alias: finest = %q, want the district (two Sadar upazilas)", got)
	}
	ga := g.WithAliases([]guccho.Alias{{Level: "upazila", Within: "BD2019", Name: "sadar", PCode: "BD201967"}})
	if got := ga.Geocode(geo.GeocodeInput{Stated: st}).Admin.Finest(); got != "BD201967" {
		t.Errorf("with alias: finest = %q, want BD201967", got)
	}
}

func TestLearnAlias(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.Units(t)))
	cases := []struct {
		name   string
		stated guccho.AdminNames
		placed guccho.AdminCodes
		chosen string
		want   guccho.Alias
		ok     bool
	}{
		{"an unknown upazila within its district", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"},
			guccho.AdminCodes{Division: "BD30", District: "BD3048"}, "BD304811", bhairabBazar, true},
		{"a union picked teaches the upazila", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar P.S."},
			guccho.AdminCodes{Division: "BD30", District: "BD3048"}, "BD30481123", bhairabBazar, true},
		{"an unknown district, nationwide", guccho.AdminNames{District: "Kishorgonjj zilla"},
			guccho.AdminCodes{}, "BD3048", guccho.Alias{Level: "district", Name: "kishorgonjj zilla", PCode: "BD3048"}, true},
		{"a pick outside the stated district teaches nothing", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"},
			guccho.AdminCodes{Division: "BD30", District: "BD3048"}, "BD302604", guccho.Alias{}, false},
		{"a misspelt upazila confirmed", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairob"},
			guccho.AdminCodes{Division: "BD30", District: "BD3048", Upazila: "BD304811"}, "BD304811",
			guccho.Alias{Level: "upazila", Within: "BD3048", Name: "bhairob", PCode: "BD304811"}, true},
		{"a misspelt upazila placed elsewhere teaches nothing", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairob"},
			guccho.AdminCodes{Division: "BD30", District: "BD3048", Upazila: "BD304811"}, "BD304854", guccho.Alias{}, false},
		{"every name exact", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab"},
			guccho.AdminCodes{Division: "BD30", District: "BD3048", Upazila: "BD304811"}, "BD304811", guccho.Alias{}, false},
		{"an upazila without any parent is not learnt nationwide", guccho.AdminNames{Upazila: "Bhairab Bazar"},
			guccho.AdminCodes{}, "BD304811", guccho.Alias{}, false},
		{"an ambiguous name is not learnt", guccho.AdminNames{District: "Comilla", Upazila: "Sadar"},
			guccho.AdminCodes{Division: "BD20", District: "BD2019"}, "BD201967", guccho.Alias{}, false},
		{"a repeated upazila name without district is not learnt", guccho.AdminNames{Division: "Khulna", Upazila: "Kaliganj"},
			guccho.AdminCodes{Division: "BD40"}, "BD404433", guccho.Alias{}, false},
		{"a district picked for an unknown upazila", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"},
			guccho.AdminCodes{Division: "BD30", District: "BD3048"}, "BD3048", guccho.Alias{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := g.LearnAlias(c.stated, c.placed, c.chosen)
			if ok != c.ok || got != c.want {
				t.Errorf("LearnAlias = %+v, %v; want %+v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	g := geo.NewGeocoder(geo.NewAtlas(bdtest.Units(t)))
	cases := []struct {
		name   string
		stated guccho.AdminNames
		first  string
	}{
		{"a bazar named after its upazila", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairab Bazar"}, "BD304811"},
		{"a misspelt upazila", guccho.AdminNames{District: "Kishoreganj", Upazila: "Bhairob"}, "BD304811"},
		{"an upazila in the wrong district", guccho.AdminNames{District: "Kishoreganj", Upazila: "Savar"}, "BD302672"},
		{"an unknown district", guccho.AdminNames{District: "Kishoreganjj"}, "BD3048"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := g.Geocode(geo.GeocodeInput{Stated: c.stated})
			got := g.Suggest(c.stated, res.Admin, 3)
			if len(got) == 0 || got[0].PCode != c.first {
				t.Fatalf("Suggest(%+v, %+v) = %+v, want %s first", c.stated, res.Admin, got, c.first)
			}
			if len(got) > 3 {
				t.Errorf("%d suggestions, want at most 3", len(got))
			}
			if got[0].Name == "" || got[0].Score <= 0 || got[0].Score > 1 {
				t.Errorf("first suggestion %+v: want a name and a score in (0, 1]", got[0])
			}
		})
	}
}

func TestAliasesCSVRoundTrip(t *testing.T) {
	a := geo.NewAtlas(bdtest.Units(t))
	in := []*guccho.Alias{&bhairabBazar, {Level: "district", Name: "kishorgonjj", PCode: "BD3048", CreatedBy: "tok_a"}}
	var buf bytes.Buffer
	if err := geo.WriteAliasesCSV(&buf, in); err != nil {
		t.Fatal(err)
	}
	got, err := a.ReadAliasesCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != bhairabBazar || got[1].CreatedBy != "tok_a" || got[1].PCode != "BD3048" {
		t.Errorf("read back %+v", got)
	}
}

func TestReadAliasesCSVNamesTheRowAtFault(t *testing.T) {
	a := geo.NewAtlas(bdtest.Units(t))
	cases := []struct{ name, csv, want string }{
		{"no pcode column", "level,name\nupazila,x\n", `no column "pcode"`},
		{"unknown unit", "level,within,name,pcode\nupazila,BD3048,Bhairab Bazar,BD304811\nupazila,BD3048,x,BD999999\n", `row 2: field "pcode": no unit "BD999999"`},
		{"level and unit disagree", "level,name,pcode\ndistrict,x,BD304811\n", `row 1: field "pcode": BD304811 is a upazila, not a district`},
		{"unit outside its parent", "level,within,name,pcode\nupazila,BD3026,x,BD304811\n", `row 1: field "within"`},
		{"no name", "level,name,pcode\nupazila, ,BD304811\n", `row 1: field "name"`},
		{"bad level", "level,name,pcode\nthana,x,BD304811\n", `row 1: field "level"`},
		{"bad time", "level,name,pcode,created_at\nupazila,x,BD304811,yesterday\n", `row 1, column "created_at"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := a.ReadAliasesCSV(strings.NewReader(c.csv))
			if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), c.want) {
				t.Errorf("err = %v, want invalid containing %q", err, c.want)
			}
		})
	}
}

// BenchmarkGeocodeAliases geocodes one record per upazila whose upazila is
// written as its market ("<upazila> Bazar", district given), with and
// without an alias for each: unknown, such a name pays for the fuzzy
// search before the geocoder gives up; learnt, it is one map lookup.
func BenchmarkGeocodeAliases(b *testing.B) {
	a := geo.NewAtlas(bdtest.Units(b))
	g := geo.NewGeocoder(a)
	var ins []geo.GeocodeInput
	var aliases []guccho.Alias
	for _, up := range a.Level(geo.Upazila) {
		di := a.Parents(up)[1]
		st := guccho.AdminNames{District: di.DisplayName(), Upazila: up.DisplayName() + " Bazar"}
		ins = append(ins, geo.GeocodeInput{ID: up.PCode, Stated: st})
		if al, ok := g.LearnAlias(st, guccho.AdminCodes{Division: di.Parent, District: di.PCode}, up.PCode); ok {
			aliases = append(aliases, al)
		}
	}
	for _, c := range []struct {
		name string
		g    *geo.Geocoder
	}{{"unknown", g}, {"learnt", g.WithAliases(aliases)}} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				c.g.Geocode(ins[n%len(ins)])
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
