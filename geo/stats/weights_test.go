package stats

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

func TestReadGAL(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ids      []string
		card     []int
		err      string
	}{
		{"plain header", "3\na 1\nb\nb 2\na c\nc 1\nb\n", []string{"a", "b", "c"}, []int{1, 2, 1}, ""},
		{"four-field header", "0 3 demo ID\na 1\nb\nb 2\na c\nc 1\nb\n", []string{"a", "b", "c"}, []int{1, 2, 1}, ""},
		{"island with empty line", "3\na 1\nb\nb 1\na\nc 0\n\n", []string{"a", "b", "c"}, []int{1, 1, 0}, ""},
		{"island at end", "2\na 0\nb 0\n", []string{"a", "b"}, []int{0, 0}, ""},
		{"count mismatch", "2\na 2\nb\nb 1\na\n", nil, nil, "should have 2 neighbours"},
		{"unknown neighbour", "2\na 1\nz\nb 1\na\n", nil, nil, `neighbour "z" of "a" has no record`},
		{"short file", "3\na 1\nb\nb 1\na\n", nil, nil, "header says 3"},
		{"bad header", "x y\n", nil, nil, "GAL line 1"},
		{"huge count, few records", "99999999999\na 0\n", nil, nil, "header says 99999999999 observations, file ends after 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := ReadGAL(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(w.IDs, tc.ids) {
				t.Errorf("ids = %v, want %v", w.IDs, tc.ids)
			}
			for i, k := range tc.card {
				if got := w.Cardinality(i); got != k {
					t.Errorf("cardinality of %s = %d, want %d", tc.ids[i], got, k)
				}
			}
		})
	}
}

// Every PySAL GAL file survives a write and a read unchanged.
func TestGALRoundTrip(t *testing.T) {
	dir := pysalDir(t)
	for _, f := range []string{"columbus/columbus.gal", "sids2/sids2.gal", "stl/stl_hom_rook.gal", "desmith/desmith.gal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		w, err := ReadGAL(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var buf bytes.Buffer
		if err := WriteGAL(&buf, w, "", ""); err != nil {
			t.Fatal(err)
		}
		back, err := ReadGAL(&buf)
		if err != nil {
			t.Fatalf("%s written: %v", f, err)
		}
		if !slices.Equal(back.IDs, w.IDs) || !slices.Equal(back.Offsets, w.Offsets) || !slices.Equal(back.Neighbors, w.Neighbors) {
			t.Errorf("%s: round trip changed the weights", f)
		}
	}
}

func TestGWTRoundTrip(t *testing.T) {
	w, err := NewWeights([]string{"a", "b", "c"}, [][]int{{1, 2}, {0}, {0}}, [][]float64{{0.5, 0.25}, {2}, {1e-3}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteGWT(&buf, w, "demo", "ID"); err != nil {
		t.Fatal(err)
	}
	if want := "0 3 demo ID\na b 0.5\na c 0.25\nb a 2\nc a 0.001\n"; buf.String() != want {
		t.Errorf("GWT =\n%s\nwant\n%s", buf.String(), want)
	}
	back, err := ReadGWT(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Values, w.Values) || !slices.Equal(back.Neighbors, w.Neighbors) {
		t.Errorf("round trip: %v %v, want %v %v", back.Neighbors, back.Values, w.Neighbors, w.Values)
	}
}

func TestReadGWTRefusesWeightsThatAreNotFinite(t *testing.T) {
	for _, v := range []string{"NaN", "Inf", "-inf", "1e400"} {
		_, err := ReadGWT(strings.NewReader("0 2 demo ID\na b 1\nb a " + v + "\n"))
		if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), "GWT line 3: bad weight") {
			t.Errorf("weight %s: %v, want an invalid weight on line 3", v, err)
		}
	}
}

func TestNewWeightsRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		nbs  [][]int
		err  string
	}{
		{"self", [][]int{{0}, {}}, `"a" is its own neighbour`},
		{"duplicate", [][]int{{1, 1}, {0}}, `"a" lists neighbour "b" twice`},
		{"range", [][]int{{2}, {0}}, "out of range"},
	} {
		_, err := NewWeights([]string{"a", "b"}, tc.nbs, nil)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error = %v, want %q", tc.name, err, tc.err)
		}
	}
}

// The 4-cycle a–b–c–d–a by hand: S0 = 8, S1 = ½·8·(1+1)² = 16,
// S2 = Σ(2+2)² = 64; row-standardised: S0 = 4, S1 = 8·½²·… = 4, S2 = 16.
func TestSumsByHand(t *testing.T) {
	w, err := NewWeights([]string{"a", "b", "c", "d"}, [][]int{{1, 3}, {0, 2}, {1, 3}, {2, 0}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tr         Transform
		s0, s1, s2 float64
	}{{Binary, 8, 16, 64}, {Row, 4, 4, 16}} {
		s0, s1, s2 := w.Transformed(tc.tr).Sums()
		if s0 != tc.s0 || s1 != tc.s1 || s2 != tc.s2 {
			t.Errorf("%c: sums = %v %v %v, want %v %v %v", tc.tr, s0, s1, s2, tc.s0, tc.s1, tc.s2)
		}
	}
}

// Four points on a line at 0, 1, 2 and 4 km (along the equator).
func TestKNNAndDistanceBand(t *testing.T) {
	km := 180 / math.Pi / (earthRadius / 1000)
	pts := []orb.Point{{0, 0}, {1 * km, 0}, {2 * km, 0}, {4 * km, 0}}
	ids := []string{"p0", "p1", "p2", "p4"}
	w, err := KNN(ids, pts, 1)
	if err != nil {
		t.Fatal(err)
	}
	// p1 is equidistant from p0 and p2: the tie goes to the earlier point.
	if got, want := w.Neighbors, []int{1, 0, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("1-nn = %v, want %v", got, want)
	}
	if got := len(w.Asymmetries()); got != 2 {
		t.Errorf("1-nn asymmetries = %d, want 2 (p2→p1, p4→p2)", got)
	}
	band, err := DistanceBand(ids, pts, 1.5, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := band.Offsets, []int{0, 1, 3, 4, 4}; !slices.Equal(got, want) {
		t.Errorf("band offsets = %v, want %v (p4 an island)", got, want)
	}
	if got := band.Islands(); !slices.Equal(got, []int{3}) {
		t.Errorf("islands = %v, want [3]", got)
	}
	inv, err := DistanceBand(ids, pts, 2.5, -1)
	if err != nil {
		t.Fatal(err)
	}
	js, vs := inv.Row(0)
	if !slices.Equal(js, []int{1, 2}) || math.Abs(vs[0]-1) > 1e-9 || math.Abs(vs[1]-0.5) > 1e-9 {
		t.Errorf("inverse-distance row of p0 = %v %v, want [1 2] [1 0.5]", js, vs)
	}
	if _, err := KNN(ids, pts, 4); err == nil {
		t.Error("KNN with k = n: no error")
	}
}
