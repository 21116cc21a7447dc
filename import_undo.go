package guccho

import "time"

// The states undoing and rolling back pass through, the same for every
// store: a store does the work (removing and restoring rows, in chunks) and
// asks these what a status allows and what it becomes.

// CheckUndoable refuses, with EINVALID, to undo an import that neither
// succeeded nor is already being undone.
func (imp *Import) CheckUndoable() error {
	switch imp.Status {
	case ImportSucceeded, ImportUndoing:
		return nil
	}
	return Errorf(EINVALID, "import %s is %s: only a succeeded import can be undone", imp.ID, imp.Status)
}

// RollbackStatus is the status rolling back imp ends in: ImportRolledBack
// for an interrupted (running) import, ImportUndone for an interrupted
// undo; EINVALID for any other status.
func (imp *Import) RollbackStatus() (string, error) {
	switch imp.Status {
	case ImportRunning:
		return ImportRolledBack, nil
	case ImportUndoing:
		return ImportUndone, nil
	}
	return "", Errorf(EINVALID, "import %s is %s: only a running or undoing import is rolled back", imp.ID, imp.Status)
}

// MarkUndone records that an undo or roll-back finished at now with
// status; a roll-back's reason also ends the import as its error.
func (imp *Import) MarkUndone(status, reason string, now time.Time) {
	imp.Status, imp.UndoneAt, imp.Phase = status, &now, ""
	if reason != "" {
		imp.Error, imp.EndedAt = reason, &now
	}
}
