package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/embedded"
)

func TestImportCentres(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", writeGrid(t), "--db", db); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.csv", "name,sector,services,lon,lat\nAmtali CSC,dairy,chilling,90.5,22.5\n,dairy,,91.5,23.5\nShoes,plastics,,92.5,24.5\n")
	_, stderr, err := runCmd(t, nil, "import", "centres", bad, "--db", db)
	if err == nil || !strings.Contains(err.Error(), "2 bad rows; nothing was imported") {
		t.Errorf("import of a file with bad rows: %v", err)
	}
	for _, want := range []string{"row 2, column name: empty", "row 3, column sector: unknown sector \"plastics\""} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	outside := write("outside.csv", "name,lon,lat\nAmtali CSC,90.5,22.5\nJashore CSC,89.2,23.2\n")
	if _, _, err := runCmd(t, nil, "import", "centres", outside, "--db", db); err == nil || !strings.Contains(err.Error(), "row 2") ||
		!strings.Contains(err.Error(), "outside Bangladesh") {
		t.Errorf("import of a centre outside the boundaries: %v", err)
	}

	good := write("good.csv", "name,sector,services,lon,lat\nAmtali CSC,dairy,chilling,90.5,22.5\nBhola CSC,,,92.5,24.5\n")
	for _, want := range []string{"created 2, updated 0", "created 0, updated 2"} {
		out, _, err := runCmd(t, nil, "import", "centres", good, "--db", db)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("import centres: %q, %v; want %q (the refused files stored nothing)", out, err, want)
		}
	}
	if _, _, err := runCmd(t, nil, "import", "centre", good, "--db", db); err == nil || !strings.Contains(err.Error(), "boundaries, enterprises, centres, list, undo or resume") {
		t.Errorf("import centre (a typo): %v", err)
	}
}

// guccho demo stores the synthetic centres that lie inside the boundaries:
// all four with the shipped set; with the grid fixture (lon 90–93, lat
// 22–25) only Bhairab and Old Dhaka, not Bogura and Shahjadpur.
func TestDemoStoresSyntheticCentres(t *testing.T) {
	tests := []struct {
		name       string
		boundaries func(t *testing.T) []string
		want       int
	}{
		{"shipped boundaries", func(t *testing.T) []string { return nil }, 4},
		{"grid fixture", func(t *testing.T) []string { return []string{"--boundaries", writeGrid(t)} }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "guccho.db")
			args := append([]string{"demo", "--n", "50", "--db", db}, tt.boundaries(t)...)
			if _, _, err := runCmd(t, nil, args...); err != nil {
				t.Fatal(err)
			}
			s, err := embedded.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			cs, err := s.FindCentres(context.Background(), guccho.CentreFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != tt.want {
				t.Fatalf("%d centres after the demo, want %d", len(cs), tt.want)
			}
			for _, c := range cs {
				if !c.Synthetic || c.Admin.Upazila == "" {
					t.Errorf("demo centre %+v: want synthetic and placed", c)
				}
			}
		})
	}
}
