package loadtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// testMix opens the map at two districts, with two sectors and two
// enterprises to edit.
func testMix() Mix {
	return Mix{
		Areas:   []Area{{Code: "BD3026", Center: orb.Point{90.41, 23.81}}, {Code: "BD4847", Center: orb.Point{91.0, 24.8}}},
		Sectors: []string{"dairy", "footwear"},
		Editable: []Editable{
			{ID: "E1", Sector: "dairy", Point: orb.Point{90.4, 23.8}, Fields: map[string]any{"employment": map[string]any{"self": 2, "wage": 3}, "barriers": []string{"credit"}}},
			{ID: "E2", Sector: "footwear", Point: orb.Point{91, 24.7}},
		},
		Seed: 7,
	}
}

// tileOf parses a Guccho tile path back into its layer and tile.
func tileOf(t *testing.T, path string) (string, maptile.Tile) {
	t.Helper()
	var layer string
	var z, x, y uint32
	if _, err := fmt.Sscanf(strings.ReplaceAll(strings.TrimPrefix(path, "/tiles/"), "/", " "), "%s %d %d %d.mvt", &layer, &z, &x, &y); err != nil {
		t.Fatalf("%s is not a tile path: %v", path, err)
	}
	return layer, maptile.New(x, y, maptile.Zoom(z))
}

func TestSessionOpensAtAFourByThreeViewport(t *testing.T) {
	s, err := testMix().Stream()
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		reqs := s.session()
		var first []maptile.Tile
		for _, r := range reqs {
			if r.Kind != KindEnterpriseTile {
				continue
			}
			if _, tile := tileOf(t, r.Path); len(first) < viewportX*viewportY {
				first = append(first, tile)
			}
		}
		xs, ys := map[uint32]bool{}, map[uint32]bool{}
		for _, tl := range first {
			if tl.Z != first[0].Z || tl.Z < openMin || tl.Z > openMax {
				t.Fatalf("opening view at z%d and z%d; want one zoom in %d–%d", first[0].Z, tl.Z, openMin, openMax)
			}
			xs[tl.X], ys[tl.Y] = true, true
		}
		if len(first) != 12 || len(xs) != viewportX || len(ys) != viewportY {
			t.Fatalf("opening view %v: %d tiles over %d columns and %d rows; want 12 over 4 × 3", first, len(first), len(xs), len(ys))
		}
	}
}

func TestSessionRequestsWhatTheWebAppDraws(t *testing.T) {
	s, err := testMix().Stream()
	if err != nil {
		t.Fatal(err)
	}
	layers := map[string]Layer{}
	for _, l := range WebAppLayers {
		layers[l.Name] = l
	}
	for range 200 {
		reqs := s.session()
		seen := map[string]bool{}
		deepest := 0
		for _, r := range reqs {
			if seen[r.Path] {
				t.Fatalf("%s twice in one session; the browser keeps what it fetched", r.Path)
			}
			seen[r.Path] = true
			if !r.Kind.IsTile() {
				continue
			}
			name, tile := tileOf(t, r.Path)
			l, ok := layers[name]
			if !ok || r.Kind != l.Kind {
				t.Fatalf("%s: kind %s; want a layer of WebAppLayers with its kind", r.Path, r.Kind)
			}
			if int(tile.Z) < l.DrawFrom || int(tile.Z) > l.MaxZoom {
				t.Errorf("%s: z%d outside the zooms the web app requests %s at, %d–%d", r.Path, tile.Z, name, l.DrawFrom, l.MaxZoom)
			}
			if name == "enterprises" {
				deepest = max(deepest, int(tile.Z))
			}
		}
		if deepest < deepMin || deepest > deepMax {
			t.Errorf("session zoomed in to z%d; want z%d–z%d", deepest, deepMin, deepMax)
		}
	}
}

func TestSessionSharesOfProfilesAndClusters(t *testing.T) {
	tests := []struct {
		name             string
		profile, cluster float64
		want             map[Kind]float64 // share of sessions with a request of the kind
	}{
		{"defaults", 0, 0, map[Kind]float64{KindProfile: 0.5, KindCluster: 0.2, KindEdit: 0}},
		{"always a profile, never clusters", 1, -1, map[Kind]float64{KindProfile: 1, KindCluster: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMix()
			m.Profile, m.Cluster = tt.profile, tt.cluster
			s, err := m.Stream()
			if err != nil {
				t.Fatal(err)
			}
			const sessions = 4000
			got := map[Kind]int{}
			for range sessions {
				for _, r := range s.session() {
					got[r.Kind]++
				}
			}
			for k, want := range tt.want {
				if share := float64(got[k]) / sessions; share < want-0.03 || share > want+0.03 {
					t.Errorf("%s in %.3f of the sessions, want %.2f ± 0.03", k, share, want)
				}
			}
		})
	}
}

