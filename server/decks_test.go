package server_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho/deck"
)

// deckAnswer is GET /api/decks/{id}.
type deckAnswer struct {
	deck.Deck
	Views []deck.View `json:"views"`
}

func sendJSON(t *testing.T, method, url, token, body string) response {
	t.Helper()
	return do(t, method, url, token, "application/json", strings.NewReader(body))
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d (body %s), want %d", what, r.status, r.body, status)
	}
}

func TestSavedViewsAndDecks(t *testing.T) {
	ts, token := fullServer(t, nil)
	var me struct{ ID string }
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/me", token, ""), &me)

	// An editor saves two views.
	var lq, explore deck.View
	r := sendJSON(t, http.MethodPost, ts.URL+"/api/views", token, `{"title":{"en":"Footwear LQ","bn":"পাদুকা এলকিউ"},
		"notes":{"en":"","bn":"ভৈরব"},"state":{"v":1,"view":"clusters","params":{"stat":"lq","sectors":"footwear","z":"7"}}}`)
	wantStatus(t, "POST the LQ view", r, http.StatusCreated)
	decode(t, r, &lq)
	if r.header.Get("Location") != "/api/views/"+lq.ID || lq.CreatedBy != me.ID || lq.Title.BN != "পাদুকা এলকিউ" {
		t.Errorf("POST /api/views: location %q, view %+v; want created by %s", r.header.Get("Location"), lq, me.ID)
	}
	r = sendJSON(t, http.MethodPost, ts.URL+"/api/views", token, `{"id":"explore-dairy","title":{"en":"Dairy"},
		"state":{"v":1,"view":"","params":{"sectors":"dairy","sel":"E-17"}}}`)
	wantStatus(t, "POST the explore view", r, http.StatusCreated)
	decode(t, r, &explore)

	// Everyone reads them.
	var list struct{ Views []deck.View }
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/views", "", ""), &list)
	if len(list.Views) != 2 || list.Views[0].ID != "explore-dairy" || list.Views[1].ID != lq.ID {
		t.Errorf("GET /api/views = %+v, want explore-dairy then %s", list.Views, lq.ID)
	}
	var got deck.View
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/views/"+lq.ID, "", ""), &got)
	if !reflect.DeepEqual(got.State, lq.State) || got.Notes != lq.Notes {
		t.Errorf("GET /api/views/%s = %+v, want %+v", lq.ID, got, lq)
	}

	// PUT changes only the fields it names.
	r = sendJSON(t, http.MethodPut, ts.URL+"/api/views/"+lq.ID, token, `{"subtitle":{"en":"2024","bn":"২০২৪"}}`)
	wantStatus(t, "PUT a subtitle", r, http.StatusOK)
	decode(t, r, &got)
	if got.Subtitle.BN != "২০২৪" || got.Title != lq.Title || !reflect.DeepEqual(got.State, lq.State) || got.CreatedBy != me.ID {
		t.Errorf("after PUT subtitle: %+v", got)
	}

	// A deck of both, reordered by PUT view_ids.
	var d deck.Deck
	r = sendJSON(t, http.MethodPost, ts.URL+"/api/decks", token, `{"title":{"en":"Board","bn":"বোর্ড"},"view_ids":["`+lq.ID+`","explore-dairy"]}`)
	wantStatus(t, "POST a deck", r, http.StatusCreated)
	decode(t, r, &d)
	if d.CreatedBy != me.ID || r.header.Get("Location") != "/api/decks/"+d.ID {
		t.Errorf("POST /api/decks = %+v, location %q", d, r.header.Get("Location"))
	}
	r = sendJSON(t, http.MethodPut, ts.URL+"/api/decks/"+d.ID, token, `{"view_ids":["explore-dairy","`+lq.ID+`","explore-dairy"]}`)
	wantStatus(t, "PUT view_ids", r, http.StatusOK)
	var full deckAnswer
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/decks/"+d.ID, "", ""), &full)
	var slides []string
	for _, v := range full.Views {
		slides = append(slides, v.ID+" "+v.Title.EN)
	}
	want := []string{"explore-dairy Dairy", lq.ID + " Footwear LQ", "explore-dairy Dairy"}
	if !reflect.DeepEqual(slides, want) || full.Title.BN != "বোর্ড" || len(full.ViewIDs) != 3 {
		t.Errorf("GET /api/decks/%s after reordering: slides %q, deck %+v; want %q", d.ID, slides, full.Deck, want)
	}
	// A client may send back what it read.
	r = sendJSON(t, http.MethodPut, ts.URL+"/api/decks/"+d.ID, token, string(sendJSON(t, http.MethodGet, ts.URL+"/api/decks/"+d.ID, "", "").body))
	wantStatus(t, "PUT back a GET", r, http.StatusOK)
	var decks struct{ Decks []deck.Deck }
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/decks", "", ""), &decks)
	if len(decks.Decks) != 1 || len(decks.Decks[0].ViewIDs) != 3 {
		t.Errorf("GET /api/decks = %+v", decks)
	}

	// Deleting a view takes it out of the deck.
	wantStatus(t, "DELETE a view", sendJSON(t, http.MethodDelete, ts.URL+"/api/views/explore-dairy", token, ""), http.StatusNoContent)
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/decks/"+d.ID, "", ""), &full)
	if len(full.Views) != 1 || full.Views[0].ID != lq.ID {
		t.Errorf("after deleting explore-dairy the deck shows %+v", full.Views)
	}
	wantStatus(t, "DELETE the deck", sendJSON(t, http.MethodDelete, ts.URL+"/api/decks/"+d.ID, token, ""), http.StatusNoContent)
	wantStatus(t, "GET the deck's view", sendJSON(t, http.MethodGet, ts.URL+"/api/views/"+lq.ID, "", ""), http.StatusOK)
}

