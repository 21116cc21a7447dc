package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readCSV reads a file written by survey.NewCSVWriter (UTF-8 with a BOM).
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, col := range recs[0] {
			m[col] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestGeocodeReportsRowErrors: rows the converter fails or takes only in
// part are reported like an import's failed rows — counted and listed on
// stderr, flagged in the output, and written with their cells to
// --failures — instead of being dropped silently.
func TestGeocodeReportsRowErrors(t *testing.T) {
	dir := writeGrid(t)
	in := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(in, []byte("name,district,upazila,lat,lon\n"+
		"A,Bhola,Nawabganj,,\n"+ // clean
		"B,Bhola,Nawabganj,twenty-two,90.5\n"+ // warning: the GPS is left out, the names place it
		"C,Bhola,Nawabganj,,,extra\n"), 0o644) // failed: a shifted row
	outFile := filepath.Join(t.TempDir(), "out.csv")
	failFile := filepath.Join(t.TempDir(), "failures.csv")
	_, errOut, err := runCmd(t, nil, "geocode", in, "-o", outFile, "--failures", failFile, "--boundaries", dir)
	if err != nil {
		t.Fatal(err)
	}

	out := readCSV(t, outFile)
	tests := []struct {
		name, status, errors, method string
	}{
		{"A", "ok", "", "upazila"},
		{"B", "warning", `lat: ignored: latitude "twenty-two" is not a number in decimal degrees`, "upazila"},
		{"C", "failed", "the row has 6 cells but the header has 5 columns", "none"},
	}
	if len(out) != len(tests) {
		t.Fatalf("output has %d rows, want %d (one per input row)", len(out), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := out[i]
			if row["name"] != tt.name || row["row_status"] != tt.status || row["geocode_method"] != tt.method {
				t.Errorf("output row %d: name %q, row_status %q, geocode_method %q; want %q, %q, %q",
					i+1, row["name"], row["row_status"], row["geocode_method"], tt.name, tt.status, tt.method)
			}
			if !strings.Contains(row["row_errors"], tt.errors) || (tt.errors == "") != (row["row_errors"] == "") {
				t.Errorf("row_errors = %q, want %q", row["row_errors"], tt.errors)
			}
		})
	}

	for _, want := range []string{
		"geocoded 3 rows", "failed 1, with warnings 1",
		`row 2, column "lat": ignored: latitude "twenty-two" is not a number in decimal degrees`,
		"row 3: the row has 6 cells but the header has 5 columns",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}

	failures := readCSV(t, failFile)
	if len(failures) != 2 {
		t.Fatalf("--failures has %d rows, want 2:\n%v", len(failures), failures)
	}
	if f := failures[0]; f["row"] != "2" || f["field"] != "lat" || !strings.HasPrefix(f["reason"], "ignored: ") || f["name"] != "B" || f["lat"] != "twenty-two" {
		t.Errorf("first failure = %v, want row 2, field lat, the ignored reason and the row's cells", f)
	}
	if f := failures[1]; f["row"] != "3" || f["field"] != "" || f["name"] != "C" {
		t.Errorf("second failure = %v, want row 3, the whole row, its cells", f)
	}
}

func TestGeocodeWithoutRowErrors(t *testing.T) {
	dir := writeGrid(t)
	in := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(in, []byte("name,district\nA,Bhola\n"), 0o644)
	failFile := filepath.Join(t.TempDir(), "failures.csv")
	_, errOut, err := runCmd(t, nil, "geocode", in, "-o", filepath.Join(t.TempDir(), "out.csv"), "--failures", failFile, "--boundaries", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "failed 0, with warnings 0") || strings.Contains(errOut, "row 1") {
		t.Errorf("stderr = %q, want zero counts and no row messages", errOut)
	}
	if got := readCSV(t, failFile); len(got) != 0 {
		t.Errorf("--failures lists %v for a clean file, want only the header", got)
	}
}

func TestGeocodeListsOnlyTheFirstRowErrors(t *testing.T) {
	dir := writeGrid(t)
	in := filepath.Join(t.TempDir(), "in.csv")
	csv := "name,district,lat,lon\n" + strings.Repeat("A,Bhola,north,90.5\n", shownRowErrors+5)
	os.WriteFile(in, []byte(csv), 0o644)
	_, errOut, err := runCmd(t, nil, "geocode", in, "-o", filepath.Join(t.TempDir(), "out.csv"), "--boundaries", dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(errOut, `column "lat": ignored:`); got != shownRowErrors {
		t.Errorf("stderr lists %d problems, want the first %d:\n%s", got, shownRowErrors, errOut)
	}
	if !strings.Contains(errOut, "… and 5 more (all in the row_errors column; --failures FILE lists them)") {
		t.Errorf("stderr does not say how many more problems there are:\n%s", errOut)
	}
}
