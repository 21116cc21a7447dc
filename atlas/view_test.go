package atlas

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/geo"
)

func TestCameraBoundIsThePagesShareOfTheWebMap(t *testing.T) {
	// At zoom 8 the world is 512·2⁸ = 131,072 pixels around; the map box,
	// 138 mm at 96 px/in, is 521.6 px wide: 1.4326° of longitude.
	b := cameraBound(8, orb.Point{90.4, 23.8}, pageLayout.Map)
	want := 138 * 96 / 25.4 / (512 * 256) * 360
	if got := b.Max[0] - b.Min[0]; math.Abs(got-want) > 1e-9 {
		t.Errorf("width %v°, want %v°", got, want)
	}
	if c := b.Center(); math.Abs(c[0]-90.4) > 1e-9 || math.Abs(c[1]-23.8) > 0.01 {
		t.Errorf("centre %v, want about (90.4, 23.8)", c)
	}
}

func TestReadView(t *testing.T) {
	for _, tc := range []struct {
		name    string
		view    string
		params  map[string]string
		level   geo.Level
		sectors []string
		lq      bool
		sel     string
		remarks []string // words each remark holds, in order
	}{
		{"explore with a sector filter and a selection", "explore",
			map[string]string{"z": "9", "lon": "90.98", "lat": "24.05", "sectors": "footwear_leather,dairy", "sel": " bd3048"},
			geo.Upazila, []string{"footwear_leather", "dairy"}, false, "BD3048", nil},
		{"explore without a filter says it draws no dots", "",
			map[string]string{"z": "6", "lon": "90", "lat": "23.7"},
			geo.District, nil, false, "", []string{"every sector"}},
		{"clusters' LQ at its level", "clusters",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "sector": "dairy", "mode": "lq", "level": "union", "perm": "999"},
			geo.Union, []string{"dairy"}, true, "", nil},
		{"clusters' default mode and level are the LQ of upazilas", "clusters",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "sector": "dairy"},
			geo.Upazila, []string{"dairy"}, true, "", nil},
		{"hot spots are not printed", "clusters",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "sector": "dairy", "mode": "hotspots"},
			geo.Upazila, []string{"dairy"}, false, "", []string{"hotspots"}},
		{"the LQ of jobs is printed as the LQ of enterprises", "clusters",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "sector": "dairy", "measure": "jobs"},
			geo.Upazila, []string{"dairy"}, true, "", []string{"LQ of jobs"}},
		{"a rotated, tilted camera is printed north up", "explore",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "sectors": "dairy", "bearing": "45", "pitch": "30"},
			geo.District, []string{"dairy"}, false, "", []string{"bearing 45", "pitch 30"}},
		{"no camera: the whole country", "explore",
			map[string]string{"sectors": "dairy"},
			geo.District, []string{"dairy"}, false, "", []string{"camera"}},
		{"parameters it does not know are named", "explore",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "sectors": "dairy", "heat": "1", "basemap": "dark"},
			geo.District, []string{"dairy"}, false, "", []string{"basemap, heat"}},
		{"another view: its layers are not printed", "valuechain",
			map[string]string{"z": "7", "lon": "90", "lat": "23.7", "chain": "c1"},
			geo.District, nil, false, "", []string{"valuechain view"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := ReadView(deck.View{State: deck.State{V: 1, View: tc.view, Params: tc.params}})
			if spec.Level != tc.level || !slices.Equal(spec.Sectors, tc.sectors) || spec.LQ != tc.lq || spec.Select != tc.sel {
				t.Errorf("level %v, sectors %v, LQ %v, sel %q; want %v, %v, %v, %q", spec.Level, spec.Sectors, spec.LQ, spec.Select, tc.level, tc.sectors, tc.lq, tc.sel)
			}
			if len(spec.Remarks) != len(tc.remarks) {
				t.Fatalf("remarks %+v, want %d holding %v", spec.Remarks, len(tc.remarks), tc.remarks)
			}
			for i, w := range tc.remarks {
				if !strings.Contains(spec.Remarks[i].EN, w) || spec.Remarks[i].BN == "" {
					t.Errorf("remark %d %+v does not say %q in English (and something in Bangla)", i, spec.Remarks[i], w)
				}
			}
		})
	}
}

func TestViewPageColoursTheLQAndOutlinesTheSelection(t *testing.T) {
	d := gridData(t)
	v := deck.View{ID: "v1", Title: deck.Text{EN: "Dairy"}, Notes: deck.Text{EN: "See the west."},
		State: deck.State{V: 1, View: "clusters", Params: map[string]string{"z": "6", "lon": "91.5", "lat": "23.5", "sector": "dairy", "sel": "BD100409"}}}
	spec := ReadView(v)
	var sel *geo.Unit
	for _, u := range d.Children {
		if u.PCode == "BD100409" {
			sel = u
		}
	}
	page, err := ViewPage(v, spec, ViewData{Units: d.Children, Sectors: []guccho.Sector{d.Sector}, Aggregates: d.ChildAggregates, Selected: sel, MinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Title.EN != "Dairy" || page.Notes.EN != "See the west." || page.Profile != nil {
		t.Errorf("page %+v: want the view's title and notes, no profile", page)
	}
	var fills []string
	for _, a := range page.Map.Areas {
		fills = append(fills, colorName(a.Fill))
	}
	// dairy LQs: BD100409 6/6 of 7/10 → 1.43; BD100651 1/1 → 1.43; BD100918 none.
	want := []string{colorName(lqColors[2]), colorName(lqColors[2]), colorName(noDataColor)}
	if !slices.Equal(fills, want) {
		t.Errorf("areas %v, want %v", fills, want)
	}
	if len(page.Map.Focus) == 0 {
		t.Error("the selected upazila is not outlined")
	}
}
