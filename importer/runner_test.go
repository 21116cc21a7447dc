package importer_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/survey"
)

// spoolCSV spools text as an upload named name and opens it.
func spoolCSV(t *testing.T, r *importer.Runner, name, text string) (*importer.Upload, survey.Reader, survey.Mapping) {
	t.Helper()
	up, err := r.Spool(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(up, text); err != nil {
		t.Fatal(err)
	}
	rd, err := up.Open()
	if err != nil {
		t.Fatal(err)
	}
	return up, rd, survey.DetectMapping(rd.Columns())
}

// rows is a survey of n dairy enterprises in Barguna, with ids prefix1 to
// prefixn.
func rows(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("id,name,sector,district\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s%d,Shop %d,dairy,Barguna\n", prefix, i, i)
	}
	return b.String()
}

// gatedReader tells when its first row is asked for (started) and gives it
// only once release is closed.
type gatedReader struct {
	survey.Reader
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (g *gatedReader) Next() (survey.Row, error) {
	g.once.Do(func() { close(g.started) })
	<-g.release
	return g.Reader.Next()
}

// endlessReader yields a new row every millisecond, for ever.
type endlessReader struct {
	survey.Reader
	n int
}

func (e *endlessReader) Next() (survey.Row, error) {
	time.Sleep(time.Millisecond)
	e.n++
	return survey.Row{Number: e.n + 1, Values: map[string]string{"id": fmt.Sprintf("X%d", e.n), "name": "Shop",
		"sector": "dairy", "district": "Barguna"}}, nil
}

// waitEnded waits until the runner no longer reports import id.
func waitEnded(t *testing.T, r *importer.Runner, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := r.Running(id); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s did not end", id)
		}
		time.Sleep(time.Millisecond)
	}
}

// wantNoSpooledFiles checks that every upload was removed from dir.
func wantNoSpooledFiles(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d spooled files left behind, want none", len(left))
	}
}

func TestRunnerRunsOneImportAtATime(t *testing.T) {
	im, s := newImporter(t)
	dir := t.TempDir()
	r := importer.NewRunner(im, importer.RunnerConfig{TempDir: dir})
	defer r.Close()

	upA, rdA, mA := spoolCSV(t, r, "a.csv", rows("A", 3))
	a := &gatedReader{Reader: rdA, started: make(chan struct{}), release: make(chan struct{})}
	r.Start(&guccho.Import{ID: "imp-a", Filename: "a.csv"}, upA, a, mA)
	<-a.started // a holds the store's one writer

	upB, rdB, mB := spoolCSV(t, r, "b.csv", rows("B", 2))
	b := &gatedReader{Reader: rdB, started: make(chan struct{}), release: make(chan struct{})}
	close(b.release)
	accepted := r.Start(&guccho.Import{ID: "imp-b", Filename: "b.csv", Status: guccho.ImportRunning}, upB, b, mB)
	if accepted.ID != "imp-b" || accepted.Status != guccho.ImportRunning {
		t.Errorf("Start returned %+v, want imp-b running", accepted)
	}
	select {
	case <-b.started:
		t.Fatal("the second import read its file while the first still ran")
	case <-time.After(50 * time.Millisecond):
	}
	if got, ok := r.Running("imp-b"); !ok || got.Status != guccho.ImportRunning {
		t.Errorf("Running(imp-b) while it waits = %+v, %v; want it running", got, ok)
	}

	close(a.release)
	waitEnded(t, r, "imp-a")
	waitEnded(t, r, "imp-b")
	r.Close()
	for id, want := range map[string]int{"imp-a": 3, "imp-b": 2} {
		got, err := s.FindImportByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != guccho.ImportSucceeded || got.Created != want {
			t.Errorf("%s: status %q, %d created; want succeeded with %d", id, got.Status, got.Created, want)
		}
		// A crash would leave the spooled file, to resume from at the next start.
		if src := got.Source; src == nil || !src.Spooled || filepath.Dir(src.Path) != dir || src.Name != strings.TrimPrefix(id, "imp-")+".csv" || len(src.Mapping) == 0 {
			t.Errorf("%s: source %+v; want the spooled file in the runner's TempDir, its name and the mapping", id, src)
		}
	}
	wantNoSpooledFiles(t, dir)
}

