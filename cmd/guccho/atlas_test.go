package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/embedded"
)

// TestAtlasCommand runs guccho atlas on an embedded store with the shipped
// boundaries and a small demo survey, made once for its subtests (which
// only read it).
func TestAtlasCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atlas.db")
	if _, stderr, err := runCmd(t, nil, "demo", "--db", db, "--n", "600"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	t.Run("one page per unit", func(t *testing.T) { testAtlasPages(t, db) })
	t.Run("errors name the flag at fault", func(t *testing.T) { testAtlasErrors(t, db) })
	t.Run("one page per view of a deck", func(t *testing.T) { testAtlasDeck(t, db) })
}

// pdfPages counts a PDF's /Type/Page objects and checks it is whole; with
// poppler-utils installed (under CI it must be) it also checks that
// pdfinfo opens it and counts the same, and that pdftoppm renders every
// page without a complaint.
func pdfPages(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.Contains(b[len(b)-32:], []byte("%%EOF")) {
		t.Fatalf("%s is not a whole PDF", path)
	}
	n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b, -1))
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdfinfo is not installed (apt-get install poppler-utils; scripts/deps.sh)")
		}
		return n
	}
	info, err := exec.Command(bin, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, info)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil || string(m[1]) != strconv.Itoa(n) {
		t.Errorf("pdfinfo says %q; the file has %d /Type/Page objects", info, n)
	}
	// Every page rasterises, as a printer driver would, without poppler
	// complaining about anything.
	var stderr bytes.Buffer
	render := exec.Command(filepath.Join(filepath.Dir(bin), "pdftoppm"), "-r", "10", "-png", path, filepath.Join(t.TempDir(), "page"))
	render.Stderr = &stderr
	if err := render.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("pdftoppm %s: %v\n%s", path, err, stderr.String())
	}
	return n
}

func testAtlasPages(t *testing.T, db string) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		args  []string
		pages int
	}{
		{"every district", []string{"--level", "district"}, 64},
		{"the districts of Dhaka division", []string{"--level", "district", "--within", "BD30"}, 13},
		{"the upazilas of Kishoreganj, by LQ, in Bangla", []string{"--level", "upazila", "--within", "BD3048", "--stat", "lq", "--lang", "bn"}, 13},
		{"one district by its own code", []string{"--within", "BD3048"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".pdf")
			args := append([]string{"atlas", "--db", db, "--sector", "footwear_leather", "-o", out}, tc.args...)
			_, stderr, err := runCmd(t, nil, args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if got := pdfPages(t, out); got != tc.pages {
				t.Errorf("%d pages, want %d", got, tc.pages)
			}
		})
	}
}

func testAtlasErrors(t *testing.T, db string) {
	dir := t.TempDir()
	out := filepath.Join(dir, "atlas.pdf")
	for _, tc := range []struct {
		name string
		args []string
		want string // in the error
		exit int
	}{
		{"no output", []string{"--sector", "dairy"}, "-o", 2},
		{"no sector", []string{"-o", out}, "--sector", 2},
		{"unknown sector", []string{"--sector", "spaceships", "-o", out}, "--sector", 1},
		{"unknown level", []string{"--sector", "dairy", "--level", "union", "-o", out}, "--level", 1},
		{"within a unit that does not exist", []string{"--sector", "dairy", "--within", "BD99", "-o", out}, "--within", 1},
		{"within a unit finer than the pages", []string{"--sector", "dairy", "--within", "BD304817", "-o", out}, "--within", 1},
		{"within something that is no P-code", []string{"--sector", "dairy", "--within", "Dhaka", "-o", out}, "--within", 1},
		{"unknown language", []string{"--sector", "dairy", "--lang", "fr", "-o", out}, "--lang", 1},
		{"unknown statistic", []string{"--sector", "dairy", "--stat", "moran", "-o", out}, "--stat", 1},
		{"unknown deck", []string{"--deck", "no-such-deck", "-o", out}, "--deck", 1},
		{"a deck with unit flags", []string{"--deck", "d", "--within", "BD30", "-o", out}, "--within", 2},
		{"a font directory without the fonts", []string{"--sector", "dairy", "--font-dir", dir, "-o", out}, "--font-dir", 1},
		{"an output directory that does not exist", []string{"--sector", "dairy", "-o", filepath.Join(dir, "nowhere", "a.pdf")}, "-o", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, nil, append([]string{"atlas", "--db", db}, tc.args...)...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
			if got := exitCode(err); got != tc.exit {
				t.Errorf("exit code %d, want %d", got, tc.exit)
			}
			if _, serr := os.Stat(out); serr == nil {
				t.Errorf("a failed run left %s", out)
			}
		})
	}
}

func TestAtlasHelpSaysWhereFontsComeFrom(t *testing.T) {
	_, stderr, err := runCmd(t, nil, "atlas", "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("atlas --help: %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"Noto Sans Bengali", "Open Font License", "--font-dir", "NotoSansBengali-Regular.ttf"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("atlas --help does not say %q:\n%s", want, stderr)
		}
	}
}

func TestWriteFileAtomicLeavesTheOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "atlas.pdf")
	if err := os.WriteFile(path, []byte("the old atlas"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := writeFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a new atl"))
		return guccho.Errorf(guccho.EINTERNAL, "drawing failed")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "the old atlas" {
		t.Errorf("the file holds %q after a failed write, want the old atlas", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the old atlas (no temporary file left)", len(entries))
	}
	n, err := writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write([]byte("the new atlas"))
		return err
	})
	if b, _ := os.ReadFile(path); err != nil || string(b) != "the new atlas" || n != int64(len(b)) {
		t.Errorf("after a good write: %q, %d bytes, err %v", b, n, err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("the new file's mode is %v (err %v), want -rw-r--r-- as other outputs", st.Mode(), err)
	}
}

func testAtlasDeck(t *testing.T, db string) {
	// A copy of the store, so that the other subtests read it unchanged.
	b, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	copyDB := filepath.Join(t.TempDir(), "deck.db")
	if err := os.WriteFile(copyDB, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := embedded.Open(ctx, copyDB)
	if err != nil {
		t.Fatal(err)
	}
	views := []deck.View{
		{Title: deck.Text{EN: "Footwear in Bhairab", BN: "ভৈরবের জুতা"}, Notes: deck.Text{EN: "The largest cluster."},
			State: deck.State{V: 1, View: "explore", Params: map[string]string{"z": "10", "lon": "90.98", "lat": "24.05", "sectors": "footwear_leather", "sel": "BD304811"}}},
		{Title: deck.Text{EN: "Dairy LQ"}, State: deck.State{V: 1, View: "clusters", Params: map[string]string{"z": "6.5", "lon": "90.3", "lat": "23.7", "sector": "dairy", "mode": "lq", "level": "district"}}},
		{Title: deck.Text{EN: "Hot spots"}, State: deck.State{V: 1, View: "clusters", Params: map[string]string{"z": "7", "lon": "89.5", "lat": "24.4", "sector": "dairy", "mode": "hotspots", "bearing": "30"}}},
		{Title: deck.Text{EN: "A unit that is gone"}, State: deck.State{V: 1, View: "explore", Params: map[string]string{"z": "7", "lon": "90", "lat": "24", "sectors": "dairy,spaceships", "sel": "BD99"}}},
	}
	var ids []string
	for i := range views {
		if err := s.CreateView(ctx, &views[i]); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, views[i].ID)
	}
	d := deck.Deck{Title: deck.Text{EN: "Clusters for the board"}, ViewIDs: ids}
	if err := s.CreateDeck(ctx, &d); err != nil {
		t.Fatal(err)
	}
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		t.Fatal(err)
	}
	pages, title, err := atlasReader{store: s, sectors: sectors, minCount: 5, points: true}.deckPages(ctx, d.ID, guccho.Sector{})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if title != "Clusters for the board" || len(pages) != len(views) {
		t.Fatalf("deck %q with %d pages, want %q with %d", title, len(pages), "Clusters for the board", len(views))
	}
	for _, tc := range []struct {
		page    int
		remarks []string // words the page's remarks hold, in order
	}{
		{0, nil},
		{1, nil},
		{2, []string{"bearing 30", "hotspots"}},
		{3, []string{"BD99", "spaceships"}},
	} {
		var got []string
		for _, r := range pages[tc.page].Remarks {
			got = append(got, r.EN)
		}
		ok := len(got) == len(tc.remarks)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.Contains(got[i], tc.remarks[i])
		}
		if !ok {
			t.Errorf("page %d remarks %q, want ones naming %q", tc.page+1, got, tc.remarks)
		}
	}
	if len(pages[0].Map.Focus) == 0 || len(pages[0].Map.Points) == 0 {
		t.Errorf("the Bhairab view's page outlines no unit or draws no footwear dots")
	}

	out := filepath.Join(t.TempDir(), "deck.pdf")
	if _, stderr, err := runCmd(t, nil, "atlas", "--db", copyDB, "--deck", d.ID, "--lang", "en", "-o", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if got := pdfPages(t, out); got != len(views) {
		t.Errorf("%d pages, want one per view (%d)", got, len(views))
	}
}

func TestStoreNameInTheFooterHidesCredentials(t *testing.T) {
	for _, tc := range []struct{ db, want string }{
		{"data/guccho.db", "Guccho embedded store guccho.db"},
		{"postgres://guccho:s3cret@db.example:5432/guccho?sslmode=disable", "Guccho PostGIS store db.example:5432/guccho"},
		{"postgresql://db/atlas", "Guccho PostGIS store db/atlas"},
	} {
		if got := storeName(tc.db); got != tc.want {
			t.Errorf("storeName(%q) = %q, want %q", tc.db, got, tc.want)
		}
	}
}
