package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
)

// unionCount opens the store at db and counts its unions.
func unionCount(t *testing.T, db string) int {
	t.Helper()
	s, _, err := openStore(context.Background(), Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.CountUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c[geo.Union]
}

// Every command that needs boundaries imports the set named by --boundaries
// or GUCCHO_BOUNDARIES into a store that has none, as serve does.
func TestCommandsImportNamedBoundariesOnFirstUse(t *testing.T) {
	grid := writeGrid(t)
	survey := filepath.Join(t.TempDir(), "survey.csv")
	if err := os.WriteFile(survey, []byte("name,sector,district,upazila\nA,Dairy,Bhola,Nawabganj\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		byFlag  bool
		wantOut string
	}{
		{"demo with --boundaries", []string{"demo", "--n", "40"}, true, "rows read 40: created 40"},
		{"demo with GUCCHO_BOUNDARIES", []string{"demo", "--n", "40"}, false, "rows read 40: created 40"},
		{"demo --csv with --boundaries", []string{"demo", "--n", "40", "--csv", filepath.Join(t.TempDir(), "demo.csv")}, true, ""},
		{"import enterprises with --boundaries", []string{"import", "enterprises", survey}, true, "rows read 1: created 1"},
		{"import enterprises with GUCCHO_BOUNDARIES", []string{"import", "enterprises", survey}, false, "rows read 1: created 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "guccho.db")
			args := append(append([]string(nil), tc.args...), "--db", db)
			env := map[string]string{"GUCCHO_BOUNDARIES": grid}
			if tc.byFlag {
				args = append(args, "--boundaries", grid)
				env = nil
			}
			out, errOut, err := runCmd(t, env, args...)
			if err != nil {
				t.Fatalf("%v\n%s%s", err, out, errOut)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("output %q; want it to contain %q", out, tc.wantOut)
			}
			if got := unionCount(t, db); got != 9 {
				t.Errorf("the store holds %d unions afterwards; want the grid's 9", got)
			}
		})
	}
}

// With neither --boundaries nor GUCCHO_BOUNDARIES, a new store gets the
// default set shipped in the binary, and says so.
func TestCommandsImportTheDefaultSetOnFirstUse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	out, errOut, err := runCmd(t, nil, "demo", "--n", "40", "--db", db)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	if got := unionCount(t, db); got != 5160 {
		t.Errorf("the store holds %d unions; want the 5,160 of the default set", got)
	}
	for _, want := range []string{data.BoundariesName, "CC BY 3.0 IGO", "8 divisions, 64 districts, 544 upazilas, 5160 unions"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the log does not say %q:\n%s", want, errOut)
		}
	}

	// geocode on a new store, too.
	in := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(in, []byte("name,district\nA,Dhaka\n"), 0o644)
	out, errOut, err = runCmd(t, nil, "geocode", in, "--db", filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "BD3026,Dhaka") {
		t.Errorf("geocode output lacks district BD3026 Dhaka:\n%s", out)
	}
}

// A store that has boundaries keeps them: neither the default set nor
// --boundaries replaces them (guccho import boundaries does).
func TestCommandsKeepStoredBoundaries(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	grid := writeGrid(t)
	if _, _, err := runCmd(t, nil, "import", "boundaries", grid, "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, nil, "demo", "--n", "10", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, nil, "demo", "--n", "10", "--db", db, "--boundaries", filepath.Join(t.TempDir(), "absent")); err != nil {
		t.Fatal(err)
	}
	if got := unionCount(t, db); got != 9 {
		t.Errorf("the store holds %d unions; want the grid's 9 it had", got)
	}
}

func TestCommandsRejectABoundaryPathThatIsNoDirectory(t *testing.T) {
	absent := filepath.Join(t.TempDir(), "absent")
	for _, args := range [][]string{
		{"demo", "--n", "10", "--boundaries", absent},
		{"import", "enterprises", "x.csv", "--boundaries", absent},
		{"serve", "--addr", "127.0.0.1:0", "--boundaries", absent},
		{"geocode", "x.csv", "--boundaries", absent},
	} {
		args = append(args, "--db", filepath.Join(t.TempDir(), "guccho.db"))
		_, _, err := runCmd(t, nil, args...)
		if err == nil || !strings.Contains(err.Error(), absent) || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("%s: %v; want an error naming %s", args[0], err, absent)
		}
	}
}
