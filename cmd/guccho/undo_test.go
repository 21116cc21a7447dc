package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/survey"
	"github.com/guccho/guccho/tiles"
)

// importID is the id an import's report names.
var importID = regexp.MustCompile(`import (imp-[0-9a-f]{12})`)

// importCSV writes a demo survey (n rows, seed) and imports it, returning
// the import's id.
func importCSV(t *testing.T, db string, n, seed string) string {
	t.Helper()
	csv := filepath.Join(t.TempDir(), "demo.csv")
	if _, _, err := runCmd(t, nil, "demo", "--n", n, "--seed", seed, "--csv", csv, "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, nil, "import", "enterprises", csv, "--db", db)
	m := importID.FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	return m[1]
}

func TestImportUndoAndResumeCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", bdtest.Dir(t), "--db", db); err != nil {
		t.Fatal(err)
	}
	first := importCSV(t, db, "200", "1")
	second := importCSV(t, db, "100", "2") // the same ids 1–100, other contents: updates

	out, _, err := runCmd(t, nil, "import", "list", "--db", db)
	if err != nil || !strings.Contains(out, first+"\t") || strings.Count(out, "\tsucceeded\t") != 2 {
		t.Errorf("import list: %v\n%s", err, out)
	}
	_, _, err = runCmd(t, nil, "import", "undo", first, "--db", db)
	if guccho.ErrorCode(err) != guccho.ECONFLICT || !strings.Contains(err.Error(), second) {
		t.Errorf("undoing the first import before the second: %v; want a conflict naming %s", err, second)
	}
	for _, id := range []string{second, first} {
		out, _, err := runCmd(t, nil, "import", "undo", id, "--db", db)
		if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "undone") {
			t.Fatalf("import undo %s: %v\n%s", id, err, out)
		}
	}
	s, err := embedded.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.CountEnterprises(context.Background(), guccho.EnterpriseFilter{})
	s.Close()
	if err != nil || n != 0 {
		t.Errorf("after undoing both imports: %d enterprises (%v), want none", n, err)
	}
	_, _, err = runCmd(t, nil, "import", "resume", first, "--db", db)
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), "undone") {
		t.Errorf("resuming an undone import: %v; want invalid, naming its status", err)
	}
	_, _, err = runCmd(t, nil, "import", "undo", "--db", db)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "import id") {
		t.Errorf("import undo without an id: %v; want a usage error", err)
	}
	_, _, err = runCmd(t, nil, "import", "undo", "imp-000000000000", "--db", db)
	if guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("undoing an unknown import: %v; want not found", err)
	}
}

// An import a crash left running is recovered by the next command that
// opens the store: resumed from its file (a server's spooled upload, which
// then goes), or rolled back when the file is gone.
func TestStartRecoversInterruptedImports(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", bdtest.Dir(t), "--db", db); err != nil {
		t.Fatal(err)
	}
	spool := filepath.Join(dir, "guccho-upload-1")
	if _, _, err := runCmd(t, nil, "demo", "--n", "300", "--csv", spool, "--db", db); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(spool)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	rd, err := survey.Open(f, st.Size(), "survey.csv")
	if err != nil {
		t.Fatal(err)
	}
	mapping, _ := json.Marshal(survey.DetectMapping(rd.Columns()))
	f.Close()

	s, err := embedded.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range []*guccho.Import{
		{ID: "imp-aaaaaaaaaaaa", Filename: "survey.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC(),
			Source: &guccho.ImportSource{Path: spool, Name: "survey.csv", Spooled: true, Size: st.Size(), Mapping: mapping}},
		{ID: "imp-bbbbbbbbbbbb", Filename: "gone.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC(),
			Source: &guccho.ImportSource{Path: filepath.Join(dir, "gone.csv"), Size: 10, Mapping: mapping}},
	} {
		if err := s.CreateImport(ctx, imp); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	out, stderr, err := runCmd(t, nil, "import", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"imp-aaaaaaaaaaaa\t", "\tsucceeded\tsurvey.csv\trows read 300: created 300", "imp-bbbbbbbbbbbb\t", "\trolled_back\tgone.csv\t", "rolled back at the next start"} {
		if !strings.Contains(out, want) {
			t.Errorf("import list lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"resumed an interrupted import", "rolled back an interrupted import"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the log lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Errorf("the spooled upload is still there after its import was recovered (%v)", err)
	}
}

// indexingInterrupted stores an import of three enterprises whose indexing
// phase stopped after one chunk, as a crash would leave it; its source
// file is gone.
func indexingInterrupted(t *testing.T, db, id string) {
	t.Helper()
	ctx := context.Background()
	s, err := embedded.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	imp := &guccho.Import{ID: id, Filename: "gone.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC(),
		Source: &guccho.ImportSource{Path: filepath.Join(t.TempDir(), "gone.csv"), Size: 10}}
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	var batch []*guccho.Enterprise
	for i, p := range [][2]float64{{90.4, 23.8}, {91.8, 22.3}, {89.5, 24.8}} {
		batch = append(batch, &guccho.Enterprise{ID: fmt.Sprintf("%s-%d", id, i), Sector: "dairy", Point: p,
			Geocode: guccho.Geocode{Method: guccho.GeocodeGPS}, ImportRow: i + 1})
	}
	if _, err := w.Put(ctx, batch); err != nil {
		t.Fatal(err)
	}
	imp.Read, imp.Created, imp.SourceRow = 3, 3, 3
	s.InterruptIndexingAfter(1)
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err == nil {
		t.Fatal("the interrupted indexing: Commit returned no error")
	}
	w.Rollback()
}

// An import interrupted while indexing its rows needs no file: the next
// start finishes it, as does `guccho import resume`, and both say so.
func TestInterruptedIndexingIsFinished(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "guccho.db")
	if _, _, err := runCmd(t, nil, "import", "boundaries", bdtest.Dir(t), "--db", db); err != nil {
		t.Fatal(err)
	}
	indexingInterrupted(t, db, "imp-cccccccccccc")
	indexingInterrupted(t, db, "imp-dddddddddddd")

	out, stderr, err := runCmd(t, nil, "import", "resume", "imp-cccccccccccc", "--db", db)
	if err != nil || !strings.Contains(out, "import imp-cccccccccccc (gone.csv): succeeded") {
		t.Errorf("import resume of an import interrupted while indexing: %v\n%s", err, out)
	}
	// The other one was recovered at the start of that command.
	if !strings.Contains(stderr, "resumed an interrupted import") || !strings.Contains(stderr, "phase=indexing") {
		t.Errorf("the log does not report the finished indexing:\n%s", stderr)
	}
	s, err := embedded.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"imp-cccccccccccc", "imp-dddddddddddd"} {
		imp, err := s.FindImportByID(context.Background(), id)
		if err != nil || imp.Status != guccho.ImportSucceeded || imp.Phase != "" || len(imp.ResumedAfter) != 1 {
			t.Errorf("import %s after recovery: %+v, %v; want succeeded, resumed once", id, imp, err)
		}
	}
	raw, err := s.Tile(context.Background(), tiles.Request{Layer: "enterprises", Tile: maptile.New(0, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := mvt.Unmarshal(raw)
	n := 0
	for _, f := range layers[0].Features {
		n += int(f.Properties["count"].(float64))
	}
	if n != 6 {
		t.Errorf("after both indexings were finished the pyramid counts %d enterprises, want 6", n)
	}
}
