package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pysalData returns ../shared/data/pysal beside the repository, skipping
// (or failing under CI=true) where it is absent.
func pysalData(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "pysal")
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PySAL example data not found at %s", d)
		}
		t.Skip("PySAL example data not found (shared/data/pysal beside the repository)")
	}
	return d
}

// stats moran prints PySAL's Columbus CRIME result, I = 0.500188…, and
// gistar -o writes one row per unit, matched by --id, with a class.
func TestStatsColumbus(t *testing.T) {
	d := pysalData(t)
	gal := filepath.Join(d, "columbus", "columbus.gal")
	dbf := filepath.Join(d, "columbus", "columbus.dbf")
	out, _, err := runCmd(t, nil, "stats", "moran", "--weights", gal, "--data", dbf, "--var", "CRIME", "--permutations", "99")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"I\t0.5001885572\n", "E[I]\t-0.02083333333\n", "z normality\t5.630312788\n", "permutations\t99\n", "p permutation\t0.01\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("moran output lacks %q:\n%s", want, out)
		}
	}
	rows := filepath.Join(t.TempDir(), "gi.csv")
	if _, _, err := runCmd(t, nil, "stats", "gistar", "--weights", gal, "--data", dbf, "--var", "CRIME",
		"--id", "POLYID", "--transform", "b", "--seed", "3", "--correct", "bh", "-o", rows); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(rows)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 50 || recs[0][0] != "id" || recs[0][10] != "class" {
		t.Fatalf("got %d rows, header %v; want 49 units and a header", len(recs)-1, recs[0])
	}
	classes := map[string]int{}
	for _, r := range recs[1:] {
		classes[r[10]]++
	}
	if classes["hot"] == 0 || classes["cold"] == 0 {
		t.Errorf("classes = %v, want hot and cold spots in Columbus crime", classes)
	}
}

func TestStatsRejectsBadInput(t *testing.T) {
	d := pysalData(t)
	gal := filepath.Join(d, "columbus", "columbus.gal")
	dbf := filepath.Join(d, "columbus", "columbus.dbf")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown column", []string{"stats", "moran", "--weights", gal, "--data", dbf, "--var", "NOPE"}, `no column "NOPE"`},
		{"wrong rows", []string{"stats", "moran", "--weights", filepath.Join(d, "stl", "stl.gal"), "--data", dbf, "--var", "CRIME"}, "49 rows for 78 units"},
		{"unmatched id", []string{"stats", "gi", "--weights", gal, "--data", dbf, "--var", "CRIME", "--id", "AREA"}, `unit "1" of the weights has no row`},
		{"transform", []string{"stats", "moran", "--weights", gal, "--data", dbf, "--var", "CRIME", "--transform", "x"}, `transform "x"`},
		{"statistic", []string{"stats", "geary"}, `unknown statistic "geary"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, nil, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// stats weights builds queen weights of the grid's unions from --boundaries,
// and knn weights as GWT.
func TestStatsWeights(t *testing.T) {
	dir := writeGrid(t)
	gal := filepath.Join(t.TempDir(), "w.gal")
	_, errOut, err := runCmd(t, nil, "stats", "weights", "--boundaries", dir, "--level", "union", "--type", "rook", "-o", gal)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(gal)
	if err != nil {
		t.Fatal(err)
	}
	// The centre union BD10065113 has four rook neighbours.
	if !strings.Contains(string(b), "BD10065113 4\nBD10040913 BD10065111 BD10065115 BD10091813\n") {
		t.Errorf("GAL:\n%s", b)
	}
	if !strings.Contains(errOut, "9 unions: 24 links") || !strings.Contains(errOut, "0 islands") {
		t.Errorf("summary = %q", errOut)
	}
	gwt := filepath.Join(t.TempDir(), "w.gwt")
	if _, _, err := runCmd(t, nil, "stats", "weights", "--boundaries", dir, "--level", "district", "--type", "knn", "--k", "1", "-o", gwt); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(gwt)
	if want := "0 3 districts adm2_pcode\nBD1004 BD1006 1\nBD1006 BD1004 1\nBD1009 BD1006 1\n"; string(b) != want {
		t.Errorf("GWT = %q, want %q", b, want)
	}
}

// stats lq: sector shares of each unit against the region's, empty below
// --min-count.
func TestStatsLQ(t *testing.T) {
	in := filepath.Join(t.TempDir(), "counts.csv")
	os.WriteFile(in, []byte("pcode,dairy,footwear\nA,30,10\nB,10,30\nC,2,0\n"), 0o644)
	out, _, err := runCmd(t, nil, "stats", "lq", "--data", in, "--var", "dairy,footwear", "--id", "pcode", "--min-count", "3")
	if err != nil {
		t.Fatal(err)
	}
	// dairy: 42 of 82 in the region; A has 30 of 40 → (30/40)/(42/82).
	want := "id,sector,count,lq\nA,dairy,30,1.46428571428571\nA,footwear,10,0.5125\nB,dairy,10,0.488095238095238\nB,footwear,30,1.5375\nC,dairy,2,\nC,footwear,0,\n"
	if out != want {
		t.Errorf("lq =\n%s\nwant\n%s", out, want)
	}
}
