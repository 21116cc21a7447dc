package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
)

// reviewSurvey has three rows a person can place and the geocoder cannot
// (on the grid fixture): a bazar named after its upazila, a char named
// after its upazila, and a repeated upazila name without its district; and
// one row the geocoder places.
var reviewSurvey = []byte("id,name,sector,district,upazila\n" +
	"R1,Bazar dairy,dairy,Barguna,Amtali Bazar\n" +
	"R2,Char dairy,dairy,Bhola,Char Nawabganj\n" +
	"R3,Somewhere dairy,dairy,,Nawabganj\n" +
	"R4,Amtali dairy,dairy,Barguna,Amtali\n")

type reviewAnswer struct {
	Items     []guccho.ReviewItem `json:"items"`
	Open      int                 `json:"open"`
	Decided   int                 `json:"decided"`
	NextAfter int                 `json:"next_after"`
}

// reviewServer is fullServer whose geocoders use the store's aliases; it
// returns the store and an admin token too.
func reviewServer(t *testing.T) (url, editor, admin string, st store.Store) {
	t.Helper()
	ts, editor := fullServer(t, func(c *server.Config) {
		c.Geocoders.Aliases = c.Store
		st = c.Store
	})
	tok, secret, _ := guccho.NewToken(guccho.RoleAdmin, "admin")
	if err := st.CreateToken(context.Background(), tok, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	return ts.URL, editor, secret, st
}

func importSurvey(t *testing.T, url, token string, content []byte) guccho.Import {
	t.Helper()
	r := upload(t, url, token, "review.csv", content)
	var started guccho.Import
	decode(t, r, &started)
	if r.status != 202 {
		t.Fatalf("POST /api/imports = %d %s", r.status, r.body)
	}
	return waitImport(t, url, started.ID)
}

func decideRow(t *testing.T, url, token, importID string, row int, body string) response {
	t.Helper()
	return do(t, "POST", url+"/api/imports/"+importID+"/review/"+strconv.Itoa(row), token, "application/json", strings.NewReader(body))
}

func enterpriseAt(t *testing.T, url, id string) guccho.Enterprise {
	t.Helper()
	var e guccho.Enterprise
	decode(t, get(t, url+"/api/enterprises/"+id), &e)
	return e
}

func TestReviewFixesRowsAndTheFixesAreLearnt(t *testing.T) {
	url, editor, admin, st := reviewServer(t)
	imp := importSurvey(t, url, editor, reviewSurvey)
	if imp.Status != guccho.ImportSucceeded || imp.Review != 3 {
		t.Fatalf("first import: %+v; want 3 rows for review", imp)
	}
	base := url + "/api/imports/" + imp.ID + "/review"
	wantError(t, get(t, base), 401, "unauthorized", "token")
	var q reviewAnswer
	decode(t, do(t, "GET", base, editor, "", nil), &q)
	rows := []int{}
	for _, it := range q.Items {
		rows = append(rows, it.Row)
	}
	if !slices.Equal(rows, []int{1, 2, 3}) || q.Open != 3 {
		t.Fatalf("queue = rows %v, open %d; want [1 2 3], 3", rows, q.Open)
	}
	if s := q.Items[0].Suggestions; len(s) == 0 || s[0].PCode != "BD100409" || s[0].Name != "Amtali" {
		t.Errorf("row 1 suggests %+v, want Amtali (BD100409) first", s)
	}
	if !slices.Equal(q.Items[0].Reasons, []string{guccho.ReviewNotUpazila}) || q.Items[0].Stated.Upazila != "Amtali Bazar" {
		t.Errorf("row 1 = %+v", q.Items[0])
	}
	decode(t, do(t, "GET", base+"?limit=2", editor, "", nil), &q)
	if len(q.Items) != 2 || q.NextAfter != 2 {
		t.Errorf("a page of 2: %d items, next_after %d; want 2, 2", len(q.Items), q.NextAfter)
	}

	t.Run("bad decisions name the field", func(t *testing.T) {
		wantError(t, decideRow(t, url, editor, imp.ID, 1, `{"action":"guess"}`), 400, "invalid", `field "action"`)
		wantError(t, decideRow(t, url, editor, imp.ID, 1, `{"action":"accept","pcode":"BD100918"}`), 400, "invalid", "not a suggestion")
		wantError(t, decideRow(t, url, editor, imp.ID, 1, `{"action":"pick"}`), 400, "invalid", `field "pcode"`)
		wantError(t, decideRow(t, url, editor, imp.ID, 1, `{"action":"pick","pcode":"BD999999"}`), 400, "invalid", `field "pcode"`)
		wantError(t, decideRow(t, url, editor, imp.ID, 4, `{"action":"unplaceable"}`), 404, "not_found", "row 4")
		wantError(t, decideRow(t, url, editor, imp.ID, 0, `{"action":"unplaceable"}`), 400, "invalid", "row")
		wantError(t, get(t, base+"?status=maybe", "Authorization", "Bearer "+editor), 400, "invalid", "status")
	})

	lastEvent, err := st.LatestEventID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r := decideRow(t, url, editor, imp.ID, 1, `{"action":"accept"}`); r.status != 200 {
		t.Fatalf("accept row 1 = %d %s", r.status, r.body)
	}
	// The move is an edit like any other: in the event log for live maps.
	evs, err := st.EventsAfter(context.Background(), lastEvent, 10)
	if err != nil {
		t.Fatal(err)
	}
	var change guccho.EnterpriseChange
	if len(evs) != 1 || evs[0].Type != guccho.EventEnterprisesChanged || json.Unmarshal(evs[0].Payload, &change) != nil ||
		change.Action != "updated" || !slices.Equal(change.IDs, []string{"R1"}) {
		t.Errorf("events after accepting row 1: %+v (change %+v), want one enterprises.changed updating R1", evs, change)
	}
	if r := decideRow(t, url, editor, imp.ID, 2, `{"action":"pick","pcode":"BD10091813"}`); r.status != 200 {
		t.Fatalf("pick for row 2 = %d %s", r.status, r.body)
	}
	if r := decideRow(t, url, editor, imp.ID, 3, `{"action":"unplaceable"}`); r.status != 200 {
		t.Fatalf("row 3 unplaceable = %d %s", r.status, r.body)
	}
	wantError(t, decideRow(t, url, editor, imp.ID, 1, `{"action":"accept"}`), 409, "conflict", "decided already")

	if e := enterpriseAt(t, url, "R1"); e.Admin.Upazila != "BD100409" || !slices.Contains(e.Geocode.Flags, guccho.FlagReviewed) {
		t.Errorf("R1 after accept: admin %+v, geocode %+v", e.Admin, e.Geocode)
	}
	if e := enterpriseAt(t, url, "R2"); e.Admin.Union != "BD10091813" || e.Point[0] < 92 || e.Point[1] < 23 || e.Point[1] > 24 {
		t.Errorf("R2 after pick: admin %+v, point %v; want inside the union BD10091813", e.Admin, e.Point)
	}
	if e := enterpriseAt(t, url, "R3"); e.Geocode.Method != guccho.GeocodeNone {
		t.Errorf("R3 marked unplaceable moved: %+v", e.Geocode)
	}
	decode(t, do(t, "GET", base+"?status=decided", editor, "", nil), &q)
	if len(q.Items) != 3 || q.Decided != 3 || q.Open != 0 {
		t.Fatalf("decided = %d items (%d decided, %d open), want 3, 3, 0", len(q.Items), q.Decided, q.Open)
	}
	if d := q.Items[0].Decision; d == nil || d.Action != "accept" || d.PCode != "BD100409" || d.By == "" || d.At.IsZero() || d.AliasID == 0 {
		t.Errorf("row 1's decision = %+v", d)
	}
	if d := q.Items[2].Decision; d == nil || d.Action != "unplaceable" || d.AliasID != 0 {
		t.Errorf("row 3's decision = %+v, want unplaceable without alias", d)
	}

	// The aliases learnt: admins only.
	wantError(t, do(t, "GET", url+"/api/aliases", editor, "", nil), 403, "forbidden", "admin")
	var al struct{ Aliases []guccho.Alias }
	decode(t, do(t, "GET", url+"/api/aliases", admin, "", nil), &al)
	var keys []string
	for _, a := range al.Aliases {
		keys = append(keys, a.Within+" "+a.Name+" → "+a.PCode)
	}
	if want := []string{"BD1004 amtali bazar → BD100409", "BD1009 char nawabganj → BD100918"}; !slices.Equal(keys, want) {
		t.Fatalf("aliases = %q, want %q", keys, want)
	}

	// The same file again needs only the unplaceable row reviewed.
	again := importSurvey(t, url, editor, reviewSurvey)
	if again.Review != 1 || again.Flags[guccho.FlagNameAlias] != 2 {
		t.Errorf("re-import: %d rows for review, %d by alias; want 1 and 2 (%+v)", again.Review, again.Flags[guccho.FlagNameAlias], again)
	}
	decode(t, do(t, "GET", url+"/api/imports/"+again.ID+"/review", editor, "", nil), &q)
	if len(q.Items) != 1 || q.Items[0].Row != 3 {
		t.Errorf("re-import's queue = %+v, want row 3 only", q.Items)
	}
	if e := enterpriseAt(t, url, "R2"); e.Admin.Upazila != "BD100918" || !slices.Contains(e.Geocode.Flags, guccho.FlagNameAlias) {
		t.Errorf("R2 re-imported: %+v %+v", e.Admin, e.Geocode)
	}

	t.Run("aliases CSV", func(t *testing.T) {
		csv := do(t, "GET", url+"/api/aliases.csv", admin, "", nil)
		if csv.status != 200 || !strings.HasPrefix(string(csv.body), "level,within,name,pcode,created_by,created_at\n") ||
			!strings.Contains(string(csv.body), "upazila,BD1004,amtali bazar,BD100409,tok_") {
			t.Fatalf("aliases.csv = %d %s", csv.status, csv.body)
		}
		var n struct{ Rows, Created int }
		decode(t, do(t, "POST", url+"/api/aliases.csv", admin, "text/csv", strings.NewReader(string(csv.body))), &n)
		if n.Rows != 2 || n.Created != 0 {
			t.Errorf("importing the export again = %+v, want 2 rows, 0 new", n)
		}
		wantError(t, do(t, "POST", url+"/api/aliases.csv", admin, "text/csv",
			strings.NewReader("level,within,name,pcode\nunion,BD100409,amtali hat,BD10040911\nupazila,BD1004,Amtali Bazar,BD100651\n")),
			400, "invalid", "row 2")
		wantError(t, do(t, "POST", url+"/api/aliases.csv", admin, "text/csv",
			strings.NewReader("level,within,name,pcode\nunion,BD100409,amtali hat,BD10040911\nunion,BD100409,Amtali Hat,BD10040913\n")),
			409, "conflict", "row 2")
		decode(t, do(t, "GET", url+"/api/aliases", admin, "", nil), &al)
		if len(al.Aliases) != 2 {
			t.Errorf("after refused imports: %d aliases, want 2 (all or nothing)", len(al.Aliases))
		}
	})

	t.Run("removing an alias", func(t *testing.T) {
		id := strconv.FormatInt(al.Aliases[0].ID, 10)
		wantError(t, do(t, "DELETE", url+"/api/aliases/"+id, editor, "", nil), 403, "forbidden", "admin")
		if r := do(t, "DELETE", url+"/api/aliases/"+id, admin, "", nil); r.status != 204 {
			t.Fatalf("DELETE = %d %s", r.status, r.body)
		}
		wantError(t, do(t, "DELETE", url+"/api/aliases/"+id, admin, "", nil), 404, "not_found", "alias")
		third := importSurvey(t, url, editor, reviewSurvey)
		if third.Review != 2 {
			t.Errorf("after removing the Amtali Bazar alias: %d rows for review, want 2", third.Review)
		}
	})
}
