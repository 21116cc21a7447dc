package main

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/valuechain"
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

// storedChains opens the database and returns its value chains, each with
// its actors and links.
func storedChains(t *testing.T, db string) []*valuechain.Data {
	t.Helper()
	s, err := embedded.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.FindChains(context.Background(), valuechain.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*valuechain.Data
	for _, c := range list {
		d, err := s.FindChainByID(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func TestValuechainImportStoresTheChain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	for i := 0; i < 2; i++ { // the second import replaces the first
		out, _, err := runCmd(t, nil, "valuechain", "import", "--actors", bhairabActors, "--links", bhairabLinks,
			"--sector", "footwear_leather", "--admin", "BD304811", "--name", "Bhairab footwear", "--db", db)
		if err != nil || !strings.Contains(out, "value chain footwear_leather-bd304811: 10 actors, 11 links stored") {
			t.Fatalf("import %d: %v\n%s", i+1, err, out)
		}
	}
	chains := storedChains(t, db)
	if len(chains) != 1 || chains[0].Chain.Name != "Bhairab footwear" || len(chains[0].Actors) != 10 || len(chains[0].Links) != 11 {
		t.Fatalf("stored %d chains: %+v", len(chains), chains)
	}
}

func TestValuechainImportListsBadRowsAndStoresNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "guccho.db")
	links := filepath.Join(dir, "links.csv")
	os.WriteFile(links, []byte("from,to,flow\nw1,ghost,goods\nshop,w1,goods\n"), 0o644)
	_, errOut, err := runCmd(t, nil, "valuechain", "import", "--actors", bhairabActors, "--links", links, "--sector", "footwear_leather", "--id", "x", "--db", db)
	if err == nil {
		t.Fatal("import of bad rows succeeded")
	}
	for _, want := range []string{`links.csv row 1, field "to": no actor "ghost"`, `links.csv row 2, field "to": goods run backwards`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if chains := storedChains(t, db); len(chains) != 0 {
		t.Errorf("a refused import stored %d chains", len(chains))
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown sector", []string{"--sector", "zzz"}, "--sector"},
		{"bad admin", []string{"--sector", "dairy", "--admin", "Dhaka"}, "--admin"},
		{"bad id", []string{"--sector", "dairy", "--id", "a b"}, `field "id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"valuechain", "import", "--actors", bhairabActors, "--links", bhairabLinks, "--db", db}, tc.args...)
			_, _, err := runCmd(t, nil, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func TestDemoStoresSyntheticValueChains(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", bdtest.Dir(t), "--db", db); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, nil, "demo", "--n", "600", "--db", db); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	chains := storedChains(t, db)
	if len(chains) != 3 {
		t.Fatalf("demo stored %d value chains, want 3", len(chains))
	}
	s, err := embedded.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	linked := 0
	for _, d := range chains {
		if !d.Chain.Synthetic {
			t.Errorf("%s is not marked synthetic", d.Chain.ID)
		}
		for _, a := range d.Actors {
			if a.EnterpriseID == "" {
				continue
			}
			e, err := s.FindEnterpriseByID(context.Background(), a.EnterpriseID)
			if err != nil {
				t.Errorf("%s: actor %s names enterprise %s: %v", d.Chain.ID, a.ID, a.EnterpriseID, err)
				continue
			}
			if e.Sector != d.Chain.Sector || e.Admin.Upazila != d.Chain.Admin {
				t.Errorf("%s: actor %s's enterprise is in %s, %s; want %s, %s", d.Chain.ID, a.ID, e.Sector, e.Admin.Upazila, d.Chain.Sector, d.Chain.Admin)
			}
			linked++
		}
	}
	if linked == 0 {
		t.Error("no demo producer is linked to a demo enterprise")
	}
}

// TestValuechainAssemble assembles the chain of the footwear cluster of
// storetest.AssembleFixture in a database file, as the API does.
func TestValuechainAssemble(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	s, err := embedded.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.LoadAssembleFixture(t, s)
	s.Close()

	out, errOut, err := runCmd(t, nil, "valuechain", "assemble", "--cluster", "smef:footwear_leather:fa-00", "--db", db)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{
		"value chain cluster-smef-footwear_leather-fa-00 (Footwear and leather value chain around Amtali (from the survey)): 65 actors, 90 links stored",
		"60 producers, 2 input suppliers, 2 buyers (1 of them stored actors reused), 1 supporters",
		"15 answers skipped",
		`enterprise fa-02, field "buyer_type" (dealer): names an input_supplier`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var got *valuechain.Data
	for _, d := range storedChains(t, db) {
		if d.Chain.ID == "cluster-smef-footwear_leather-fa-00" {
			got = d
		}
	}
	if got == nil || len(got.Actors) != 65 || len(got.Links) != 90 || got.Chain.Admin != "BD100409" {
		t.Fatalf("stored chain = %+v", got)
	}

	_, _, err = runCmd(t, nil, "valuechain", "assemble", "--cluster", "smef:footwear_leather:fa-00", "--min-units", "61", "--db", db)
	if err == nil || !strings.Contains(err.Error(), `cluster "smef:footwear_leather:fa-00"`) {
		t.Errorf("assembling a cluster those parameters do not find: %v", err)
	}
	if _, _, err := runCmd(t, nil, "valuechain", "assemble", "--db", db); !errors.Is(err, errUsage) {
		t.Errorf("no --cluster: %v, want a usage error", err)
	}
}

// TestDemoAssemblesBhairab: guccho demo stores, beside the hand-made
// synthetic chains, the chain of the Bhairab footwear cluster assembled from
// the survey's answers, marked synthetic since the survey is.
func TestDemoAssemblesBhairab(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo survey")
	}
	db := filepath.Join(t.TempDir(), "guccho.db")
	out, errOut, err := runCmd(t, nil, "demo", "--db", db)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "assembled from the survey around Bhairab") {
		t.Fatalf("output lacks the assembled chain:\n%s", out)
	}
	var got *valuechain.Data
	for _, d := range storedChains(t, db) {
		if strings.HasPrefix(d.Chain.ID, "cluster-smef-footwear_leather-") {
			got = d
		}
	}
	if got == nil || !got.Chain.Synthetic || got.Chain.Admin != "BD304811" || !strings.HasPrefix(got.Chain.Cluster, "smef:footwear_leather:") {
		t.Fatalf("assembled chain = %+v", got)
	}
	roles := map[valuechain.Role]int{}
	names := map[string]bool{}
	for _, a := range got.Actors {
		roles[a.Role]++
		names[a.Name] = true
	}
	if roles[valuechain.Producer] < 200 || roles[valuechain.InputSupplier] < 3 || roles[valuechain.Wholesaler] < 1 || roles[valuechain.Exporter] != 1 {
		t.Errorf("actors by role %v", roles)
	}
	for _, n := range []string{"Leather traders, Savar", "Exporter, Chattogram", "PKSF partner organisation (MFI)"} {
		if !names[n] {
			t.Errorf("no actor %q", n)
		}
	}
}