func TestSavedViewsRefuseBadRequests(t *testing.T) {
	ts, token := fullServer(t, nil)
	r := sendJSON(t, http.MethodPost, ts.URL+"/api/views", token, `{"id":"lq","title":{"en":"LQ"},"state":{"v":1,"view":"clusters","params":{}}}`)
	wantStatus(t, "POST a view", r, http.StatusCreated)
	long := strings.Repeat("ক", 100)
	cases := []struct {
		name, method, path, token, body string
		status                          int
		code, mention                   string
	}{
		{"an unknown view", "GET", "/api/views/v-nosuch", "", "", 404, "not_found", `"v-nosuch"`},
		{"an unknown deck", "GET", "/api/decks/d-nosuch", "", "", 404, "not_found", `"d-nosuch"`},
		{"PUT an unknown view", "PUT", "/api/views/v-nosuch", token, `{"title":{"en":"x"}}`, 404, "not_found", "v-nosuch"},
		{"DELETE an unknown deck", "DELETE", "/api/decks/d-nosuch", token, "", 404, "not_found", "d-nosuch"},
		{"anonymous POST view", "POST", "/api/views", "", `{"title":{"en":"x"},"state":{"v":1}}`, 401, "unauthorized", "editor"},
		{"anonymous PUT view", "PUT", "/api/views/lq", "", `{"title":{"en":"x"}}`, 401, "unauthorized", "editor"},
		{"anonymous DELETE view", "DELETE", "/api/views/lq", "", "", 401, "unauthorized", "editor"},
		{"anonymous POST deck", "POST", "/api/decks", "", `{"title":{"en":"x"}}`, 401, "unauthorized", "editor"},
		{"no state", "POST", "/api/views", token, `{"title":{"en":"x"}}`, 400, "invalid", `"state"`},
		{"no title", "POST", "/api/views", token, `{"state":{"v":1,"params":{}}}`, 400, "invalid", `"title"`},
		{"a long Bangla title", "POST", "/api/views", token, `{"title":{"bn":"` + long + `"},"state":{"v":1}}`, 400, "invalid", `"title.bn"`},
		{"a parameter that is not text", "POST", "/api/views", token, `{"title":{"en":"x"},"state":{"v":1,"params":{"z":7}}}`, 400, "invalid", "params"},
		{"a long parameter", "PUT", "/api/views/lq", token, `{"state":{"v":1,"params":{"sel":"` + strings.Repeat("x", 5000) + `"}}}`, 400, "invalid", `state.params[\"sel\"]`},
		{"an unknown field", "POST", "/api/views", token, `{"title":{"en":"x"},"state":{"v":1},"colour":"red"}`, 400, "invalid", "colour"},
		{"a body id unlike the URL's", "PUT", "/api/views/lq", token, `{"id":"other"}`, 400, "invalid", `"id"`},
		{"a taken id", "POST", "/api/views", token, `{"id":"lq","title":{"en":"x"},"state":{"v":1}}`, 409, "conflict", `"lq"`},
		{"a deck naming a missing view", "POST", "/api/decks", token, `{"title":{"en":"x"},"view_ids":["lq","lq","gone","lq"]}`, 400, "invalid", `view_ids[2]`},
		{"a deck id with a slash", "POST", "/api/decks", token, `{"id":"a/b","title":{"en":"x"}}`, 400, "invalid", `"id"`},
		{"PATCH", "PATCH", "/api/decks", token, `{}`, 405, "method_not_allowed", "GET, POST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, sendJSON(t, c.method, ts.URL+c.path, c.token, c.body), c.status, c.code, c.mention)
		})
	}
	var list struct{ Views []deck.View }
	decode(t, sendJSON(t, http.MethodGet, ts.URL+"/api/views", "", ""), &list)
	if len(list.Views) != 1 {
		t.Errorf("refused requests stored views: %+v", list.Views)
	}
}
