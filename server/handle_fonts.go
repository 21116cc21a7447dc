package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/typeset"
)

// handleFont answers GET /fonts/{name}: a font shipped in the binary
// (data.Fonts: Noto Sans Bengali and Noto Sans, regular and bold), so the
// page and its PNG, PDF and PowerPoint exports set text in the same font,
// offline. The files never change within a build, so they are cached for a
// year; an unknown name is 404.
func (s *Server) handleFont(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	if !strings.HasSuffix(name, ".ttf") {
		writeErrorCode(w, r, http.StatusNotFound, guccho.ENOTFOUND, "no font "+name)
		return
	}
	if _, err := fs.Stat(data.Fonts(), name); err != nil {
		writeErrorCode(w, r, http.StatusNotFound, guccho.ENOTFOUND, "no font "+name)
		return
	}
	w.Header().Set("Content-Type", "font/ttf")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeFileFS(w, r, data.Fonts(), name)
}

// shapeAnswer is the answer of GET /api/shape: the runs of each text, in
// the order of the text parameters.
type shapeAnswer struct {
	Texts [][]typeset.Run `json:"texts"`
}

// maxShapeTexts bounds the text parameters of one GET /api/shape.
const maxShapeTexts = 200

// handleShape answers GET /api/shape?text=…[&text=…][&weight=bold]: each
// text shaped with the shipped fonts into glyph runs (typeset.Shaper), so
// the PDF export can draw Bangla by glyph id exactly as HarfBuzz shapes it.
// No text, more than maxShapeTexts texts, a text longer than
// typeset.MaxRunes or a weight other than regular or bold is EINVALID.
func (s *Server) handleShape(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	texts := q["text"]
	if len(texts) == 0 {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter text: missing"))
		return
	}
	if len(texts) > maxShapeTexts {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter text: %d texts, at most %d", len(texts), maxShapeTexts))
		return
	}
	var bold bool
	switch weight := q.Get("weight"); weight {
	case "", "regular":
	case "bold":
		bold = true
	default:
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter weight: %q is not regular or bold", weight))
		return
	}
	ans := shapeAnswer{Texts: make([][]typeset.Run, len(texts))}
	for i, text := range texts {
		runs, err := s.shaper.Shape(text, bold)
		if err != nil {
			s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter text: %s", guccho.ErrorMessage(err)))
			return
		}
		if runs == nil {
			runs = []typeset.Run{}
		}
		ans.Texts[i] = runs
	}
	// Shaping depends only on the text and the fonts of this build.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	writeJSON(w, http.StatusOK, ans)
}
