package tiles

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// bangladesh is the extent of the admin boundaries (see the data README).
var bangladesh = orb.Bound{Min: orb.Point{88.008628, 20.590750}, Max: orb.Point{92.680257, 26.634513}}

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatalf("update golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the golden file; got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestTileJSONGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layer  Layer
		bounds orb.Bound
	}{
		{"unions", AdminLayers[3], bangladesh},
		{"world", Layer{Name: "enterprises", MinZoom: 0, MaxZoom: 14}, orb.Bound{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := NewTileJSON(tc.layer, "https://example.org/tiles/"+tc.layer.Name+"/{z}/{x}/{y}.mvt", tc.bounds)
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			golden(t, "tilejson_"+tc.name+".json", append(got, '\n'))
		})
	}
}

func TestTileJSONCenter(t *testing.T) {
	// Bangladesh spans about 0.018 of the world's height in Web Mercator,
	// so it fits one tile at z5 (1/32 = 0.031) but not at z6.
	for _, tc := range []struct {
		name string
		l    Layer
		want float64
	}{
		{"fits at z5", Layer{Name: "a", MaxZoom: 12}, 5},
		{"raised to MinZoom", Layer{Name: "b", MinZoom: 7, MaxZoom: 12}, 7},
		{"lowered to MaxZoom", Layer{Name: "c", MaxZoom: 3}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewTileJSON(tc.l, "x", bangladesh).Center
			if c[2] != tc.want {
				t.Errorf("center zoom = %v, want %v", c[2], tc.want)
			}
			if !bangladesh.Contains(orb.Point{c[0], c[1]}) {
				t.Errorf("center %v outside the bounds %v", c, bangladesh)
			}
		})
	}
}
