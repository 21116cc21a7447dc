package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
)

// POST /api/imports/{id}/undo undoes an import as a whole, for admins only.
func TestUndoImport(t *testing.T) {
	url, editor, admin, _ := reviewServer(t)
	imp := importSurvey(t, url, editor, reviewSurvey)
	if imp.Status != guccho.ImportSucceeded || imp.Created != 4 {
		t.Fatalf("the import = %+v, want 4 created", imp)
	}
	undo := url + "/api/imports/" + imp.ID + "/undo"
	t.Run("AdminsOnly", func(t *testing.T) {
		wantError(t, do(t, "POST", undo, "", "", nil), 401, "unauthorized", "")
		wantError(t, do(t, "POST", undo, editor, "", nil), 403, "forbidden", "admin")
		wantError(t, do(t, "GET", undo, admin, "", nil), 405, "method_not_allowed", "")
	})
	t.Run("UnknownImport", func(t *testing.T) {
		wantError(t, do(t, "POST", url+"/api/imports/imp-000000000000/undo", admin, "", nil), 404, "not_found", "imp-000000000000")
	})
	t.Run("Undo", func(t *testing.T) {
		r := do(t, "POST", undo, admin, "", nil)
		if r.status != 200 {
			t.Fatalf("POST undo = %d %s", r.status, r.body)
		}
		var got guccho.Import
		decode(t, r, &got)
		if got.Status != guccho.ImportUndone || got.UndoneAt == nil {
			t.Errorf("the answer = %+v, want the import undone", got)
		}
		if r := get(t, url+"/api/enterprises/R1"); r.status != 404 {
			t.Errorf("GET an enterprise the undone import created = %d, want 404", r.status)
		}
		var q reviewAnswer
		decode(t, do(t, "GET", url+"/api/imports/"+imp.ID+"/review", editor, "", nil), &q)
		if len(q.Items) != 0 {
			t.Errorf("the undone import's review queue holds %d items, want none", len(q.Items))
		}
		wantError(t, do(t, "POST", undo, admin, "", nil), 400, "invalid", "undone")
	})
}

// While an import runs, GET /api/imports/{id} shows its phase, and an edit
// of a row it wrote answers 409 naming the enterprise and the import.
func TestRunningImportPhaseAndEdits(t *testing.T) {
	url, editor, _, st := reviewServer(t)
	ctx := context.Background()
	imp := &guccho.Import{ID: "imp-0123456789ab", Filename: "s.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
	if err := st.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := st.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	e := &guccho.Enterprise{ID: "RUN1", Name: "Running", Sector: "dairy", Point: [2]float64{90.4, 23.8},
		Geocode: guccho.Geocode{Method: guccho.GeocodeGPS}, ImportRow: 1}
	if _, err := w.Put(ctx, []*guccho.Enterprise{e}); err != nil {
		t.Fatal(err)
	}
	imp.Read, imp.Created, imp.SourceRow = 1, 1, 1
	if err := w.Checkpoint(ctx, imp); err != nil {
		t.Fatal(err)
	}
	var got guccho.Import
	decode(t, do(t, "GET", url+"/api/imports/"+imp.ID, editor, "", nil), &got)
	if got.Status != guccho.ImportRunning || got.Phase != guccho.ImportLoading {
		t.Errorf("GET the running import: %s/%s, want running/loading", got.Status, got.Phase)
	}
	wantError(t, do(t, "PUT", url+"/api/enterprises/RUN1", editor, "application/json", strings.NewReader(`{"name":"x","sector":"dairy"}`)),
		409, "conflict", imp.ID)
	wantError(t, do(t, "DELETE", url+"/api/enterprises/RUN1", editor, "", nil), 409, "conflict", "RUN1")
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	var done guccho.Import
	decode(t, do(t, "GET", url+"/api/imports/"+imp.ID, editor, "", nil), &done)
	if done.Status != guccho.ImportSucceeded || done.Phase != "" {
		t.Errorf("GET the finished import: %s/%q, want succeeded with no phase", done.Status, done.Phase)
	}
	if r := do(t, "DELETE", url+"/api/enterprises/RUN1", editor, "", nil); r.status != 204 && r.status != 200 {
		t.Errorf("DELETE once the import has finished = %d %s", r.status, r.body)
	}
}
