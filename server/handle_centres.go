package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/survey"
)

// maxCentresUpload bounds a centres file (a few thousand rows fit in far
// less).
const maxCentresUpload = 32 << 20

// centreRoutes adds the common service centre routes when the enterprise
// store also keeps centres (guccho.CentreStore) and a sector catalogue is
// configured:
//
//	GET    /api/centres[?sector=&admin=&bbox=]  GeoJSON FeatureCollection of Points
//	GET    /api/centres/{id}                    one Feature
//	POST   /api/centres                         create (editors): 201
//	PUT    /api/centres/{id}                    replace (editors)
//	DELETE /api/centres/{id}                    delete (editors): 204
//	POST   /api/centres/import                  a CSV, XLSX or GeoJSON file (editors), all or nothing
func (s *Server) centreRoutes(api *mux.Router) {
	cs, ok := s.cfg.Enterprises.(guccho.CentreStore)
	if !ok || s.cfg.Sectors == nil {
		return
	}
	h := &centreHandlers{s: s, store: cs}
	api.Handle("/centres", methods{http.MethodGet: h.list, http.MethodPost: s.requireWriter(h.create)})
	api.Handle("/centres/import", methods{http.MethodPost: s.requireWriter(h.importFile)})
	api.Handle("/centres/{id}", methods{http.MethodGet: h.get,
		http.MethodPut: s.requireWriter(h.update), http.MethodDelete: s.requireWriter(h.delete)})
}

// centreHandlers serve the centre routes from one store.
type centreHandlers struct {
	s     *Server
	store guccho.CentreStore
}

// centreFeature is a centre as a GeoJSON Feature; the properties are the
// contract the web app draws from.
func centreFeature(c *guccho.Centre, withAttributes bool) map[string]any {
	props := map[string]any{
		"id": c.ID, "name_en": c.NameEN, "name_bn": c.NameBN, "sector": c.Sector, "services": nonNil(c.Services),
		"operator": c.Operator, "adm1_pcode": c.Admin.Division, "adm2_pcode": c.Admin.District,
		"adm3_pcode": c.Admin.Upazila, "adm4_pcode": c.Admin.Union, "synthetic": c.Synthetic,
	}
	if withAttributes {
		props["attributes"] = c.Attributes
		props["created_at"], props["updated_at"] = c.CreatedAt, c.UpdatedAt
	}
	return map[string]any{"type": "Feature", "id": c.ID,
		"geometry": map[string]any{"type": "Point", "coordinates": c.Point}, "properties": props}
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// filter parses ?sector=&admin=&bbox= (one sector; admin any level's
// P-code; bbox west,south,east,north) and refuses other parameters.
func (h *centreHandlers) filter(r *http.Request) (guccho.CentreFilter, error) {
	for name := range r.URL.Query() {
		if name != "sector" && name != "admin" && name != "bbox" {
			return guccho.CentreFilter{}, badParam(name, "unknown for centres (use sector, admin or bbox)")
		}
	}
	ef, err := h.s.enterpriseFilter(r)
	if err != nil {
		return guccho.CentreFilter{}, err
	}
	if len(ef.Sectors) > 1 {
		return guccho.CentreFilter{}, badParam("sector", "%q: give one sector", r.URL.Query().Get("sector"))
	}
	f := guccho.CentreFilter{Admin: ef.Admin, Bound: ef.Bound}
	if len(ef.Sectors) == 1 {
		f.Sector = ef.Sectors[0]
	}
	return f, nil
}

// list answers GET /api/centres: the matching centres (a sector filter
// keeps the centres serving every sector too) as a FeatureCollection
// ordered by id.
func (h *centreHandlers) list(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	list, err := h.store.FindCentres(r.Context(), f)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	features := make([]any, len(list))
	for i, c := range list {
		features[i] = centreFeature(c, false)
	}
	writeGeoJSON(w, http.StatusOK, map[string]any{"type": "FeatureCollection", "features": features})
}

// writeGeoJSON writes v as JSON with the GeoJSON media type.
func writeGeoJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/geo+json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// get answers GET /api/centres/{id}: one Feature, with its attributes and
// times.
func (h *centreHandlers) get(w http.ResponseWriter, r *http.Request) {
	c, err := h.store.FindCentreByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, http.StatusOK, centreFeature(c, true))
}

// centreInput is the body of POST and PUT /api/centres.
type centreInput struct {
	ID         string            `json:"id"`
	NameEN     string            `json:"name_en"`
	NameBN     string            `json:"name_bn"`
	Sector     string            `json:"sector"`
	Services   []string          `json:"services"`
	Operator   string            `json:"operator"`
	Lon        *float64          `json:"lon"`
	Lat        *float64          `json:"lat"`
	Attributes map[string]string `json:"attributes"`
}

