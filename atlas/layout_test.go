package atlas

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tdewolff/canvas"

	"github.com/guccho/guccho/data"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// recorder is a canvas renderer that writes down what a page draws: each
// path's bounds and fill, each text's string and place (mm from the page's
// bottom-left corner, as PDF measures), to 0.1 mm.
type recorder struct{ b strings.Builder }

func (r *recorder) Size() (float64, float64) { return pageW, pageH }

func (r *recorder) RenderPath(p *canvas.Path, st canvas.Style, m canvas.Matrix) {
	b := p.Transform(m).Bounds()
	fill := "none"
	if st.HasFill() {
		fill = colorName(st.Fill.Color)
	}
	fmt.Fprintf(&r.b, "path  %6.1f %6.1f %6.1f %6.1f fill %s\n", b.X0, b.Y0, b.W(), b.H(), fill)
}

func (r *recorder) RenderText(t *canvas.Text, m canvas.Matrix) {
	b := t.Bounds().Transform(m)
	fmt.Fprintf(&r.b, "text  %6.1f %6.1f %6.1f %6.1f %q\n", b.X0, b.Y0, b.W(), b.H(), t.Text)
}

func (r *recorder) RenderImage(img image.Image, m canvas.Matrix) {
	fmt.Fprintf(&r.b, "image %v\n", img.Bounds())
}

// TestPageLayoutGolden draws Barguna's page of the grid fixture and
// compares where each path and text lands with testdata/page_layout.golden
// (go test ./atlas -run PageLayout -update rewrites it).
func TestPageLayoutGolden(t *testing.T) {
	fonts, err := LoadFonts(data.Fonts())
	if err != nil {
		t.Fatal(err)
	}
	pages, err := UnitPages(gridData(t), "BD1004")
	if err != nil {
		t.Fatal(err)
	}
	doc := &Document{Fonts: fonts, Lang: Both, Source: "the grid fixture", Date: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
		Attribution: "Boundaries: the grid fixture", SectorName: nil}
	var rec recorder
	ctx := canvas.NewContext(&rec)
	ctx.SetCoordSystem(canvas.CartesianIV)
	doc.drawPage(ctx, &pages[0], 1, 1)
	got := rec.b.String()

	golden := filepath.Join("testdata", "page_layout.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./atlas -run PageLayout -update writes it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("the layout differs from %s from line %d:\n got %s\nwant %s", golden, i+1, g, w)
			}
		}
	}
}

// TestWriteGivesOnePagePerPage checks the PDF's page count and that the
// pages' boxes fit inside A4.
func TestWriteGivesOnePagePerPage(t *testing.T) {
	fonts, err := LoadFonts(data.Fonts())
	if err != nil {
		t.Fatal(err)
	}
	pages, err := UnitPages(gridData(t), "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	doc := &Document{Fonts: fonts, Lang: Bangla, Source: "test", Date: time.Now(), Attribution: "test", Subset: true}
	if err := doc.Write(context.Background(), &buf, pages); err != nil {
		t.Fatal(err)
	}
	if got := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(buf.Bytes(), -1)); got != len(pages) {
		t.Errorf("%d /Type/Page objects, want %d", got, len(pages))
	}
	if got := len(readPDF(t, buf.Bytes()).pages); got != len(pages) {
		t.Errorf("the page tree holds %d pages, want %d", got, len(pages))
	}
	L := pageLayout
	for name, b := range map[string]box{"title": L.Title, "map": L.Map, "legend": L.Legend, "north": L.North, "scale": L.Scale, "table": L.Table, "footer": L.Footer} {
		if b.X < margin-1e-9 || b.Y < margin-1e-9 || b.X+b.W > pageW-margin+1e-9 || b.Y+b.H > pageH-margin+1e-9 {
			t.Errorf("the %s box %+v leaves the page's margins", name, b)
		}
	}
	if err := doc.Write(context.Background(), &buf, nil); err == nil {
		t.Error("Write of no pages: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := doc.Write(ctx, &buf, pages); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context: %v, want context.Canceled", err)
	}
}
