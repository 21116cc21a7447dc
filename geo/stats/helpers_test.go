package stats

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// pysalDir returns ../shared/data/pysal beside the repository. Where it is
// absent the test is skipped, except under CI=true, where it fails.
func pysalDir(tb testing.TB) string {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "pysal")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("PySAL example data not found at %s: put shared/ beside the repository", d)
	}
	tb.Skip("PySAL example data not found (shared/data/pysal beside the repository)")
	return ""
}

// dataset is one entry of testdata/pysal_golden.json (made by
// testdata/make_goldens.py).
type dataset struct {
	GAL, DBF, Var string
	IDs           []string
	SumsR         struct{ S0, S1, S2 float64 } `json:"sums_r"`
	MoranR        moranGolden                  `json:"moran_r"`
	MoranB        moranGolden                  `json:"moran_b"`
	LocalMoranR   struct {
		Is, EI, VI, Z []float64
		Q             []int
	} `json:"local_moran_r"`
	G struct {
		G, EG, VG, Z, P float64
	}
	GiR     localGGolden `json:"gi_r"`
	GiB     localGGolden `json:"gi_b"`
	GiStarR localGGolden `json:"gistar_r"`
	GiStarB localGGolden `json:"gistar_b"`
}

type moranGolden struct {
	I, EI  float64
	VINorm float64 `json:"VI_norm"`
	VIRand float64 `json:"VI_rand"`
	ZNorm  float64 `json:"z_norm"`
	ZRand  float64 `json:"z_rand"`
	PNorm  float64 `json:"p_norm"`
	PRand  float64 `json:"p_rand"`
}

type localGGolden struct {
	Gs, EGs, VGs, Zs []float64
}

func goldens(tb testing.TB) map[string]dataset {
	tb.Helper()
	b, err := os.ReadFile("testdata/pysal_golden.json")
	if err != nil {
		tb.Fatal(err)
	}
	var out map[string]dataset
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// load reads the dataset's weights and variable from the PySAL folder.
func (d dataset) load(tb testing.TB) (*Weights, []float64) {
	tb.Helper()
	dir := pysalDir(tb)
	f, err := os.Open(filepath.Join(dir, "..", d.GAL))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w, err := ReadGAL(f)
	if err != nil {
		tb.Fatalf("ReadGAL(%s): %v", d.GAL, err)
	}
	g, err := os.Open(filepath.Join(dir, "..", d.DBF))
	if err != nil {
		tb.Fatal(err)
	}
	defer g.Close()
	tab, err := ReadDBF(g)
	if err != nil {
		tb.Fatalf("ReadDBF(%s): %v", d.DBF, err)
	}
	y, err := tab.Floats(d.Var)
	if err != nil {
		tb.Fatal(err)
	}
	return w, y
}

// tol is the agreement required with PySAL: 1e-7, relative to the
// magnitude of the value when it exceeds 1.
const tol = 1e-7

func close(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !close(got, want) {
		t.Errorf("%s = %.12g, want %.12g (PySAL)", what, got, want)
	}
}

func checkAllClose(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range got {
		if !close(got[i], want[i]) {
			if bad < 3 {
				t.Errorf("%s[%d] = %.12g, want %.12g (PySAL)", what, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d values differ in all", what, bad)
	}
}