func TestRunnerCloseCancelsARunningImport(t *testing.T) {
	im, s := newImporter(t)
	dir := t.TempDir()
	r := importer.NewRunner(im, importer.RunnerConfig{TempDir: dir})
	up, rd, m := spoolCSV(t, r, "endless.csv", rows("E", 1))
	r.Start(&guccho.Import{ID: "imp-e", Filename: "endless.csv"}, up, &endlessReader{Reader: rd}, m)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := r.Running("imp-e"); got.Read >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import made no progress")
		}
		time.Sleep(time.Millisecond)
	}

	r.Close()
	if _, ok := r.Running("imp-e"); ok {
		t.Error("Running still reports the import after Close")
	}
	got, err := s.FindImportByID(context.Background(), "imp-e")
	if err != nil {
		t.Fatal(err)
	}
	// The message says "cancelled" when Close came between two batches; a
	// store may report a write it interrupted in its own words.
	if got.Status != guccho.ImportFailed || got.Error == "" || got.EndedAt == nil {
		t.Errorf("record after Close: status %q, error %q, ended %v; want failed with a reason and an end", got.Status, got.Error, got.EndedAt)
	}
	if n, _ := s.CountEnterprises(context.Background(), guccho.EnterpriseFilter{}); n != 0 {
		t.Errorf("%d enterprises stored by a cancelled import, want 0", n)
	}
	wantNoSpooledFiles(t, dir)
}

func TestRunnerPublishesProgressAtMostEveryProgressEvery(t *testing.T) {
	tests := []struct {
		name        string
		every       time.Duration
		wantRunning func(n int) bool
		want        string
	}{
		{"an hour apart: the first snapshot only", time.Hour, func(n int) bool { return n == 1 }, "1"},
		{"a nanosecond apart: every batch", time.Nanosecond, func(n int) bool { return n >= 3 }, "3 or more (one per batch of 2 rows)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, _ := newImporter(t) // batches of 2 rows
			published := make(chan guccho.Import, 100)
			r := importer.NewRunner(im, importer.RunnerConfig{TempDir: t.TempDir(), ProgressEvery: tt.every,
				Publish: func(imp guccho.Import) { published <- imp }})
			defer r.Close()
			up, rd, m := spoolCSV(t, r, "six.csv", rows("P", 6))
			r.Start(&guccho.Import{ID: "imp-p", Filename: "six.csv"}, up, rd, m)

			running := 0
			for {
				var imp guccho.Import
				select {
				case imp = <-published:
				case <-time.After(10 * time.Second):
					t.Fatal("no end of the import was published")
				}
				if imp.Status == guccho.ImportRunning {
					running++
					continue
				}
				if imp.Status != guccho.ImportSucceeded || imp.Created != 6 {
					t.Errorf("published end %q with %d created, want succeeded with 6", imp.Status, imp.Created)
				}
				break
			}
			if !tt.wantRunning(running) {
				t.Errorf("got %d progress snapshots while running, want %s", running, tt.want)
			}
		})
	}
}

func TestUploadOpenNamesTheFileItCannotRead(t *testing.T) {
	r := importer.NewRunner(nil, importer.RunnerConfig{TempDir: t.TempDir()})
	up, err := r.Spool("survey.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Discard()
	io.WriteString(up, "%PDF-1.7")
	_, err = up.Open()
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.HasPrefix(guccho.ErrorMessage(err), "survey.pdf: ") {
		t.Errorf("got %v, want EINVALID starting with the file's name", err)
	}
}
