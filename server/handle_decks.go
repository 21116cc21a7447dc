package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
)

// deckRoutes adds the saved view and deck routes when the server has a
// whole store (Config.Store). Reads are open to everyone; writes need an
// editor token (requireWriter).
//
//	GET    /api/views            {"views": [View…]}, newest first
//	POST   /api/views            create (editors): 201 with the View
//	GET    /api/views/{id}       one View
//	PUT    /api/views/{id}       change the fields the body names (editors)
//	DELETE /api/views/{id}       delete, and remove from every deck (editors): 204
//	GET    /api/decks            {"decks": [Deck…]}, newest first
//	POST   /api/decks            create (editors): 201 with the Deck
//	GET    /api/decks/{id}       one Deck with "views": its View objects in order
//	PUT    /api/decks/{id}       change the fields the body names, such as view_ids to reorder (editors)
//	DELETE /api/decks/{id}       delete the deck; its views stay (editors): 204
func (s *Server) deckRoutes(api *mux.Router) {
	if s.cfg.Store == nil {
		return
	}
	h := &deckHandlers{s: s, store: s.cfg.Store}
	api.Handle("/views", methods{http.MethodGet: h.listViews, http.MethodPost: s.requireWriter(h.createView)})
	api.Handle("/views/{id}", methods{http.MethodGet: h.getView,
		http.MethodPut: s.requireWriter(h.updateView), http.MethodDelete: s.requireWriter(h.deleteView)})
	api.Handle("/decks", methods{http.MethodGet: h.listDecks, http.MethodPost: s.requireWriter(h.createDeck)})
	api.Handle("/decks/{id}", methods{http.MethodGet: h.getDeck,
		http.MethodPut: s.requireWriter(h.updateDeck), http.MethodDelete: s.requireWriter(h.deleteDeck)})
}

// deckHandlers serve the saved view and deck routes from one store.
type deckHandlers struct {
	s     *Server
	store deck.Store
}

// viewInput is the body of POST and PUT /api/views: a View as GET answers
// it, so a client may send back what it read. Fields left out keep their
// stored values on PUT; the server's own fields (created_by, created_at,
// updated_at) are ignored.
type viewInput struct {
	ID        string          `json:"id"`
	Title     *deck.Text      `json:"title"`
	Subtitle  *deck.Text      `json:"subtitle"`
	Notes     *deck.Text      `json:"notes"`
	State     *deck.State     `json:"state"`
	CreatedBy json.RawMessage `json:"created_by"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
}

// apply copies the fields in names onto v.
func (in *viewInput) apply(v *deck.View) {
	if in.Title != nil {
		v.Title = *in.Title
	}
	if in.Subtitle != nil {
		v.Subtitle = *in.Subtitle
	}
	if in.Notes != nil {
		v.Notes = *in.Notes
	}
	if in.State != nil {
		v.State = *in.State
	}
}

// deckInput is the body of POST and PUT /api/decks, a Deck as GET answers
// it ("views" and the server's own fields are ignored).
type deckInput struct {
	ID        string          `json:"id"`
	Title     *deck.Text      `json:"title"`
	Subtitle  *deck.Text      `json:"subtitle"`
	ViewIDs   *[]string       `json:"view_ids"`
	Views     json.RawMessage `json:"views"`
	CreatedBy json.RawMessage `json:"created_by"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
}

func (in *deckInput) apply(d *deck.Deck) {
	if in.Title != nil {
		d.Title = *in.Title
	}
	if in.Subtitle != nil {
		d.Subtitle = *in.Subtitle
	}
	if in.ViewIDs != nil {
		d.ViewIDs = *in.ViewIDs
	}
}

// pathID returns the {id} of the URL, refusing a body whose "id" names
// another.
func pathID(r *http.Request, bodyID string) (string, error) {
	id := mux.Vars(r)["id"]
	if bodyID = strings.TrimSpace(bodyID); bodyID != "" && bodyID != id {
		return "", guccho.Errorf(guccho.EINVALID, "field \"id\": %q differs from the URL's %q", bodyID, id)
	}
	return id, nil
}

