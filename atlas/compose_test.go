package atlas

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/profile"
)

func TestLogBreaks(t *testing.T) {
	for _, tc := range []struct {
		name string
		max  float64
		want []float64
	}{
		{"a long tail: 1–2, 3–10, 11–20, 21–100, 101–471", 471, []float64{2, 10, 20, 100}},
		{"a thousand", 1000, []float64{2, 10, 50, 200}},
		{"small counts repeat steps, which merge", 10, []float64{1, 2, 5}},
		{"one enterprise at most: one class", 1, nil},
		{"none", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := logBreaks(tc.max, 5); !slices.Equal(got, tc.want) {
				t.Errorf("logBreaks(%v, 5) = %v, want %v", tc.max, got, tc.want)
			}
		})
	}
}

func TestClassesColourCountsAndLQs(t *testing.T) {
	counts := classing{breaks: []float64{2, 10}, inclusive: true, colors: countColors[:3], below: 1, none: zeroColor}
	lqs := classing{breaks: lqBreaks, colors: lqColors, none: noDataColor}
	for _, tc := range []struct {
		name string
		c    classing
		v    float64
		want int // index into c.colors; -1 for c.none
	}{
		{"no enterprises", counts, 0, -1},
		{"1 is in 1–2", counts, 1, 0},
		{"2 is in 1–2 (upper bounds of counts are inclusive)", counts, 2, 0},
		{"3 is in 3–10", counts, 3, 1},
		{"above the last break", counts, 11, 2},
		{"no LQ", lqs, math.NaN(), -1},
		{"LQ 0.5 below 0.8", lqs, 0.5, 0},
		{"LQ 0.8 in 0.8–1.25 (LQ classes include their lower bound)", lqs, 0.8, 1},
		{"LQ 2 in 2 and above", lqs, 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.c.none
			if tc.want >= 0 {
				want = tc.c.colors[tc.want]
			}
			if got := tc.c.color(tc.v); got != want {
				t.Errorf("color(%v) = %v, want %v", tc.v, got, want)
			}
		})
	}
}

// gridData is the grid fixture (three districts of one upazila each) with
// dairy enterprises: 6 in upazila BD100409 (district BD1004), 1 in
// BD100651, none in BD100918, and 3 footwear in BD100918.
func gridData(t *testing.T) Data {
	t.Helper()
	units, err := geo.ReadBoundaries(bdtest.Grid())
	if err != nil {
		t.Fatal(err)
	}
	d := Data{Sector: guccho.Sector{Code: "dairy", NameEN: "Dairy", NameBN: "দুগ্ধ"}, Level: geo.District, MinCount: 1}
	for _, u := range units {
		switch u.Level {
		case geo.District:
			d.Units = append(d.Units, u)
		case geo.Upazila:
			d.Children = append(d.Children, u)
		}
	}
	agg := func(unit, sector string, n int) profile.Aggregate {
		return profile.Aggregate{Unit: unit, Sector: sector, Counts: profile.Counts{Enterprises: n, Self: n}}
	}
	d.ChildAggregates = []profile.Aggregate{agg("BD100409", "dairy", 6), agg("BD100651", "dairy", 1), agg("BD100918", "footwear_leather", 3)}
	d.Aggregates = []profile.Aggregate{agg("BD1004", "dairy", 6), agg("BD1006", "dairy", 1), agg("BD1009", "footwear_leather", 3)}
	d.Points = []orb.Point{{90.5, 22.5}, {90.6, 22.6}, {92.5, 24.5}}
	return d
}

func TestUnitPagesOnTheGrid(t *testing.T) {
	d := gridData(t)
	pages, err := UnitPages(d, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want one per district (3)", len(pages))
	}
	p := pages[0]
	if p.Title.EN != "Barguna" || p.Title.BN != "বরগুনা" {
		t.Errorf("title %+v, want Barguna / বরগুনা", p.Title)
	}
	// Barguna's map (lon 90–91, lat 22–25, framed about 3° wide): both
	// other districts in grey, its one upazila in the class of 6, and its
	// points, not Bhola's.
	var fills []string
	for _, a := range p.Map.Areas {
		fills = append(fills, colorName(a.Fill))
	}
	d.Stat = Count
	_, classes, _ := childClasses(d)
	if want := []string{colorName(neighbour), colorName(neighbour), colorName(classes.color(6))}; !slices.Equal(fills, want) {
		t.Errorf("areas %v, want %v (the neighbours in grey, then the upazila)", fills, want)
	}
	if classes.color(6) == classes.color(1) || classes.color(6) == zeroColor {
		t.Errorf("6 enterprises take the colour of 1 or of none")
	}
	if len(p.Map.Points) != 2 {
		t.Errorf("%d points on Barguna's page, want its 2", len(p.Map.Points))
	}
	want, err := profile.OfUnit(d.Aggregates, "BD1004", d.MinCount)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(p.Profile)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("profile %s\nwant profile.OfUnit's %s", gotJSON, wantJSON)
	}
	// Bhola has no dairy: its upazila takes the class of none.
	if got := pages[2].Map.Areas[len(pages[2].Map.Areas)-1].Fill; got != zeroColor {
		t.Errorf("Bhola's upazila is %s, want the colour of none", colorName(got))
	}

	t.Run("within a district", func(t *testing.T) {
		pages, err := UnitPages(d, "BD1006")
		if err != nil || len(pages) != 1 || pages[0].Title.EN != "Barishal" {
			t.Errorf("UnitPages(within BD1006) = %d pages, %v; want Barishal's", len(pages), err)
		}
	})
	t.Run("within nothing", func(t *testing.T) {
		if _, err := UnitPages(d, "BD20"); guccho.ErrorCode(err) != guccho.ENOTFOUND {
			t.Errorf("UnitPages(within BD20) error %v, want not_found", err)
		}
	})
	t.Run("by LQ", func(t *testing.T) {
		d := d
		d.Stat = LQ
		pages, err := UnitPages(d, "BD1004")
		if err != nil {
			t.Fatal(err)
		}
		// dairy is 6 of 6 in BD100409 against 7 of 10 in all: LQ 1.43.
		if got := pages[0].Map.Areas[len(pages[0].Map.Areas)-1].Fill; got != lqColors[2] {
			t.Errorf("BD100409 is %s, want the LQ class 1.25–2", colorName(got))
		}
	})
}

func colorName(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	const hexdigits = "0123456789abcdef"
	out := []byte{'#'}
	for _, v := range []uint32{r >> 8, g >> 8, b >> 8} {
		out = append(out, hexdigits[v>>4], hexdigits[v&15])
	}
	return string(out)
}
