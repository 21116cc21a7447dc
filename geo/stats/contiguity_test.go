package stats

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

func unitPolys(units []*geo.Unit) ([]string, []orb.MultiPolygon) {
	ids := make([]string, len(units))
	polys := make([]orb.MultiPolygon, len(units))
	for i, u := range units {
		ids[i], polys[i] = u.PCode, u.Geometry
	}
	return ids, polys
}

func neighbourIDs(w *Weights, id string) []string {
	i := slices.Index(w.IDs, id)
	js, _ := w.Row(i)
	var out []string
	for _, j := range js {
		out = append(out, w.IDs[j])
	}
	return out
}

// On the 3×3 grid of one-degree unions, queen neighbours include the
// diagonal cells that touch at a corner and rook neighbours do not, with and
// without a tolerance (10 m, and 200 m, far less than a cell).
func TestContiguityGrid(t *testing.T) {
	var unions []*geo.Unit
	for _, u := range bdtest.GridUnits(t) {
		if u.Level == geo.Union {
			unions = append(unions, u)
		}
	}
	ids, polys := unitPolys(unions)
	// Columns west to east: BD100409, BD100651, BD100918; rows 11, 13, 15 south to north.
	const centre, corner = "BD10065113", "BD10040911"
	for _, tc := range []struct {
		rule   Contiguity
		tol    float64
		centre int
		corner []string
	}{
		{Queen, 0, 8, []string{"BD10040913", "BD10065111", "BD10065113"}},
		{Rook, 0, 4, []string{"BD10040913", "BD10065111"}},
		{Queen, DefaultTolerance, 8, []string{"BD10040913", "BD10065111", "BD10065113"}},
		{Rook, DefaultTolerance, 4, []string{"BD10040913", "BD10065111"}},
		{Queen, 200, 8, []string{"BD10040913", "BD10065111", "BD10065113"}},
		{Rook, 200, 4, []string{"BD10040913", "BD10065111"}},
	} {
		t.Run(fmt.Sprintf("rule %d tol %g", tc.rule, tc.tol), func(t *testing.T) {
			w, err := ContiguityWeights(ids, polys, tc.rule, tc.tol)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(neighbourIDs(w, centre)); got != tc.centre {
				t.Errorf("centre has %d neighbours, want %d", got, tc.centre)
			}
			if got := neighbourIDs(w, corner); !slices.Equal(got, tc.corner) {
				t.Errorf("corner neighbours = %v, want %v", got, tc.corner)
			}
		})
	}
}

// Two squares 5 m apart (a sliver gap left by generalisation) are islands
// under exact contiguity and neighbours with a 10 m tolerance; 2 m is not
// enough.
func TestContiguityBridgesGaps(t *testing.T) {
	gap := 5 / (earthRadius * 3.141592653589793 / 180) // 5 m of latitude in degrees
	sq := func(y0, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{90, y0}, {90.01, y0}, {90.01, y1}, {90, y1}, {90, y0}}}}
	}
	polys := []orb.MultiPolygon{sq(23, 23.01), sq(23.01+gap, 23.02)}
	ids := []string{"south", "north"}
	for _, tc := range []struct {
		rule Contiguity
		tol  float64
		want int
	}{
		{Queen, 0, 0}, {Rook, 0, 0}, {Queen, 2, 0}, {Rook, 2, 0},
		{Queen, 10, 1}, {Rook, 10, 1},
	} {
		w, err := ContiguityWeights(ids, polys, tc.rule, tc.tol)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Cardinality(0); got != tc.want {
			t.Errorf("rule %d, tolerance %g m: south has %d neighbours, want %d", tc.rule, tc.tol, got, tc.want)
		}
		if got := len(w.Islands()); got != 2*(1-tc.want) {
			t.Errorf("rule %d, tolerance %g m: %d islands, want %d", tc.rule, tc.tol, got, 2*(1-tc.want))
		}
	}
}

// Exact contiguity of the real upazilas equals libpysal's Queen and Rook
// (testdata/upazilas_*_libpysal.gal, made by testdata/make_goldens.py).
func TestContiguityMatchesLibpysal(t *testing.T) {
	ids, polys := unitPolys(bdtest.UnitsAt(t, geo.Upazila))
	for _, tc := range []struct {
		rule Contiguity
		file string
	}{{Queen, "testdata/upazilas_queen_libpysal.gal"}, {Rook, "testdata/upazilas_rook_libpysal.gal"}} {
		f, err := os.Open(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ReadGAL(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got, err := ContiguityWeights(ids, polys, tc.rule, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.IDs, want.IDs) {
			t.Fatalf("%s: ids differ", tc.file)
		}
		for _, id := range got.IDs {
			if g, w := neighbourIDs(got, id), neighbourIDs(want, id); !slices.Equal(g, w) {
				t.Errorf("%s: neighbours of %s = %v, want %v", tc.file, id, g, w)
			}
		}
	}
}

// On the real unions, the tolerance removes the false islands that exact
// contiguity leaves, keeps the weights symmetric, and only adds pairs.
// The counts are the ones docs/statistics.md quotes.
func TestContiguityUnions(t *testing.T) {
	ids, polys := unitPolys(bdtest.UnitsAt(t, geo.Union))
	exact, err := ContiguityWeights(ids, polys, Queen, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tol := range []float64{0, 10, 50, 100, DefaultTolerance, 500} {
		for _, rule := range []Contiguity{Queen, Rook} {
			w, err := ContiguityWeights(ids, polys, rule, tol)
			if err != nil {
				t.Fatal(err)
			}
			if a := w.Asymmetries(); len(a) > 0 {
				t.Errorf("tolerance %g: %d asymmetric pairs", tol, len(a))
			}
			if tol <= 100 {
				var got []string
				for _, i := range w.Islands() {
					got = append(got, ids[i])
				}
				// Dhal Char, St Martin's Island, Nijhum Dwip, Dahagram (an enclave).
				if want := []string{"BD10092551", "BD20229039", "BD20753669", "BD55527019"}; !slices.Equal(got, want) {
					t.Errorf("rule %d tolerance %g: islands %v, want %v", rule, tol, got, want)
				}
			}
			t.Logf("rule %d tolerance %4g m: %d islands, %d links, mean %.2f neighbours",
				rule, tol, len(w.Islands()), len(w.Neighbors), float64(len(w.Neighbors))/float64(w.N()))
			if rule == Queen && tol > 0 {
				for i := range ids {
					have, _ := w.Row(i)
					base, _ := exact.Row(i)
					for _, j := range base {
						if _, ok := slices.BinarySearch(have, j); !ok {
							t.Fatalf("tolerance %g drops the exact neighbour %s of %s", tol, ids[j], ids[i])
						}
					}
				}
			}
		}
	}
}
