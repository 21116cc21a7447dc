package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/survey"
)

// handleSectors answers GET /api/sectors: the sector catalogue.
func (s *Server) handleSectors(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"sectors": s.cfg.Sectors.All()})
}

// sectorsParam parses ?sector=a,b into catalogue codes, each once (see
// listParam for the limit).
func (s *Server) sectorsParam(r *http.Request) ([]string, error) {
	names, err := listParam("sector", r.URL.Query().Get("sector"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range names {
		sec, ok := s.cfg.Sectors.Lookup(name)
		if !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "parameter sector: unknown sector %q (known: %s)", name, strings.Join(s.cfg.Sectors.Codes(), ", "))
		}
		if !contains(out, sec.Code) {
			out = append(out, sec.Code)
		}
	}
	return out, nil
}

// enterpriseFilter parses the filter parameters of GET /api/enterprises.
func (s *Server) enterpriseFilter(r *http.Request) (guccho.EnterpriseFilter, error) {
	q := r.URL.Query()
	var f guccho.EnterpriseFilter
	var err error
	if f.Sectors, err = s.sectorsParam(r); err != nil {
		return f, err
	}
	if v := q.Get("admin"); v != "" {
		l, err := geo.PCodeLevel(v)
		if err != nil || l == geo.Country {
			return f, guccho.Errorf(guccho.EINVALID, "parameter admin: %q is not a division, district, upazila or union P-code", v)
		}
		f.Admin = v
	}
	if v := q.Get("bbox"); v != "" {
		b, err := bboxParam(v)
		if err != nil {
			return f, err
		}
		f.Bound = &b
	}
	methods, err := listParam("method", q.Get("method"))
	if err != nil {
		return f, err
	}
	for _, m := range methods {
		if !contains(guccho.GeocodeMethods, m) {
			return f, guccho.Errorf(guccho.EINVALID, "parameter method: %q is not one of %s", m, strings.Join(guccho.GeocodeMethods, ", "))
		}
		f.Methods = append(f.Methods, m)
	}
	f.ImportID = q.Get("import")
	if v := q.Get("after"); v != "" {
		if f.After, err = strconv.ParseInt(v, 10, 64); err != nil || f.After < 0 {
			return f, guccho.Errorf(guccho.EINVALID, "parameter after: %q is not a feature id", v)
		}
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// handleEnterprises answers GET /api/enterprises: enterprises matching the
// filters (sector, admin, bbox, method, import), in feature-id order, as
// JSON pages (limit, default 100, at most 1,000; after = the last feature id
// seen), or streamed whole as GeoJSON (format=geojson) or CSV (format=csv).
func (s *Server) handleEnterprises(w http.ResponseWriter, r *http.Request) {
	f, err := s.enterpriseFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		max := 1000
		if format != "json" {
			max = 1 << 30
		}
		if err != nil || n < 1 || n > max {
			s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter limit: %q is not a number from 1 to %d", v, max))
			return
		}
		f.Limit = n
	} else if format == "json" {
		f.Limit = 100
	}
	switch format {
	case "json":
		list := []*guccho.Enterprise{}
		err := s.cfg.Enterprises.FindEnterprises(r.Context(), f, func(e *guccho.Enterprise) error {
			list = append(list, e)
			return nil
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var next any
		if len(list) == f.Limit {
			next = list[len(list)-1].FeatureID
		}
		writeJSON(w, http.StatusOK, map[string]any{"enterprises": list, "next_after": next})
	case "geojson":
		s.streamGeoJSON(w, r, f)
	case "csv":
		s.streamCSV(w, r, f)
	default:
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter format: %q is not json, geojson or csv", format))
	}
}

// streamGeoJSON writes a FeatureCollection one feature at a time. Enterprises
// not placed are written with a null geometry. A store failure is an error
// response, or an aborted one once bytes were sent (see endExport).
func (s *Server) streamGeoJSON(w http.ResponseWriter, r *http.Request, f guccho.EnterpriseFilter) {
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Content-Disposition", `attachment; filename="enterprises.geojson"`)
	out := newExport(w)
	io.WriteString(out, `{"type":"FeatureCollection","features":[`)
	first := true
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	err := s.cfg.Enterprises.FindEnterprises(r.Context(), f, func(e *guccho.Enterprise) error {
		if !first {
			io.WriteString(out, ",")
		}
		first = false
		var geom any
		if e.Placed() {
			geom = map[string]any{"type": "Point", "coordinates": e.Point}
		}
		return enc.Encode(map[string]any{"type": "Feature", "id": e.FeatureID, "geometry": geom, "properties": e})
	})
	if err == nil {
		_, err = io.WriteString(out, "]}\n")
	}
	s.endExport(out, r, "geojson export", err)
}

// csvColumns are the columns of the CSV export.
var csvColumns = []string{"id", "name", "sector", "sub_sector", "lon", "lat", "display_point", "gps_lon", "gps_lat",
	"division", "district", "upazila", "union", "stated_division", "stated_district", "stated_upazila", "stated_union",
	"geocode_method", "geocode_score", "geocode_flags", "employment_self", "employment_wage", "employment_female",
	"employment_male", "owner_gender", "recp_aware", "recp_adopted", "recp_practices", "barriers", "synthetic", "import_id", "attributes"}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func optBool(p *bool) string {
	if p == nil {
		return ""
	}
	return strconv.FormatBool(*p)
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func csvRow(e *guccho.Enterprise) []string {
	var lon, lat, glon, glat string
	if e.Placed() {
		lon, lat = fmtFloat(e.Point[0]), fmtFloat(e.Point[1])
	}
	if e.GPS != nil {
		glon, glat = fmtFloat(e.GPS[0]), fmtFloat(e.GPS[1])
	}
	attrs := ""
	if len(e.Attributes) > 0 {
		b, _ := json.Marshal(e.Attributes)
		attrs = string(b)
	}
	return []string{e.ID, e.Name, e.Sector, e.SubSector, lon, lat, strconv.FormatBool(e.DisplayPoint), glon, glat,
		e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union,
		e.Stated.Division, e.Stated.District, e.Stated.Upazila, e.Stated.Union,
		e.Geocode.Method, strconv.FormatFloat(e.Geocode.Score, 'f', 3, 64), strings.Join(e.Geocode.Flags, ";"),
		strconv.Itoa(e.Employment.Self), strconv.Itoa(e.Employment.Wage), optInt(e.Employment.Female), optInt(e.Employment.Male),
		e.OwnerGender, optBool(e.RECP.Aware), optBool(e.RECP.Adopted), strings.Join(e.RECP.Practices, ";"),
		strings.Join(e.Barriers, ";"), strconv.FormatBool(e.Synthetic), e.ImportID, attrs}
}

// streamCSV writes the enterprises as CSV safe to open in a spreadsheet. A
// store failure is an error response, or an aborted one once bytes were
// sent (see endExport).
func (s *Server) streamCSV(w http.ResponseWriter, r *http.Request, f guccho.EnterpriseFilter) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="enterprises.csv"`)
	out := newExport(w)
	cw := survey.NewCSVWriter(out, csvColumns)
	err := s.cfg.Enterprises.FindEnterprises(r.Context(), f, func(e *guccho.Enterprise) error {
		return cw.Write(csvRow(e))
	})
	if err == nil {
		err = cw.Flush()
	}
	s.endExport(out, r, "csv export", err)
}

// handleEnterpriseStats answers GET /api/enterprises/stats[?admin=P]: counts
// per sector and geocode method, and how many are synthetic. The answer is
// cached until the enterprises change (when the store sums enterprises per
// unit, which keeps the statistics cache): the whole country's counts read
// every enterprise, and the web app asks for them on every start.
func (s *Server) handleEnterpriseStats(w http.ResponseWriter, r *http.Request) {
	admin := r.URL.Query().Get("admin")
	if admin != "" {
		if l, err := geo.PCodeLevel(admin); err != nil || l == geo.Country {
			s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter admin: %q is not a division, district, upazila or union P-code", admin))
			return
		}
	}
	count := func(ctx context.Context, _ versions) ([]byte, error) {
		st, err := s.cfg.Enterprises.EnterpriseStats(ctx, admin)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(st); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "encoding enterprise stats")
		}
		return buf.Bytes(), nil
	}
	if s.stats == nil {
		b, err := count(r.Context(), versions{})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeEncoded(w, b, "miss")
		return
	}
	key := "enterprise-stats:" + admin
	v := s.statsVersions()
	if b, ok := s.stats.result(key); ok {
		writeEncoded(w, b, "hit")
		return
	}
	b, err := shared(r.Context(), s.stats, "the enterprise counts of "+cmp.Or(admin, "the country"), v, func(ctx context.Context, v versions) ([]byte, error) {
		b, err := count(ctx, v)
		if err == nil {
			s.stats.putResult(v, key, b)
		}
		return b, err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeEncoded(w, b, "miss")
}

// enterpriseView is an enterprise as GET /api/enterprises/{id} shows it: with
// the names of its admin units.
type enterpriseView struct {
	*guccho.Enterprise
	AdminNames map[string]map[string]string `json:"admin_names"`
}

func (s *Server) view(r *http.Request, e *guccho.Enterprise) enterpriseView {
	v := enterpriseView{Enterprise: e, AdminNames: map[string]map[string]string{}}
	levels := map[string]string{e.Admin.Division: "division", e.Admin.District: "district", e.Admin.Upazila: "upazila", e.Admin.Union: "union"}
	var codes []string
	for c := range levels {
		if c != "" {
			codes = append(codes, c)
		}
	}
	if len(codes) > 0 {
		if units, err := s.cfg.Geo.FindUnits(r.Context(), geo.UnitFilter{PCodes: codes}); err == nil {
			for _, u := range units {
				v.AdminNames[levels[u.PCode]] = map[string]string{"pcode": u.PCode, "en": u.DisplayName(), "bn": u.NameBN}
			}
		}
	}
	return v
}

// handleEnterprise answers GET /api/enterprises/{id}.
func (s *Server) handleEnterprise(w http.ResponseWriter, r *http.Request) {
	e, err := s.cfg.Enterprises.FindEnterpriseByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.view(r, e))
}

// enterpriseInput is the body of POST and PUT /api/enterprises: what a
// person enters; the server places it.
type enterpriseInput struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Sector      string            `json:"sector"`
	SubSector   string            `json:"sub_sector"`
	GPS         []float64         `json:"gps"` // [lon, lat]
	Stated      guccho.AdminNames `json:"stated"`
	Employment  guccho.Employment `json:"employment"`
	OwnerGender string            `json:"owner_gender"`
	RECP        guccho.RECP       `json:"recp"`
	Barriers    []string          `json:"barriers"`
	Attributes  map[string]string `json:"attributes"`
}

// decodeEnterprise reads and checks a body, and places the enterprise.
func (s *Server) decodeEnterprise(w http.ResponseWriter, r *http.Request) (*guccho.Enterprise, error) {
	var in enterpriseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return nil, err
	}
	sec, ok := s.cfg.Sectors.Lookup(in.Sector)
	if !ok {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"sector\": unknown sector %q (known: %s)", in.Sector, strings.Join(s.cfg.Sectors.Codes(), ", "))
	}
	switch in.OwnerGender {
	case "", "female", "male", "other":
	default:
		return nil, guccho.Errorf(guccho.EINVALID, "field \"owner_gender\": %q is not female, male or other", in.OwnerGender)
	}
	e := &guccho.Enterprise{ID: strings.TrimSpace(in.ID), Name: in.Name, Sector: sec.Code, SubSector: in.SubSector,
		Stated: in.Stated, Employment: in.Employment, OwnerGender: in.OwnerGender, RECP: in.RECP,
		Barriers: in.Barriers, Attributes: in.Attributes}
	if in.GPS != nil {
		if len(in.GPS) != 2 {
			return nil, guccho.Errorf(guccho.EINVALID, "field \"gps\": %d numbers; want [lon, lat]", len(in.GPS))
		}
		p := orb.Point{in.GPS[0], in.GPS[1]}
		if err := geo.CheckLonLat(p); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "field \"gps\": [%g, %g] is not [lon, lat]", p[0], p[1])
		}
		e.GPS = &p
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"name\": empty")
	}
	if e.ID != "" {
		if err := guccho.CheckID(e.ID); err != nil {
			return nil, err
		}
	}
	if err := e.ValidateText(); err != nil {
		return nil, err
	}
	if err := s.cfg.Geocoders.Place(r.Context(), e); err != nil {
		return nil, err
	}
	return e, nil
}

// handleCreateEnterprise answers POST /api/enterprises (editors): 201 with
// the placed enterprise, 409 when the id exists.
func (s *Server) handleCreateEnterprise(w http.ResponseWriter, r *http.Request) {
	e, err := s.decodeEnterprise(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if e.ID == "" {
		e.ID = "web-" + strings.TrimPrefix(newID(), "imp-")
	}
	if err := s.cfg.Enterprises.CreateEnterprise(r.Context(), e); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/enterprises/"+e.ID)
	writeJSON(w, http.StatusCreated, s.view(r, e))
}

// handleUpdateEnterprise answers PUT /api/enterprises/{id} (editors).
func (s *Server) handleUpdateEnterprise(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	e, err := s.decodeEnterprise(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if e.ID != "" && e.ID != id {
		s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"id\": %q differs from the URL's %q", e.ID, id))
		return
	}
	e.ID = id
	old, err := s.cfg.Enterprises.FindEnterpriseByID(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e.Synthetic = old.Synthetic
	if err := s.cfg.Enterprises.UpdateEnterprise(r.Context(), e); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.view(r, e))
}

// handleDeleteEnterprise answers DELETE /api/enterprises/{id} (editors): 204.
func (s *Server) handleDeleteEnterprise(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Enterprises.DeleteEnterprise(r.Context(), mux.Vars(r)["id"]); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
