package server_test

import (
	"testing"

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
