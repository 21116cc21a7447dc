package cluster

import (
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

var (
	demoOnce   sync.Once
	demoAtlas  *geo.Atlas
	demoPoints []Point
)

// demoSurvey returns the demo survey (5,457 enterprises, seed 1) as points
// at their true locations with their sector codes, and the atlas.
func demoSurvey(tb testing.TB) ([]Point, *geo.Atlas) {
	tb.Helper()
	units := bdtest.Units(tb)
	demoOnce.Do(func() {
		demoAtlas = geo.NewAtlas(units)
		sectors, err := guccho.ParseSectors(data.SectorsJSON)
		if err != nil {
			panic(err)
		}
		g := demo.New(demoAtlas, sectors, demo.Options{Seed: 1})
		cols := g.Columns()
		sc := -1
		for i, c := range cols {
			if c == "sector" {
				sc = i
			}
		}
		for {
			vals, truth, ok := g.Next()
			if !ok {
				break
			}
			sec, ok := sectors.Lookup(vals[sc])
			if !ok {
				panic("demo sector " + vals[sc] + " is not in the catalogue")
			}
			demoPoints = append(demoPoints, Point{ID: vals[0], Lon: truth.Point[0], Lat: truth.Point[1], Sector: sec.Code})
		}
	})
	return demoPoints, demoAtlas
}

// anchor is a concentration the demo plants (demo/profile.go).
type anchor struct {
	sector, upazila, name string
	strong                bool // planted with ~90 or more enterprises: SMEF's 50 within 5 km must find it
}

// demoAnchors lists every anchor of demo/profile.go.
var demoAnchors = []anchor{
	{"footwear_leather", "BD304811", "Bhairab", true},
	{"footwear_leather", "BD302642", "Hazaribagh", true},
	{"light_engineering", "BD302688", "Dholaikhal, Old Dhaka", true},
	{"light_engineering", "BD501020", "Bogura town", true},
	{"dairy", "BD508867", "Shahjadpur", true},
	{"dairy", "BD508894", "Ullah Para", true},
	{"dairy", "BD507616", "Bera", true},
	{"dairy", "BD507672", "Santhia", false},
	{"horticulture", "BD404123", "Jhikargachha", true},
	{"horticulture", "BD508125", "Charghat", true},
	{"horticulture", "BD508182", "Puthia", false},
	{"horticulture", "BD501094", "Shibganj", true},
	{"horticulture", "BD501020", "Bogura Sadar", false},
	{"rice_milling", "BD506460", "Naogaon Sadar", true},
	{"rice_milling", "BD506450", "Mahadebpur", false},
	{"rice_milling", "BD552764", "Dinajpur Sadar", true},
	{"rice_milling", "BD405079", "Khajanagar", true},
	{"eco_tourism", "BD202224", "Cox's Bazar Sadar", true},
	{"eco_tourism", "BD202290", "Teknaf", false},
	{"eco_tourism", "BD609127", "Companiganj", false},
	{"eco_tourism", "BD609141", "Gowainghat", false},
	{"eco_tourism", "BD200314", "Bandarban Sadar", false},
	{"eco_construction", "BD302672", "Savar", true},
	{"eco_construction", "BD302638", "Keraniganj", false},
	{"eco_construction", "BD303330", "Gazipur Sadar", false},
	{"eco_construction", "BD303332", "Kaliakair", false},
	{"eco_construction", "BD306768", "Rupganj", false},
	{"eco_construction", "BD306704", "Sonargaon", false},
}

// TestDemoClusters checks that the concentrations planted in the demo
// survey come out as clusters and its even background does not: every
// strong anchor is spanned by a cluster of its sector, and every cluster
// spans an anchor of its sector — so nothing of 50 or more appears in the
// background, and the sectors without anchors (food processing, other)
// have no cluster at all. Outlines are valid and hold their members.
func TestDemoClusters(t *testing.T) {
	ps, atlas := demoSurvey(t)
	for _, tc := range []struct {
		name       string
		run        func() (Result, error)
		eps        float64
		wantStrong bool // every strong anchor found
		want       []string
	}{
		{"SMEF, 50 within 5 km", func() (Result, error) { return SMEF(ps, 5000, 50) }, 5000, true, nil},
		{"DBSCAN per sector, 20 within 1.5 km", func() (Result, error) {
			var all Result
			all.Labels = make([]int, len(ps))
			for _, s := range []string{"footwear_leather", "light_engineering", "dairy", "horticulture", "rice_milling",
				"eco_tourism", "eco_construction", "food_processing", "other"} {
				var sub []Point
				for _, p := range ps {
					if p.Sector == s {
						sub = append(sub, p)
					}
				}
				r, err := DBSCAN(sub, 1500, 20)
				if err != nil {
					return Result{}, err
				}
				for _, c := range r.Clusters {
					for i, m := range c.Members { // back to indices of ps
						c.Members[i] = indexOf(ps, sub[m].ID)
					}
					all.Clusters = append(all.Clusters, c)
				}
			}
			return all, nil
		}, 1500, false, []string{"Bhairab", "Hazaribagh", "Dholaikhal, Old Dhaka", "Bogura town", "Shahjadpur"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			found := map[string]bool{}
			for _, c := range r.Clusters {
				pr := Describe(ps, c, tc.eps, atlas)
				var anchors []string
				for _, a := range demoAnchors {
					for _, u := range pr.Units {
						if a.sector == c.Sector && u.PCode == a.upazila {
							anchors = append(anchors, a.name)
							found[a.name] = true
						}
					}
				}
				if len(anchors) == 0 {
					t.Errorf("cluster %d: %d %s enterprises around %v spanning %v, where the demo planted none", c.ID, len(c.Members), c.Sector, pr.Centre, pr.Units)
				}
				members := make([]orb.Point, len(c.Members))
				for i, m := range c.Members {
					members[i] = orb.Point{ps[m].Lon, ps[m].Lat}
				}
				checkPolygon(t, pr.Outline, members)
			}
			want := tc.want
			if tc.wantStrong {
				for _, a := range demoAnchors {
					if a.strong {
						want = append(want, a.name)
					}
				}
			}
			for _, name := range want {
				if !found[name] {
					t.Errorf("no cluster at the planted concentration %s", name)
				}
			}
		})
	}
}

func indexOf(ps []Point, id string) int {
	for i, p := range ps {
		if p.ID == id {
			return i
		}
	}
	return -1
}
