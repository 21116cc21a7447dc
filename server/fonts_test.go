package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/typeset"
)

// The shipped fonts are served by name, byte for byte, cached as immutable;
// other names are 404.
func TestFonts(t *testing.T) {
	ts, _ := newServer(t, nil)
	for _, name := range []string{data.FontBengali, data.FontBengaliBold, data.FontLatin, data.FontLatinBold} {
		t.Run(name, func(t *testing.T) {
			r := get(t, ts.URL+"/fonts/"+name)
			want, err := data.Font(name)
			if err != nil {
				t.Fatal(err)
			}
			if r.status != http.StatusOK || !bytes.Equal(r.body, want) {
				t.Fatalf("got status %d and %d bytes, want 200 and the %d bytes of the font", r.status, len(r.body), len(want))
			}
			if got := r.header.Get("Content-Type"); got != "font/ttf" {
				t.Errorf("got Content-Type %q, want font/ttf", got)
			}
			if got := r.header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
				t.Errorf("got Cache-Control %q, want immutable", got)
			}
		})
	}
	for _, name := range []string{"OFL.txt", "README.md", "Arial.ttf"} {
		wantError(t, get(t, ts.URL+"/fonts/"+name), http.StatusNotFound, "not_found", name)
	}
}

// GET /api/shape answers the runs of each text as package typeset shapes
// them, in the order asked, and names the parameter at fault otherwise.
func TestShape(t *testing.T) {
	ts, _ := newServer(t, nil)
	texts := []string{"কিশোরগঞ্জ", "Dhaka — ঢাকা"}
	q := url.Values{"text": texts, "weight": {"bold"}}
	var got struct {
		Texts [][]typeset.Run `json:"texts"`
	}
	decode(t, get(t, ts.URL+"/api/shape?"+q.Encode()), &got)
	if len(got.Texts) != len(texts) {
		t.Fatalf("got %d texts, want %d", len(got.Texts), len(texts))
	}
	sh := typeset.NewShaper()
	for i, text := range texts {
		want, err := sh.Shape(text, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Texts[i]) != len(want) {
			t.Fatalf("text %q: got %d runs, want %d", text, len(got.Texts[i]), len(want))
		}
		for j := range want {
			g, w := got.Texts[i][j], want[j]
			if g.Font != w.Font || g.Text != w.Text || len(g.Glyphs) != len(w.Glyphs) || g.Glyphs[0] != w.Glyphs[0] {
				t.Errorf("text %q run %d: got %+v, want %+v", text, j, g, w)
			}
		}
	}

	tests := []struct {
		name, query, want string
	}{
		{"no text", "", "parameter text"},
		{"unknown weight", "text=a&weight=heavy", "parameter weight"},
		{"text too long", "text=" + strings.Repeat("a", typeset.MaxRunes+1), "parameter text"},
		{"too many texts", strings.Repeat("text=a&", 201), "parameter text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/shape?"+tt.query), http.StatusBadRequest, "invalid", tt.want)
		})
	}
}

// The configuration names the whole boundary attribution that exports print.
func TestConfigBoundariesAttribution(t *testing.T) {
	ts, _ := newServer(t, nil)
	var got map[string]any
	decode(t, get(t, ts.URL+"/api/config"), &got)
	if got["boundaries_attribution"] != data.BoundariesAttribution {
		t.Errorf("got boundaries_attribution %q, want %q", got["boundaries_attribution"], data.BoundariesAttribution)
	}
}
