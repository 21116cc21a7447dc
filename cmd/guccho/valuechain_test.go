package main

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	bhairabActors = "../../valuechain/testdata/bhairab_actors.csv"
	bhairabLinks  = "../../valuechain/testdata/bhairab_links.csv"
)

func TestValuechainAnalyzeWritesActorsAndStages(t *testing.T) {
	dir := t.TempDir()
	out, stages := filepath.Join(dir, "actors.csv"), filepath.Join(dir, "stages.csv")
	summary, _, err := runCmd(t, nil, "valuechain", "analyze", "--actors", bhairabActors, "--links", bhairabLinks, "-o", out, "--stages-out", stages)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSVRecords(t, out)
	if len(rows) != 11 || strings.Join(rows[0], ",") != "id,role,stage,in_degree,out_degree,degree_centrality,betweenness,betweenness_normalized,cuts_off_producers" {
		t.Fatalf("actors CSV: %q", rows)
	}
	if got := strings.Join(rows[7], ","); got != "dhaka,wholesaler,5,2,1,0.333333333333333,8,0.111111111111111,3" {
		t.Errorf("dhaka row = %s", got)
	}
	st := readCSVRecords(t, stages)
	if got := strings.Join(st[2][:7], ","); got != "2,producer,3,2480000,820000,1660000,0.669354838709677" {
		t.Errorf("producer stage = %s", got)
	}
	for _, want := range []string{"betweenness exact", "stages with no actor: processor, exporter", "actor dhaka: 3", "link w3 → dhaka: 1"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

func TestValuechainAnalyzeNamesBadRows(t *testing.T) {
	dir := t.TempDir()
	links := filepath.Join(dir, "links.csv")
	os.WriteFile(links, []byte("from,to,flow,volume,unit\nw1,paikar,goods,10,pairs\nshop,w1,goods,5,pairs\nw2,ghost,goods,-1,pairs\n"), 0o644)
	out := filepath.Join(dir, "out.csv")
	_, errOut, err := runCmd(t, nil, "valuechain", "analyze", "--actors", bhairabActors, "--links", links, "-o", out)
	if err == nil {
		t.Fatal("bad links were analyzed")
	}
	for _, want := range []string{`links.csv row 2, field "to": goods run backwards`, `links.csv row 3, field "to": no actor "ghost"`, `links.csv row 3, field "volume": negative`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an output file was written for bad input")
	}
}

func TestValuechainAnalyzeUsage(t *testing.T) {
	for _, args := range [][]string{{"valuechain"}, {"valuechain", "import", "x.csv"}, {"valuechain", "analyze", "--actors", bhairabActors}, {"valuechain", "analyze", "--actors", bhairabActors, "--links", bhairabLinks, "--flows", "love"}} {
		if _, _, err := runCmd(t, nil, args...); !errors.Is(err, errUsage) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

// readCSVRecords reads a plain CSV file (header row included).
func readCSVRecords(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
