package server

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/valuechain"
)

// Betweenness in GET /api/valuechains/{id} is exact up to this many actors,
// else estimated from valuechainPivots sampled sources (seeded, so the
// answer is the same every time).
const (
	valuechainExactActors = 1000
	valuechainPivots      = 200
)

// valuechainRoutes adds the value-chain API when the enterprise store also
// keeps value chains (both stores do).
func (s *Server) valuechainRoutes(api *mux.Router) {
	vc, ok := s.cfg.Enterprises.(valuechain.Store)
	if !ok {
		return
	}
	h := valuechainHandlers{s: s, store: vc}
	api.Handle("/valuechains", methods{http.MethodGet: h.list, http.MethodPost: s.requireWriter(h.createChain)})
	api.Handle("/valuechains/import", methods{http.MethodPost: s.requireWriter(h.importChain)})
	if s.stats != nil { // clusters need the statistics
		api.Handle("/valuechains/assemble", methods{http.MethodPost: s.requireWriter(h.assemble)})
	}
	api.Handle("/valuechains/{id}", methods{http.MethodGet: h.get,
		http.MethodPut: s.requireWriter(h.updateChain), http.MethodDelete: s.requireWriter(h.deleteChain)})
	api.Handle("/valuechains/{id}/actors", methods{http.MethodPost: s.requireWriter(h.createActor)})
	api.Handle("/valuechains/{id}/actors/{actor}", methods{http.MethodPut: s.requireWriter(h.updateActor), http.MethodDelete: s.requireWriter(h.deleteActor)})
	api.Handle("/valuechains/{id}/links", methods{http.MethodPost: s.requireWriter(h.createLink)})
	api.Handle("/valuechains/{id}/links/{link}", methods{http.MethodPut: s.requireWriter(h.updateLink), http.MethodDelete: s.requireWriter(h.deleteLink)})
}

type valuechainHandlers struct {
	s     *Server
	store valuechain.Store
}

// list answers GET /api/valuechains?sector=&cluster=&admin=.
func (h valuechainHandlers) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := valuechain.Filter{Cluster: q.Get("cluster")}
	if v := q.Get("sector"); v != "" {
		code, err := h.sector("parameter sector", v)
		if err != nil {
			h.s.writeError(w, r, err)
			return
		}
		f.Sector = code
	}
	if v := q.Get("admin"); v != "" {
		if err := checkAdmin("parameter admin", v); err != nil {
			h.s.writeError(w, r, err)
			return
		}
		f.Admin = v
	}
	list, err := h.store.FindChains(r.Context(), f)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"chains": list})
}

// sector returns the catalogue code of a sector name or code.
func (h valuechainHandlers) sector(what, name string) (string, error) {
	if h.s.cfg.Sectors == nil {
		return name, nil
	}
	sec, ok := h.s.cfg.Sectors.Lookup(name)
	if !ok {
		return "", guccho.Errorf(guccho.EINVALID, "%s: unknown sector %q (known: %s)", what, name, strings.Join(h.s.cfg.Sectors.Codes(), ", "))
	}
	return sec.Code, nil
}

func checkAdmin(what, v string) error {
	if l, err := geo.PCodeLevel(v); err != nil || l == geo.Country {
		return guccho.Errorf(guccho.EINVALID, "%s: %q is not a division, district, upazila or union P-code", what, v)
	}
	return nil
}

// actorView is an actor as the API shows it, with its function and stage.
type actorView struct {
	valuechain.Actor
	Function valuechain.Function `json:"function"`
	Stage    int                 `json:"stage"`
}

// get answers GET /api/valuechains/{id}: the chain, its actors and links,
// the stage roles in order and the analysis; or the chain as GraphML,
// GeoJSON or CSV (format=graphml|geojson|csv).
func (h valuechainHandlers) get(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	switch format {
	case "", "json", "graphml", "geojson", "csv":
	default:
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "parameter format: %q is not json, graphml, geojson or csv", format))
		return
	}
	d, err := h.store.FindChainByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	switch format {
	case "graphml":
		serveFile(w, d.WriteGraphML, &buf, "application/graphml+xml; charset=utf-8", d.Chain.ID+".graphml")
		return
	case "geojson":
		serveFile(w, d.WriteGeoJSON, &buf, "application/geo+json", d.Chain.ID+".geojson")
		return
	case "csv":
		serveFile(w, d.WriteCSV, &buf, "text/csv; charset=utf-8", d.Chain.ID+"-links.csv")
		return
	}
	g, err := valuechain.NewGraph(d.Actors, d.Links)
	if err != nil { // a store never holds an invalid chain: this is a bug
		h.s.writeError(w, r, guccho.WrapError(err, guccho.EINTERNAL, "value chain %s does not pass Check", d.Chain.ID))
		return
	}
	opt := valuechain.Options{}
	if len(d.Actors) > valuechainExactActors {
		opt.Pivots, opt.Rand = valuechainPivots, rand.New(rand.NewPCG(1, 0))
	}
	a, err := g.Analyze(opt)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	actors := make([]actorView, len(d.Actors))
	for i, x := range d.Actors {
		actors[i] = actorView{Actor: x, Function: x.Role.Function(), Stage: x.Role.Stage()}
	}
	writeJSON(w, http.StatusOK, map[string]any{"chain": d.Chain, "actors": actors, "links": d.Links,
		"stages": valuechain.Stages(), "analysis": a})
}

