package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// Limits of the review routes.
const (
	reviewPageSize    = 100     // items a page of the review queue holds by default
	maxReviewPageSize = 1000    // and at most
	maxAliasesCSV     = 8 << 20 // bytes of an aliases CSV upload
)

// reviewRoutes adds an import's review queue (editors) and the learnt
// aliases (admins), when the store keeps them (guccho.ReviewStore) and the
// server places enterprises (Config.Geocoders).
func (s *Server) reviewRoutes(api *mux.Router) {
	rs, ok := s.cfg.Enterprises.(guccho.ReviewStore)
	if !ok || s.cfg.Geocoders == nil {
		return
	}
	h := reviewHandlers{s: s, store: rs}
	api.Handle("/imports/{id}/review", readOnly(s.requireWriter(h.list)))
	api.Handle("/imports/{id}/review/{row}", methods{http.MethodPost: s.requireWriter(h.decide)})
	api.Handle("/aliases", readOnly(s.requireAdmin(h.aliases)))
	api.Handle("/aliases.csv", methods{http.MethodGet: s.requireAdmin(h.exportAliases), http.MethodPost: s.requireAdmin(h.importAliases)})
	api.Handle("/aliases/{id}", methods{http.MethodDelete: s.requireAdmin(h.deleteAlias)})
}

// requireAdmin answers 401 to anonymous requests and 403 to tokens whose
// role is not admin.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := tokenFrom(r.Context())
		if t == nil {
			s.writeError(w, r, guccho.Errorf(guccho.EUNAUTHORIZED, "this needs an API token with the admin role (Authorization: Bearer <token>)"))
			return
		}
		if t.Role != guccho.RoleAdmin {
			s.writeError(w, r, guccho.Errorf(guccho.EFORBIDDEN, "only the admin role may manage aliases, not %s", t.Role))
			return
		}
		h(w, r)
	}
}

type reviewHandlers struct {
	s     *Server
	store guccho.ReviewStore
}

// list answers GET /api/imports/{id}/review?status=open|decided&after=ROW&limit=N:
// a page of the import's review queue in row order, with the counts of open
// and decided rows, and next_after when more rows follow.
func (h reviewHandlers) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := guccho.ReviewFilter{Status: q.Get("status")}
	switch f.Status {
	case "", guccho.ReviewOpen, guccho.ReviewDecided:
	default:
		h.s.writeError(w, r, badParam("status", "%q: want open or decided", f.Status))
		return
	}
	limit, err := intParam(q, "limit", reviewPageSize)
	if err == nil && limit > maxReviewPageSize {
		err = badParam("limit", "%d: at most %d", limit, maxReviewPageSize)
	}
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if q.Has("after") {
		if f.After, err = strconv.Atoi(q.Get("after")); err != nil || f.After < 0 {
			h.s.writeError(w, r, badParam("after", "%q: want a row number ≥ 0", q.Get("after")))
			return
		}
	}
	f.Limit = limit + 1 // one more tells whether a next page exists
	page, err := h.store.FindReviewItems(r.Context(), mux.Vars(r)["id"], f)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	out := struct {
		guccho.ReviewPage
		NextAfter int `json:"next_after,omitempty"`
	}{ReviewPage: page}
	if len(page.Items) > limit {
		out.Items = page.Items[:limit]
		out.NextAfter = out.Items[limit-1].Row
	}
	writeJSON(w, http.StatusOK, out)
}

// decisionInput is the body of POST /api/imports/{id}/review/{row}.
type decisionInput struct {
	Action string `json:"action"`
	PCode  string `json:"pcode"`
}

