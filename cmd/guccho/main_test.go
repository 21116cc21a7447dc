package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guccho/guccho/internal/bdtest"
)

// runCmd runs the binary's entry point with args and returns its output.
func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }})
	return out.String(), errOut.String(), err
}

// writeGrid writes the grid fixture of bdtest into a directory.
func writeGrid(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range bdtest.Grid() {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHelpListsEveryCommand(t *testing.T) {
	out, _, err := runCmd(t, nil, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %q:\n%s", c.name, out)
		}
	}
	if _, _, err := runCmd(t, nil, "frobnicate"); !errors.Is(err, errUsage) || exitCode(err) != 2 {
		t.Errorf("an unknown command: err %v, exit %d; want a usage error, exit 2", err, exitCode(err))
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, _ := runCmd(t, nil, c.name, "--help")
			if !strings.Contains(out+errOut, "guccho "+c.name) || !strings.Contains(out+errOut, "Usage") {
				t.Errorf("%s --help printed %q", c.name, out+errOut)
			}
		})
	}
}

func TestImportBoundaries(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	dir := writeGrid(t)
	// Flags may follow the directory.
	out, _, err := runCmd(t, nil, "import", "boundaries", dir, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if want := "1 divisions, 3 districts, 3 upazilas, 9 unions"; !strings.Contains(out, want) {
		t.Errorf("import printed %q, want it to report %q", out, want)
	}
	// A broken file is named, and the earlier import survives.
	os.WriteFile(filepath.Join(dir, "boundaries", "bd_adm3_upazilas.geojson"), []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adm3_en":"X"},"geometry":null}]}`), 0o644)
	_, _, err = runCmd(t, map[string]string{"GUCCHO_DB": db}, "import", "boundaries", dir)
	if err == nil || !strings.Contains(err.Error(), `bd_adm3_upazilas.geojson: feature 0: field "adm3_pcode": missing`) {
		t.Errorf("importing a broken file: %v; want an error naming file, feature and field", err)
	}
	if exitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", exitCode(err))
	}
	s, _, err := openStore(context.Background(), Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, _ := s.CountUnits(context.Background())
	if len(c) == 0 || c[4] != 9 {
		t.Errorf("after a failed import the store counts %v, want the 9 unions of the first import", c)
	}
}

func TestImportUsageErrors(t *testing.T) {
	tests := [][]string{
		{"import"},
		{"import", "rivers", "x"},
		{"import", "boundaries"},
		{"import", "boundaries", "a", "b"},
	}
	for _, args := range tests {
		if _, _, err := runCmd(t, nil, args...); exitCode(err) != 2 {
			t.Errorf("%q: err %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
	if _, _, err := runCmd(t, nil, "import", "boundaries", filepath.Join(t.TempDir(), "nope"), "--db", filepath.Join(t.TempDir(), "g.db")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a missing directory: %v", err)
	}
}

func TestUnreachablePostgres(t *testing.T) {
	_, _, err := openStore(context.Background(), Config{DB: "postgres://me:secret@127.0.0.1:1/guccho?connect_timeout=2"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL") || strings.Contains(err.Error(), "secret") {
		t.Errorf("openStore(postgres://…) = %v; want an error naming the server and hiding the password", err)
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	c, err := defaultConfig(func(k string) string {
		return map[string]string{"GUCCHO_ADDR": ":9999", "GUCCHO_DB": "x.db", "GUCCHO_TILE_CACHE_MB": "64", "GUCCHO_REQUEST_TIMEOUT": "5s"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9999" || c.DB != "x.db" || c.TileCacheMB != 64 || c.RequestTimeout.String() != "5s" {
		t.Errorf("config = %+v", c)
	}
}

func TestTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	out, _, err := runCmd(t, nil, "token", "create", "--role", "editor", "--name", "field team", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "gct_") {
		t.Errorf("token create printed %q, want the secret", out)
	}
	if _, _, err := runCmd(t, nil, "token", "create", "--role", "king", "--db", db); err == nil || !strings.Contains(err.Error(), "king") {
		t.Errorf("an unknown role: %v", err)
	}
}

func TestGeocodeCommand(t *testing.T) {
	dir := writeGrid(t)
	in := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(in, []byte("name,district,upazila,lat,lon\nA,Bhola,Nawabganj,,\nB,,,22.5,90.5\nC,Nowhere,,,\n"), 0o644)
	outFile := filepath.Join(t.TempDir(), "out.csv")
	_, errOut, err := runCmd(t, nil, "geocode", in, "-o", outFile, "--boundaries", dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(outFile)
	got := string(b)
	for _, want := range []string{"adm3_pcode", "A,Bhola,Nawabganj,,,BD10,Barishal,BD1009,Bhola,BD100918,Nawabganj,,,upazila",
		"BD10040911,Amtali Dakshin,gps", "C,Nowhere,,,,,,,,,,,,none"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(errOut, "geocoded 3 rows") {
		t.Errorf("summary %q", errOut)
	}
}

func TestDemoThenReimport(t *testing.T) {
	bd := bdtest.Dir(t)
	db := filepath.Join(t.TempDir(), "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", bd, "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, nil, "demo", "--n", "300", "--db", db)
	if err != nil || !strings.Contains(out, "rows read 300: created 300") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	csv := filepath.Join(t.TempDir(), "demo.csv")
	if _, _, err := runCmd(t, nil, "demo", "--n", "300", "--csv", csv, "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, nil, "import", "enterprises", csv, "--db", db)
	if err != nil || !strings.Contains(out, "created 0, updated 0, unchanged 300") {
		t.Errorf("importing the same survey as a file: %v\n%s", err, out)
	}
}