// serveFile writes what write makes as a download.
func serveFile(w http.ResponseWriter, write func(io.Writer) error, buf *bytes.Buffer, contentType, filename string) {
	if err := write(buf); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// decodeChain reads a chain's scope and checks its sector and admin.
func (h valuechainHandlers) decodeChain(w http.ResponseWriter, r *http.Request) (*valuechain.Chain, error) {
	var c valuechain.Chain
	if err := decodeJSON(w, r, &c); err != nil {
		return nil, err
	}
	return &c, h.checkChain(&c)
}

func (h valuechainHandlers) checkChain(c *valuechain.Chain) error {
	if c.Sector == "" {
		return guccho.Errorf(guccho.EINVALID, "field \"sector\": missing")
	}
	code, err := h.sector("field \"sector\"", c.Sector)
	if err != nil {
		return err
	}
	c.Sector = code
	if c.Admin != "" {
		if err := checkAdmin("field \"admin\"", c.Admin); err != nil {
			return err
		}
	}
	if c.ID == "" {
		c.ID = valuechain.NewChainID(*c)
	}
	return c.Validate()
}

// sameID puts the URL's id into a body's, refusing a different one.
func sameID(field string, body *string, url string) error {
	if *body != "" && *body != url {
		return guccho.Errorf(guccho.EINVALID, "field %q: %q differs from the URL's %q", field, *body, url)
	}
	*body = url
	return nil
}

// createChain answers POST /api/valuechains: 201 with the chain.
func (h valuechainHandlers) createChain(w http.ResponseWriter, r *http.Request) {
	c, err := h.decodeChain(w, r)
	if err == nil {
		err = h.store.CreateChain(r.Context(), c)
	}
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/valuechains/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
}

// updateChain answers PUT /api/valuechains/{id}: the chain's new scope.
func (h valuechainHandlers) updateChain(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	var c valuechain.Chain
	err := decodeJSON(w, r, &c)
	if err == nil {
		err = sameID("id", &c.ID, id)
	}
	if err == nil {
		err = h.checkChain(&c)
	}
	if err == nil {
		err = h.store.UpdateChain(r.Context(), &c)
	}
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// deleteChain answers DELETE /api/valuechains/{id}: 204.
func (h valuechainHandlers) deleteChain(w http.ResponseWriter, r *http.Request) {
	if err := h.store.DeleteChain(r.Context(), mux.Vars(r)["id"]); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// actorInput is an actor's body; function and stage, which GET adds, are
// accepted and ignored so that a client may send back what it got.
type actorInput struct {
	valuechain.Actor
	Function any `json:"function"`
	Stage    any `json:"stage"`
}

func (h valuechainHandlers) actorWrite(w http.ResponseWriter, r *http.Request, status int,
	write func(chain string, a *valuechain.Actor) error) {
	vars := mux.Vars(r)
	var in actorInput
	err := decodeJSON(w, r, &in)
	if err == nil && vars["actor"] != "" {
		err = sameID("id", &in.ID, vars["actor"])
	}
	if err == nil {
		err = write(vars["id"], &in.Actor)
	}
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/valuechains/"+vars["id"]+"/actors/"+in.ID)
	}
	writeJSON(w, status, actorView{Actor: in.Actor, Function: in.Role.Function(), Stage: in.Role.Stage()})
}

// createActor answers POST /api/valuechains/{id}/actors: 201.
func (h valuechainHandlers) createActor(w http.ResponseWriter, r *http.Request) {
	h.actorWrite(w, r, http.StatusCreated, func(chain string, a *valuechain.Actor) error {
		return h.store.CreateActor(r.Context(), chain, a)
	})
}

// updateActor answers PUT /api/valuechains/{id}/actors/{actor}.
func (h valuechainHandlers) updateActor(w http.ResponseWriter, r *http.Request) {
	h.actorWrite(w, r, http.StatusOK, func(chain string, a *valuechain.Actor) error {
		return h.store.UpdateActor(r.Context(), chain, a)
	})
}

// deleteActor answers DELETE /api/valuechains/{id}/actors/{actor}: 204;
// the actor's links go with it.
func (h valuechainHandlers) deleteActor(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if err := h.store.DeleteActor(r.Context(), vars["id"], vars["actor"]); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h valuechainHandlers) linkWrite(w http.ResponseWriter, r *http.Request, status int,
	write func(chain string, l *valuechain.Link) error) {
	vars := mux.Vars(r)
	var l valuechain.Link
	err := decodeJSON(w, r, &l)
	if err == nil && vars["link"] != "" {
		err = sameID("id", &l.ID, vars["link"])
	}
	if err == nil {
		err = write(vars["id"], &l)
	}
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/valuechains/"+vars["id"]+"/links/"+l.ID)
	}
	writeJSON(w, status, l)
}

// createLink answers POST /api/valuechains/{id}/links: 201 with the link
// and its ID.
func (h valuechainHandlers) createLink(w http.ResponseWriter, r *http.Request) {
	h.linkWrite(w, r, http.StatusCreated, func(chain string, l *valuechain.Link) error {
		return h.store.CreateLink(r.Context(), chain, l)
	})
}

// updateLink answers PUT /api/valuechains/{id}/links/{link}.
func (h valuechainHandlers) updateLink(w http.ResponseWriter, r *http.Request) {
	h.linkWrite(w, r, http.StatusOK, func(chain string, l *valuechain.Link) error {
		return h.store.UpdateLink(r.Context(), chain, l)
	})
}

// deleteLink answers DELETE /api/valuechains/{id}/links/{link}: 204.
func (h valuechainHandlers) deleteLink(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if err := h.store.DeleteLink(r.Context(), vars["id"], vars["link"]); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// badRowsBody is the 400 answer of an import with bad rows: the error and
// every bad row.
type badRowsBody struct {
	Error struct {
		Code    string       `json:"code"`
		Message string       `json:"message"`
		Rows    []badRowJSON `json:"rows"`
	} `json:"error"`
}

type badRowJSON struct {
	File   string `json:"file"`
	Row    int    `json:"row"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

// importChain answers POST /api/valuechains/import (editors): a multipart
// form with files "actors" and "links" (CSV, XLSX or JSON) and the chain's
// fields id, name, name_bn, sector, cluster, admin, synthetic. The chain is
// created or replaced whole: 200 with its summary, or 400 naming every bad
// row, and nothing stored.
func (h valuechainHandlers) importChain(w http.ResponseWriter, r *http.Request) {
	limit := h.s.cfg.MaxUploadBytes
	if r.ContentLength > limit {
		h.s.writeError(w, r, tooLarge(limit))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "request body: want multipart/form-data with files \"actors\" and \"links\" (%v)", err))
		return
	}
	files := map[string]*valuechain.File{}
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			h.s.writeError(w, r, uploadErr(err, limit))
			return
		}
		name := part.FormName()
		b, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			h.s.writeError(w, r, uploadErr(err, limit))
			return
		}
		switch name {
		case "actors", "links":
			fn := part.FileName()
			if fn == "" {
				fn = name + ".csv"
			}
			files[name] = &valuechain.File{Name: fn, R: bytes.NewReader(b), Size: int64(len(b))}
		case "id", "name", "name_bn", "sector", "cluster", "admin", "synthetic":
			fields[name] = strings.TrimSpace(string(b))
		default:
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field %q: unknown (send actors, links, id, name, name_bn, sector, cluster, admin, synthetic)", name))
			return
		}
	}
	for _, f := range []string{"actors", "links"} {
		if files[f] == nil {
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field %q: missing file", f))
			return
		}
	}
	c := valuechain.Chain{ID: fields["id"], Name: fields["name"], NameBN: fields["name_bn"], Sector: fields["sector"],
		Cluster: fields["cluster"], Admin: fields["admin"]}
	if v := fields["synthetic"]; v != "" {
		if c.Synthetic, err = strconv.ParseBool(v); err != nil {
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"synthetic\": %q is not true or false", v))
			return
		}
	}
	if err := h.checkChain(&c); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	g, err := valuechain.Read(*files["actors"], *files["links"])
	if err != nil {
		var bad valuechain.BadRows
		if errors.As(err, &bad) {
			var body badRowsBody
			body.Error.Code, body.Error.Message = guccho.EINVALID, guccho.ErrorMessage(err)
			for _, b := range bad {
				body.Error.Rows = append(body.Error.Rows, badRowJSON{File: b.File, Row: b.Row, Field: b.Field, Reason: b.Reason})
			}
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusBadRequest, body)
			return
		}
		h.s.writeError(w, r, err)
		return
	}
	if err := h.store.ReplaceChain(r.Context(), &c, g.Actors(), g.Links()); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/valuechains/"+c.ID)
	writeJSON(w, http.StatusOK, valuechain.Summary{Chain: c, Actors: len(g.Actors()), Links: len(g.Links())})
}
