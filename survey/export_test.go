package survey

import (
	"bytes"
	"errors"
	"testing"

	"github.com/guccho/guccho"
)

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-", "'-"},
		{"-3.5", "-3.5"},
		{"-90.4125", "-90.4125"},
		{"-1e-3", "-1e-3"},
		{"-.5", "-.5"},
		{"+8801712345678", "'+8801712345678"},
		{"3.5", "3.5"},
		{"Rahim = owner", "Rahim = owner"},
		{"রহিম", "রহিম"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSVWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b, []string{"name", "=evil header", "lat"})
	if err := w.Write([]string{"রহিম, দুগ্ধ", "=1+1", "-23.5"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"too", "few"}); guccho.ErrorCode(err) != guccho.EINVALID {
		t.Errorf("a short row: %v, want EINVALID", err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFname,'=evil header,lat\n\"রহিম, দুগ্ধ\",'=1+1,-23.5\n"
	if got := b.String(); got != want {
		t.Errorf("output:\n got %q\nwant %q", got, want)
	}
	t.Run("a header is written even without rows", func(t *testing.T) {
		var b bytes.Buffer
		w := NewCSVWriter(&b, []string{"a"})
		if err := w.Flush(); err != nil || b.String() != "\uFEFFa\n" {
			t.Errorf("got %q, %v", b.String(), err)
		}
	})
	t.Run("write errors stick", func(t *testing.T) {
		w := NewCSVWriter(errWriter{}, []string{"a"})
		w.Write([]string{"1"})
		if err := w.Flush(); !errors.Is(err, errDisk) {
			t.Errorf("Flush: %v, want the writer's error", err)
		}
		if err := w.Write([]string{"2"}); !errors.Is(err, errDisk) {
			t.Errorf("Write after an error: %v, want the writer's error", err)
		}
	})
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errDisk }
