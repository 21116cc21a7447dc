package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"sort"
	"time"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/survey"
)

func newID() string { return importer.NewID() }

// publishImport tells websocket subscribers of the imports topic of an
// import's progress (the runner calls it a few times a second while the
// import runs, and at its end).
func (s *Server) publishImport(imp guccho.Import) {
	payload, err := json.Marshal(viewImport(imp))
	if err != nil {
		return
	}
	s.hub.PublishTransient(guccho.Event{Type: guccho.EventImportProgress, Payload: payload})
}

// importView adds live progress to an import's record.
type importView struct {
	guccho.Import
	Progress map[string]int `json:"progress"`
}

// viewImport is an import as the API shows it: never where its file is on
// the machine that ran it (Source, kept for a resume).
func viewImport(imp guccho.Import) importView {
	imp.Source = nil
	return importView{Import: imp, Progress: map[string]int{"rows": imp.Read}}
}

// handleCreateImport answers POST /api/imports (editors): a multipart upload
// with the survey in the field "file" and optionally a JSON column mapping
// in "mapping". The file is spooled to disk, opened (an unreadable file gets
// 400 at once), and imported in the background by the importer.Runner; the
// answer is 202 with the import's id. Uploads above the configured limit get
// 413; a server without Config.Importer answers 404.
func (s *Server) handleCreateImport(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Importer == nil {
		s.writeError(w, r, guccho.Errorf(guccho.ENOTFOUND, "imports are not enabled on this server"))
		return
	}
	limit := s.cfg.MaxUploadBytes
	if r.ContentLength > limit {
		s.writeError(w, r, tooLarge(limit))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "request body: want multipart/form-data with a field \"file\" (%v)", err))
		return
	}
	var up *importer.Upload
	var filename string
	var explicit *survey.Mapping
	defer func() {
		if up != nil {
			up.Discard()
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.writeError(w, r, uploadErr(err, limit))
			return
		}
		switch part.FormName() {
		case "file":
			if up != nil {
				s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"file\": send one file per import"))
				return
			}
			filename = filepath.Base(part.FileName())
			if up, err = s.imports.Spool(filename); err != nil {
				s.writeError(w, r, err)
				return
			}
			if _, err := io.Copy(up, part); err != nil {
				s.writeError(w, r, uploadErr(err, limit))
				return
			}
		case "mapping":
			m, err := survey.ReadMapping(io.LimitReader(part, 1<<20))
			if err != nil {
				s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"mapping\": %s", guccho.ErrorMessage(err)))
				return
			}
			explicit = &m
		}
		part.Close()
	}
	if up == nil {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"file\": missing"))
		return
	}
	rd, err := up.Open()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	mapping := survey.DetectMapping(rd.Columns())
	if explicit != nil {
		mapping = mapping.Merge(*explicit)
	}
	imp := &guccho.Import{ID: newID(), Filename: filename, Format: rd.Format(), Status: guccho.ImportRunning,
		StartedAt: time.Now().UTC(), CreatedBy: tokenFrom(r.Context()).ID}
	accepted := viewImport(s.imports.Start(imp, up, rd, mapping))
	up = nil // the runner owns it now
	w.Header().Set("Location", "/api/imports/"+accepted.ID)
	writeJSON(w, http.StatusAccepted, accepted)
}

func tooLarge(limit int64) error {
	return guccho.Errorf(guccho.ETOOLARGE, "the upload is larger than this server's limit of %d MB (set --max-upload-mb)", limit>>20)
}

func uploadErr(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return tooLarge(limit)
	}
	return guccho.Errorf(guccho.EINVALID, "reading the upload: %v", err)
}

// handleImports answers GET /api/imports: every import, newest first.
func (s *Server) handleImports(w http.ResponseWriter, r *http.Request) {
	list, err := s.cfg.Enterprises.FindImports(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]importView, 0, len(list))
	for _, imp := range list {
		if live, ok := s.imports.Running(imp.ID); ok {
			imp = &live
		}
		out = append(out, importFor(tokenFrom(r.Context()), *imp))
	}
	writeJSON(w, http.StatusOK, map[string]any{"imports": out})
}

// handleImport answers GET /api/imports/{id}: the report, with live progress
// while the import runs.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if live, ok := s.imports.Running(id); ok {
		writeJSON(w, http.StatusOK, importFor(tokenFrom(r.Context()), live))
		return
	}
	imp, err := s.cfg.Enterprises.FindImportByID(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, importFor(tokenFrom(r.Context()), *imp))
}

// handleImportFailures answers GET /api/imports/{id}/failures.csv (editors,
// since it carries the rows' contents): every row that failed or had a value
// ignored, with the reason and the row's cells.
func (s *Server) handleImportFailures(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.cfg.Enterprises.FindImportByID(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	// First pass: the columns the failed rows have.
	seen := map[string]bool{}
	var columns []string
	err := s.cfg.Enterprises.FindImportFailures(r.Context(), id, func(re guccho.RowError) error {
		var keys []string
		for k := range re.Values {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		columns = append(columns, keys...)
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-failures.csv"`, id))
	out := newExport(w)
	cw := survey.NewFailuresWriter(out, columns)
	err = s.cfg.Enterprises.FindImportFailures(r.Context(), id, cw.Write)
	if err == nil {
		err = cw.Flush()
	}
	s.endExport(out, r, "failures export", err)
}

// handleUndoImport answers POST /api/imports/{id}/undo (admins): the
// import is undone as a whole (guccho.EnterpriseStore.UndoImport) and the
// answer is its record, now "undone". Its enterprises.changed events reach
// every map over /ws. 404 for an unknown id; 409, naming the rows, when
// rows it wrote were edited since or written by a later import; 400 when it
// is not a succeeded import (a running one, or one undone already). The
// undo is not cut short when the client goes or the request times out: it
// runs to its end (a big one may take minutes; GET /api/imports/{id} shows
// "undoing" meanwhile), and a crash leaves it to the next start.
func (s *Server) handleUndoImport(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, ok := s.imports.Running(id); ok {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "import %s is still running: wait for it to end", id))
		return
	}
	imp, err := s.cfg.Enterprises.UndoImport(context.WithoutCancel(r.Context()), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, importFor(tokenFrom(r.Context()), *imp))
}