// decide answers POST /api/imports/{id}/review/{row} {action, pcode}:
// accept (a suggestion of the row; pcode chooses which, the first when
// empty) or pick (any unit, pcode required) moves the enterprise into the
// unit through the same store path as PUT /api/enterprises/{id} (so the
// change is published live), keeps the decision and learns the alias it
// teaches (geo.Geocoder.LearnAlias); unplaceable keeps the decision and leaves the
// enterprise as it is. 200 with the decided item; 409 when the row is
// decided already or the alias contradicts a stored one.
func (h reviewHandlers) decide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mux.Vars(r)["id"]
	row, err := strconv.Atoi(mux.Vars(r)["row"])
	if err != nil || row < 1 {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "row %q: want a row number ≥ 1", mux.Vars(r)["row"]))
		return
	}
	var in decisionInput
	if err := decodeJSON(w, r, &in); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	it, err := h.store.FindReviewItem(ctx, id, row)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if it.Status != guccho.ReviewOpen {
		h.s.writeError(w, r, guccho.Errorf(guccho.ECONFLICT, "row %d of import %s is decided already (%s)", row, id, it.Decision.Action))
		return
	}
	d := guccho.ReviewDecision{Action: in.Action, PCode: in.PCode, By: tokenFrom(ctx).ID, At: time.Now().UTC()}
	switch in.Action {
	case guccho.ReviewAccept:
		if len(it.Suggestions) == 0 {
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"action\": row %d has no suggestion to accept; pick a unit", row))
			return
		}
		if d.PCode == "" {
			d.PCode = it.Suggestions[0].PCode
		}
		found := false
		for _, sg := range it.Suggestions {
			found = found || sg.PCode == d.PCode
		}
		if !found {
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"pcode\": %q is not a suggestion of row %d (use action pick for another unit)", d.PCode, row))
			return
		}
	case guccho.ReviewPick:
		if d.PCode == "" {
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"pcode\": empty; pick names the unit"))
			return
		}
	case guccho.ReviewUnplaceable:
		d.PCode = ""
	default:
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"action\": %q is not accept, pick or unplaceable", in.Action))
		return
	}
	var (
		moved *guccho.Enterprise
		alias *guccho.Alias
	)
	if d.PCode != "" {
		gc, err := h.s.cfg.Geocoders.Get(ctx)
		if err != nil {
			h.s.writeError(w, r, err)
			return
		}
		res, err := gc.PlaceIn(it.EnterpriseID, d.PCode)
		if err != nil {
			h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"pcode\": %s", guccho.ErrorMessage(err)))
			return
		}
		if moved, err = h.s.cfg.Enterprises.FindEnterpriseByID(ctx, it.EnterpriseID); err != nil {
			h.s.writeError(w, r, err)
			return
		}
		moved.Admin, moved.Geocode, moved.Point, moved.DisplayPoint = res.Admin, res.Geocode, res.Point, res.DisplayPoint
		if a, ok := gc.LearnAlias(it.Stated, it.Admin, d.PCode); ok {
			a.CreatedBy = d.By
			alias = &a
		}
	}
	decided, err := h.store.DecideReview(ctx, id, row, d, alias)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if moved != nil {
		if err := h.s.cfg.Enterprises.UpdateEnterprise(ctx, moved); err != nil {
			h.s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, decided)
}

// aliases answers GET /api/aliases (admins): every learnt alias.
func (h reviewHandlers) aliases(w http.ResponseWriter, r *http.Request) {
	as, err := h.store.FindAliases(r.Context())
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"aliases": as})
}

// exportAliases answers GET /api/aliases.csv (admins): every alias as CSV
// (geo.WriteAliasesCSV).
func (h reviewHandlers) exportAliases(w http.ResponseWriter, r *http.Request) {
	as, err := h.store.FindAliases(r.Context())
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := geo.WriteAliasesCSV(&buf, as); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="guccho-aliases.csv"`)
	w.Write(buf.Bytes())
}

// importAliases answers POST /api/aliases.csv (admins), a CSV body in the
// export's layout: every row is checked against the boundaries and the
// stored aliases, and the file is taken whole or not at all. 200 with how
// many aliases were new; 400 (a bad row) or 409 (a row contradicting a
// stored alias) name the row.
func (h reviewHandlers) importAliases(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAliasesCSV))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		h.s.writeError(w, r, guccho.Errorf(guccho.ETOOLARGE, "request body: larger than the limit of %d bytes", maxAliasesCSV))
		return
	}
	if err != nil {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "request body: %v", err))
		return
	}
	gc, err := h.s.cfg.Geocoders.Get(r.Context())
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	as, err := gc.Atlas().ReadAliasesCSV(bytes.NewReader(body))
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	by := tokenFrom(r.Context()).ID
	for i := range as {
		if as[i].CreatedBy == "" {
			as[i].CreatedBy = by
		}
	}
	n, err := h.store.ImportAliases(r.Context(), as)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"rows": len(as), "created": n})
}

// deleteAlias answers DELETE /api/aliases/{id} (admins): 204, or 404.
func (h reviewHandlers) deleteAlias(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id < 1 {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "alias id %q: want a whole number ≥ 1", mux.Vars(r)["id"]))
		return
	}
	if err := h.store.DeleteAlias(r.Context(), id); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