func TestEditsAreTheirShareOfAllRequests(t *testing.T) {
	tests := []struct {
		name string
		edit float64
		want float64
	}{
		{"default", 0, 0.01},
		{"a tenth", 0.1, 0.1},
		{"never", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMix()
			m.Edit = tt.edit
			s, err := m.Stream()
			if err != nil {
				t.Fatal(err)
			}
			const n = 100_000
			edits := 0
			for range n {
				if s.Next().Kind == KindEdit {
					edits++
				}
			}
			if share := float64(edits) / n; share < tt.want*0.9 || share > tt.want*1.1 {
				t.Errorf("edits are %.4f of the requests; want %.4f ± 10 %%", share, tt.want)
			}
		})
	}
}

func TestEditsReplaceTheEnterpriseNearby(t *testing.T) {
	m := testMix()
	m.Edit = 1
	s, err := m.Stream()
	if err != nil {
		t.Fatal(err)
	}
	var edits []Request
	for len(edits) < 10 {
		if r := s.Next(); r.Kind == KindEdit {
			edits = append(edits, r)
		}
	}
	for _, r := range edits {
		var body struct {
			ID, Name, Sector string
			GPS              []float64
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("%s body %s: %v", r.Path, r.Body, err)
		}
		i := slices.IndexFunc(m.Editable, func(e Editable) bool { return e.ID == body.ID })
		if r.Method != "PUT" || i < 0 || r.Path != "/api/enterprises/"+body.ID || body.Name == "" {
			t.Fatalf("edit %s %s %s; want PUT of an editable enterprise by its id, with a name", r.Method, r.Path, r.Body)
		}
		e := m.Editable[i]
		if body.Sector != e.Sector || len(body.GPS) != 2 || body.GPS[1] != e.Point[1] || body.GPS[0]-e.Point[0] > 0.00011 || body.GPS[0] < e.Point[0] {
			t.Errorf("edit %s; want sector %s and gps within 0.0001° east of %v", r.Body, e.Sector, e.Point)
		}
		// The record's other fields go back as they were (E2 has none).
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &rec); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "name", "sector", "gps"} {
			delete(rec, k)
		}
		got, _ := json.Marshal(rec)
		want, _ := json.Marshal(e.Fields)
		if len(e.Fields) == 0 {
			want = []byte("{}")
		}
		if string(got) != string(want) {
			t.Errorf("edit %s: other fields %s; want the record's %s sent back unchanged", r.Body, got, want)
		}
	}
}

func TestTilesOnlyIsTheTilePartOfTheSameMix(t *testing.T) {
	full, err := testMix().Stream()
	if err != nil {
		t.Fatal(err)
	}
	m := testMix()
	m.TilesOnly = true
	tilesOnly, err := m.Stream()
	if err != nil {
		t.Fatal(err)
	}
	others := 0
	for i := 0; i < 20000; {
		r := full.Next()
		if !r.Kind.IsTile() {
			others++
			continue
		}
		if got := tilesOnly.Next(); got.Path != r.Path {
			t.Fatalf("tile request %d: %s; want %s, as in the full mix", i, got.Path, r.Path)
		}
		i++
	}
	if others == 0 {
		t.Fatal("the full mix had no request but tiles; the test proves nothing")
	}
}

func TestMixRefusesWhatItCannotReplay(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Mix)
		want string
	}{
		{"no areas", func(m *Mix) { m.Areas = nil }, "no areas"},
		{"clusters without sectors", func(m *Mix) { m.Sectors = nil }, "sectors"},
		{"edits without enterprises", func(m *Mix) { m.Editable = nil }, "editable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMix()
			tt.mod(&m)
			if _, err := m.Stream(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Stream() error %v; want one naming %q", err, tt.want)
			}
		})
	}
}

func TestStreamJoinsSessionsUnderWay(t *testing.T) {
	s, err := testMix().Stream()
	if err != nil {
		t.Fatal(err)
	}
	deep := 0
	for range 300 {
		if r := s.Next(); r.Kind == KindEnterpriseTile {
			if _, tile := tileOf(t, r.Path); tile.Z >= deepMin {
				deep++
			}
		}
	}
	if deep == 0 {
		t.Error("no enterprise point tile among the first 300 requests: every session began with its map opening at once")
	}
}

// Analyses are exactly the distinct analysis requests a long stream of the
// mix sends: a profile per area, a cluster request per sector and method.
func TestAnalysesAreTheMixsDistinctAnalysisRequests(t *testing.T) {
	m := testMix()
	s, err := m.Stream()
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]bool{}
	for range 200_000 {
		if r := s.Next(); r.Kind == KindProfile || r.Kind == KindCluster {
			sent[r.Path] = true
		}
	}
	var got []string
	for _, r := range m.Analyses() {
		if r.Method != "GET" || (r.Kind != KindProfile && r.Kind != KindCluster) {
			t.Errorf("%+v: want a GET of a profile or clusters", r)
		}
		got = append(got, r.Path)
	}
	want := slices.Sorted(maps.Keys(sent))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Analyses:\n%v\nthe stream sent:\n%v", got, want)
	}
	if len(got) != 2+2*2 {
		t.Errorf("%d analyses; want 6: 2 areas' profiles, 2 sectors × 2 methods", len(got))
	}

	m.Profile, m.Cluster = -1, -1
	if got := m.Analyses(); len(got) != 0 {
		t.Errorf("a mix without profiles and clusters: %v; want none", got)
	}
}