// noStale marks an answer that must be checked with the server each time:
// editors change views and decks while others look.
func noStale(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-cache") }

// listViews answers GET /api/views.
func (h *deckHandlers) listViews(w http.ResponseWriter, r *http.Request) {
	list, err := h.store.FindViews(r.Context())
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	noStale(w)
	writeJSON(w, http.StatusOK, map[string]any{"views": list})
}

// getView answers GET /api/views/{id}; 404 for an unknown id.
func (h *deckHandlers) getView(w http.ResponseWriter, r *http.Request) {
	v, err := h.store.FindViewByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	noStale(w)
	writeJSON(w, http.StatusOK, v)
}

// createView answers POST /api/views (editors): 201 with the stored view,
// its id drawn unless the body gives one (409 when taken). A title and a
// state are required.
func (h *deckHandlers) createView(w http.ResponseWriter, r *http.Request) {
	var in viewInput
	if err := decodeJSON(w, r, &in); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	if in.State == nil {
		h.s.writeError(w, r, guccho.Errorf(guccho.EINVALID, "field \"state\": required ({\"v\": %d, \"view\": …, \"params\": {…}})", deck.StateVersion))
		return
	}
	v := &deck.View{ID: strings.TrimSpace(in.ID), CreatedBy: tokenFrom(r.Context()).ID}
	in.apply(v)
	if err := h.store.CreateView(r.Context(), v); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/views/"+v.ID)
	writeJSON(w, http.StatusCreated, v)
}

// updateView answers PUT /api/views/{id} (editors): the fields the body
// names replace the stored ones; 404 for an unknown id.
func (h *deckHandlers) updateView(w http.ResponseWriter, r *http.Request) {
	var in viewInput
	if err := decodeJSON(w, r, &in); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, in.ID)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	v, err := h.store.FindViewByID(r.Context(), id)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	in.apply(v)
	if err := h.store.UpdateView(r.Context(), v); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// deleteView answers DELETE /api/views/{id} (editors): 204; the view
// leaves every deck that showed it.
func (h *deckHandlers) deleteView(w http.ResponseWriter, r *http.Request) {
	if err := h.store.DeleteView(r.Context(), mux.Vars(r)["id"]); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listDecks answers GET /api/decks.
func (h *deckHandlers) listDecks(w http.ResponseWriter, r *http.Request) {
	list, err := h.store.FindDecks(r.Context())
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	noStale(w)
	writeJSON(w, http.StatusOK, map[string]any{"decks": list})
}

// deckWithViews is GET /api/decks/{id}: the deck and its views in order.
type deckWithViews struct {
	*deck.Deck
	Views []*deck.View `json:"views"`
}

// getDeck answers GET /api/decks/{id}; 404 for an unknown id.
func (h *deckHandlers) getDeck(w http.ResponseWriter, r *http.Request) {
	d, err := h.store.FindDeckByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	out := deckWithViews{Deck: d, Views: make([]*deck.View, len(d.ViewIDs))}
	byID := map[string]*deck.View{}
	for i, id := range d.ViewIDs {
		if byID[id] == nil {
			v, err := h.store.FindViewByID(r.Context(), id)
			if err != nil { // deleted in between: the store keeps no deck slide without its view
				h.s.writeError(w, r, err)
				return
			}
			byID[id] = v
		}
		out.Views[i] = byID[id]
	}
	noStale(w)
	writeJSON(w, http.StatusOK, out)
}

// createDeck answers POST /api/decks (editors): 201 with the stored deck;
// a view id that names no view is 400 naming its index ("view_ids[3]").
func (h *deckHandlers) createDeck(w http.ResponseWriter, r *http.Request) {
	var in deckInput
	if err := decodeJSON(w, r, &in); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	d := &deck.Deck{ID: strings.TrimSpace(in.ID), ViewIDs: []string{}, CreatedBy: tokenFrom(r.Context()).ID}
	in.apply(d)
	if err := h.store.CreateDeck(r.Context(), d); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/decks/"+d.ID)
	writeJSON(w, http.StatusCreated, d)
}

// updateDeck answers PUT /api/decks/{id} (editors): the fields the body
// names replace the stored ones — {"view_ids": […]} alone reorders, adds
// or removes slides; 404 for an unknown id.
func (h *deckHandlers) updateDeck(w http.ResponseWriter, r *http.Request) {
	var in deckInput
	if err := decodeJSON(w, r, &in); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, in.ID)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	d, err := h.store.FindDeckByID(r.Context(), id)
	if err != nil {
		h.s.writeError(w, r, err)
		return
	}
	in.apply(d)
	if err := h.store.UpdateDeck(r.Context(), d); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// deleteDeck answers DELETE /api/decks/{id} (editors): 204.
func (h *deckHandlers) deleteDeck(w http.ResponseWriter, r *http.Request) {
	if err := h.store.DeleteDeck(r.Context(), mux.Vars(r)["id"]); err != nil {
		h.s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
