package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAliasesCommands imports, lists, exports and removes aliases of a
// store, and guccho geocode --db uses them.
func TestAliasesCommands(t *testing.T) {
	grid := writeGrid(t)
	db := filepath.Join(t.TempDir(), "g.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", grid, "--db", db); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "aliases.csv")
	os.WriteFile(in, []byte("level,within,name,pcode\nupazila,BD1004,Amtali Bazar,BD100409\n"), 0o644)
	_, errOut, err := runCmd(t, nil, "aliases", "import", in, "--db", db)
	if err != nil || !strings.Contains(errOut, "1 new") {
		t.Fatalf("aliases import: %v\n%s", err, errOut)
	}
	out, _, err := runCmd(t, nil, "aliases", "list", "--db", db)
	if err != nil || !strings.Contains(out, "upazila") || !strings.Contains(out, "amtali bazar") || !strings.Contains(out, "BD100409") {
		t.Errorf("aliases list: %v\n%s", err, out)
	}

	survey := filepath.Join(t.TempDir(), "s.csv")
	os.WriteFile(survey, []byte("name,district,upazila\nA,Barguna,Amtali Bazar\n"), 0o644)
	geocoded := filepath.Join(t.TempDir(), "out.csv")
	if _, _, err := runCmd(t, nil, "geocode", survey, "-o", geocoded, "--db", db); err != nil {
		t.Fatal(err)
	}
	if row := readCSV(t, geocoded)[0]; row["adm3_pcode"] != "BD100409" || row["geocode_flags"] != "name_alias" {
		t.Errorf("geocode --db: adm3 %q, flags %q; want BD100409 by name_alias", row["adm3_pcode"], row["geocode_flags"])
	}

	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("level,name,pcode\nupazila,x,BD100409\nupazila,y,BD999999\n"), 0o644)
	if _, _, err := runCmd(t, nil, "aliases", "import", bad, "--db", db); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("importing a bad file: %v, want an error naming row 2", err)
	}

	exported := filepath.Join(t.TempDir(), "export.csv")
	if _, _, err := runCmd(t, nil, "aliases", "export", "-o", exported, "--db", db); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(exported); !strings.Contains(string(b), "upazila,BD1004,amtali bazar,BD100409") || strings.Count(string(b), "\n") != 2 {
		t.Errorf("export:\n%s", b)
	}
	if _, _, err := runCmd(t, nil, "aliases", "remove", "1", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, nil, "aliases", "remove", "1", "--db", db); err == nil || !strings.Contains(err.Error(), "no alias 1") {
		t.Errorf("removing twice: %v, want no alias 1", err)
	}
	if _, _, err := runCmd(t, nil, "aliases", "rename", "--db", db); err == nil {
		t.Error("aliases rename: want a usage error")
	}
}
