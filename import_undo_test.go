package guccho

import "testing"

func TestWhatUndoingAndRollingBackAnImportAllow(t *testing.T) {
	for _, tc := range []struct {
		status     string
		undoable   bool
		rollbackTo string // "" when a roll-back is refused
	}{
		{ImportSucceeded, true, ""},
		{ImportUndoing, true, ImportUndone},
		{ImportRunning, false, ImportRolledBack},
		{ImportFailed, false, ""},
		{ImportUndone, false, ""},
		{ImportRolledBack, false, ""},
	} {
		imp := &Import{ID: "imp-1", Status: tc.status}
		if err := imp.CheckUndoable(); (err == nil) != tc.undoable {
			t.Errorf("%s: CheckUndoable() = %v, want undoable %v", tc.status, err, tc.undoable)
		} else if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("%s: CheckUndoable() code %s, want invalid", tc.status, ErrorCode(err))
		}
		got, err := imp.RollbackStatus()
		if got != tc.rollbackTo || (err == nil) != (tc.rollbackTo != "") {
			t.Errorf("%s: RollbackStatus() = %q, %v; want %q", tc.status, got, err, tc.rollbackTo)
		}
	}
}