// decode reads and checks a body; the store checks the rest (name, point
// inside a unit).
func (h *centreHandlers) decode(r *http.Request) (*guccho.Centre, error) {
	var in centreInput
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "request body: %v", err)
	}
	c := &guccho.Centre{ID: strings.TrimSpace(in.ID), NameEN: strings.TrimSpace(in.NameEN), NameBN: strings.TrimSpace(in.NameBN),
		Services: nonNil(in.Services), Operator: in.Operator, Attributes: in.Attributes}
	if in.Sector != "" {
		sec, ok := h.s.cfg.Sectors.Lookup(in.Sector)
		if !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "field \"sector\": unknown sector %q (known: %s; leave it out for every sector)", in.Sector, strings.Join(h.s.cfg.Sectors.Codes(), ", "))
		}
		c.Sector = sec.Code
	}
	if in.Lon == nil || in.Lat == nil {
		return nil, guccho.Errorf(guccho.EINVALID, "fields \"lon\" and \"lat\": both required, in decimal degrees")
	}
	c.Point = orb.Point{*in.Lon, *in.Lat}
	if err := geo.CheckLonLat(c.Point); err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "fields \"lon\" and \"lat\": [%g, %g] is not a longitude and a latitude", c.Point[0], c.Point[1])
	}
	return c, nil
}

// create answers POST /api/centres (editors): 201 with the Feature; the id
// is derived when none is given; 409 when it exists.
func (h *centreHandlers) create(w http.ResponseWriter, r *http.Request) {
	c, err := h.decode(r)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if c.ID == "" {
		c.ID = guccho.CentreID(c.NameEN, c.Point)
	}
	if err := h.store.CreateCentre(r.Context(), c); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/centres/"+c.ID)
	writeGeoJSON(w, http.StatusCreated, centreFeature(c, true))
}

// update answers PUT /api/centres/{id} (editors): the whole centre is
// replaced; it stays synthetic if it was.
func (h *centreHandlers) update(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	c, err := h.decode(r)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if c.ID != "" && c.ID != id {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"id\": %q differs from the URL's %q", c.ID, id))
		return
	}
	c.ID = id
	old, err := h.store.FindCentreByID(r.Context(), id)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	c.Synthetic = old.Synthetic
	if err := h.store.UpdateCentre(r.Context(), c); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, http.StatusOK, centreFeature(c, true))
}

// delete answers DELETE /api/centres/{id} (editors): 204.
func (h *centreHandlers) delete(w http.ResponseWriter, r *http.Request) {
	if err := h.store.DeleteCentre(r.Context(), mux.Vars(r)["id"]); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// rowErrorsBody is a 400 answer that lists the bad rows of a file.
type rowErrorsBody struct {
	errorBody
	Rows []guccho.RowError `json:"rows"`
}

// importFile answers POST /api/centres/import (editors): multipart/form-data
// with a field "file" (CSV, XLSX or GeoJSON; see survey.ReadCentres). All or
// nothing: 200 with {"created", "updated"}, or 400 with the error and, when
// rows are at fault, every bad row {"row", "field", "reason"}.
func (h *centreHandlers) importFile(w http.ResponseWriter, r *http.Request) {
	limit := min(h.s.cfg.MaxUploadBytes, maxCentresUpload)
	tooBig := guccho.Errorf(guccho.ETOOLARGE, "a centres file may have at most %d MB", limit>>20)
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	file, hdr, err := r.FormFile("file")
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || errors.Is(err, multipart.ErrMessageTooLarge) {
			h.s.writeError(w, r, tooBig)
			return
		}
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "request body: want multipart/form-data with a field \"file\" (%v)", err))
		return
	}
	defer file.Close()
	b, err := io.ReadAll(file)
	if err != nil {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "reading the upload: %v", err))
		return
	}
	rd, err := survey.Open(bytes.NewReader(b), int64(len(b)), filepath.Base(hdr.Filename))
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	cs, rowErrs, err := survey.ReadCentres(rd, h.s.cfg.Sectors)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if len(rowErrs) > 0 {
		var body rowErrorsBody
		body.Error.Code = guccho.EINVALID
		body.Error.Message = rowsMessage(len(rowErrs))
		body.Rows = rowErrs
		writeJSON(w, http.StatusBadRequest, body)
		return
	}
	counts, err := h.store.ImportCentres(r.Context(), cs)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, counts)
}

// rowsMessage says that a file was refused for its bad rows.
func rowsMessage(n int) string {
	if n == 1 {
		return "1 row of the file is bad; nothing was imported"
	}
	return strconv.Itoa(n) + " rows of the file are bad; nothing was imported"
}
