package gpkg_test

import (
	"encoding/binary"
	"encoding/hex"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/gpkg"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestEncodeGeometryHeader checks the GeoPackageBinary header byte by byte
// against OGC 12-128r18 2.1.3: "GP", version 0, flags (bit 0 little endian,
// bits 1–3 envelope 1 = [minx, maxx, miny, maxy], bit 4 empty), the SRS id
// as int32, the envelope, then WKB.
func TestEncodeGeometryHeader(t *testing.T) {
	square := orb.Polygon{{{90, 22}, {91, 22}, {91, 23}, {90, 23}, {90, 22}}}
	for _, tc := range []struct {
		name      string
		g         orb.Geometry
		srs       int32
		wantFlags byte
		wantEnv   []float64
		wantWKB   string // the WKB geometry type, little endian
	}{
		{"a point has no envelope", orb.Point{90.5, 22.5}, 4326, 0x01, nil, "0101000000"},
		{"a polygon has its envelope", square, 4326, 0x03, []float64{90, 91, 22, 23}, "0103000000"},
		{"a ring is a polygon", square[0], 4326, 0x03, []float64{90, 91, 22, 23}, "0103000000"},
		{"a bound is its rectangle", orb.Bound{Min: orb.Point{90, 22}, Max: orb.Point{91, 23}}, 4326, 0x03, []float64{90, 91, 22, 23}, "0103000000"},
		{"a multipoint has an envelope", orb.MultiPoint{{1, 2}, {3, -4}}, 4326, 0x03, []float64{1, 3, -4, 2}, "0104000000"},
		{"an empty polygon is flagged empty", orb.Polygon{}, 4326, 0x11, nil, "0103000000"},
		{"an empty multipolygon is flagged empty", orb.MultiPolygon{}, 4326, 0x11, nil, "0106000000"},
		{"the undefined cartesian SRS", orb.Point{1, 2}, -1, 0x01, nil, "0101000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := gpkg.EncodeGeometry(tc.g, tc.srs)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := hex.EncodeToString(b[:4]), "475000"+hex.EncodeToString([]byte{tc.wantFlags}); got != want {
				t.Errorf("magic, version, flags %s, want %s", got, want)
			}
			if got := int32(binary.LittleEndian.Uint32(b[4:8])); got != tc.srs {
				t.Errorf("srs_id %d, want %d", got, tc.srs)
			}
			rest := b[8:]
			for i, want := range tc.wantEnv {
				if got := math.Float64frombits(binary.LittleEndian.Uint64(rest[8*i:])); got != want {
					t.Errorf("envelope[%d] = %g, want %g", i, got, want)
				}
			}
			rest = rest[8*len(tc.wantEnv):]
			if got := hex.EncodeToString(rest[:5]); got != tc.wantWKB {
				t.Errorf("WKB begins %s, want %s", got, tc.wantWKB)
			}
		})
	}
}

// TestEncodeGeometryGolden compares whole encodings with
// testdata/geometry.golden (go test -update rewrites it; check the header
// test first).
func TestEncodeGeometryGolden(t *testing.T) {
	geoms := []struct {
		name string
		g    orb.Geometry
	}{
		{"point", orb.Point{90.4125, 23.8103}},
		{"polygon", orb.Polygon{{{90, 22}, {91, 22}, {91, 23}, {90, 23}, {90, 22}}}},
		{"multipolygon", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}},
		{"linestring", orb.LineString{{-1, -1}, {1, 1}}},
		{"empty polygon", orb.Polygon{}},
	}
	var sb strings.Builder
	for _, g := range geoms {
		b, err := gpkg.EncodeGeometry(g.g, gpkg.SRSID)
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString(g.name + " " + hex.EncodeToString(b) + "\n")
	}
	path := filepath.Join("testdata", "geometry.golden")
	if *update {
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := sb.String(); got != string(want) {
		t.Errorf("encodings:\n%s\nwant (%s):\n%s", got, path, want)
	}
}

func TestEncodeGeometryNil(t *testing.T) {
	if _, err := gpkg.EncodeGeometry(nil, gpkg.SRSID); err == nil {
		t.Error("nil geometry encoded; want an error (a missing geometry is NULL)")
	}
}
