package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
)

// RunEvents runs the conformance cases of the event log.
func RunEvents(t *testing.T, open Opener) {
	t.Run("WritesAppendEvents", func(t *testing.T) { testWritesAppendEvents(t, open(t)) })
	t.Run("RolledBackWritesAppendNothing", func(t *testing.T) { testRollbackAppendsNothing(t, open(t)) })
	t.Run("AppendEventStandsAlone", func(t *testing.T) { testAppendEvent(t, open(t)) })
	t.Run("EditsListTheUnitsWhoseProfilesTheyChange", func(t *testing.T) { testEditsListUnits(t, open(t)) })
}

// waitSignal waits for EventsWritten to fire.
func waitSignal(t *testing.T, s store.Store) {
	t.Helper()
	select {
	case <-s.EventsWritten():
	case <-time.After(10 * time.Second):
		t.Fatal("EventsWritten did not fire within 10 s of a committed write")
	}
}

func changeOf(t *testing.T, e guccho.Event) guccho.EnterpriseChange {
	t.Helper()
	var c guccho.EnterpriseChange
	if err := json.Unmarshal(e.Payload, &c); err != nil {
		t.Fatalf("event %d payload %s: %v", e.ID, e.Payload, err)
	}
	return c
}

func testWritesAppendEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.ReplaceBoundaries(ctx, gridUnits(t)); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, s)
	start, err := s.LatestEventID(ctx)
	if err != nil || start == 0 {
		t.Fatalf("after replacing boundaries the latest event id is %d (%v), want a boundaries event", start, err)
	}
	e := ent("E1", "dairy", 90.5, 22.5)
	if err := s.CreateEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, s)
	e.Point = [2]float64{91.5, 23.5}
	e.Sector = "footwear_leather"
	if err := s.UpdateEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
	var batch []*guccho.Enterprise
	for _, id := range []string{"I1", "I2"} {
		batch = append(batch, ent(id, "dairy", 92.5, 24.5))
	}
	runImport(t, s, "imp-ev", rows(batch...))
	if err := s.DeleteEnterprise(ctx, "E1"); err != nil {
		t.Fatal(err)
	}
	all, err := s.EventsAfter(ctx, start, 100)
	if err != nil {
		t.Fatal(err)
	}
	// The import's indexing phase appends events of its own ("indexed",
	// after "imported"): at least one, bounding what the import put on
	// the map.
	var evs []guccho.Event
	indexed, covered := 0, false
	for _, ev := range all {
		if ev.Type == guccho.EventEnterprisesChanged && changeOf(t, ev).Action == "indexed" {
			c := changeOf(t, ev)
			if c.ImportID != "imp-ev" || len(evs) != 3 {
				t.Errorf("indexed = %+v after %d events; want imp-ev's, after the import's", c, len(evs))
			}
			covered = covered || (c.Bound[0] <= 92.5 && c.Bound[2] >= 92.5 && c.Bound[1] <= 24.5 && c.Bound[3] >= 24.5)
			indexed++
			continue
		}
		evs = append(evs, ev)
	}
	if indexed == 0 || !covered {
		t.Errorf("the import appended %d indexed events, covering its points: %v; want some that do", indexed, covered)
	}
	if len(evs) != 4 {
		t.Fatalf("%d events after 4 writes, want 4: %+v", len(evs), evs)
	}
	for i, ev := range evs {
		if ev.Type != guccho.EventEnterprisesChanged || ev.ID <= start || (i > 0 && ev.ID <= evs[i-1].ID) || ev.Time.IsZero() {
			t.Errorf("event %d = %+v; want enterprises.changed with increasing ids", i, ev)
		}
	}
	created, updated, imported, deleted := changeOf(t, evs[0]), changeOf(t, evs[1]), changeOf(t, evs[2]), changeOf(t, evs[3])
	if created.Action != "created" || created.Count != 1 || created.IDs[0] != "E1" || created.Bound != [4]float64{90.5, 22.5, 90.5, 22.5} {
		t.Errorf("created = %+v", created)
	}
	if updated.Action != "updated" || updated.Count != 1 || len(updated.Points) != 2 ||
		updated.Bound != [4]float64{90.5, 22.5, 91.5, 23.5} || len(updated.Sectors) != 2 {
		t.Errorf("updated = %+v; want the old and new points and sectors", updated)
	}
	if imported.Action != "imported" || imported.ImportID != "imp-ev" || imported.Count != 2 {
		t.Errorf("imported = %+v", imported)
	}
	if deleted.Action != "deleted" || deleted.IDs[0] != "E1" || deleted.Bound != [4]float64{91.5, 23.5, 91.5, 23.5} {
		t.Errorf("deleted = %+v", deleted)
	}
	if latest, _ := s.LatestEventID(ctx); latest != all[len(all)-1].ID {
		t.Errorf("LatestEventID = %d, want %d", latest, evs[3].ID)
	}
	if oldest, _ := s.OldestEventID(ctx); oldest == 0 || oldest > start {
		t.Errorf("OldestEventID = %d, want ≤ %d", oldest, start)
	}
	if more, _ := s.EventsAfter(ctx, evs[1].ID, 1); len(more) != 1 || more[0].ID != evs[2].ID {
		t.Errorf("EventsAfter with a limit = %+v", more)
	}
}

// testEditsListUnits: each single-enterprise write lists the deepest units
// whose profiles it may have changed (guccho.EnterpriseChange.Units), none
// for an edit that changes nothing a profile counts; an import lists none
// at all, which readers take as "any unit".
func testEditsListUnits(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.ReplaceBoundaries(ctx, gridUnits(t)); err != nil {
		t.Fatal(err)
	}
	here, there := "BD10040911", "BD20030405"
	e := ent("E1", "dairy", 90.5, 22.5)
	steps := []struct {
		name       string
		write      func() error
		wantUnits  []string
		wantListed bool
	}{
		{"create", func() error { return s.CreateEnterprise(ctx, e) }, []string{here}, true},
		{"rename", func() error { e.Name = "Renamed"; return s.UpdateEnterprise(ctx, e) }, []string{}, true},
		{"move within the union", func() error { e.Point = [2]float64{90.51, 22.51}; return s.UpdateEnterprise(ctx, e) }, []string{}, true},
		{"more wage jobs", func() error { e.Employment.Wage++; return s.UpdateEnterprise(ctx, e) }, []string{here}, true},
		{"a barrier", func() error { e.Barriers = []string{"credit"}; return s.UpdateEnterprise(ctx, e) }, []string{here}, true},
		{"move to another division", func() error {
			e.Admin = guccho.AdminCodes{Division: "BD20", District: "BD2003", Upazila: "BD200304", Union: there}
			return s.UpdateEnterprise(ctx, e)
		}, []string{here, there}, true},
		{"delete", func() error { return s.DeleteEnterprise(ctx, "E1") }, []string{there}, true},
		{"import", func() error { runImport(t, s, "imp-units", rows(ent("I1", "dairy", 92.5, 24.5))); return nil }, nil, false},
	}
	for _, st := range steps {
		before, err := s.LatestEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		evs, err := s.EventsAfter(ctx, before, 100)
		if err != nil || len(evs) == 0 {
			t.Fatalf("%s: %d events (%v), want its own", st.name, len(evs), err)
		}
		for _, ev := range evs {
			units, listed := changeOf(t, ev).ChangedUnits()
			if listed != st.wantListed || len(units) != len(st.wantUnits) || (listed && units == nil) {
				t.Errorf("%s: event %d lists %q (listed %v); want %q (listed %v)", st.name, ev.ID, units, listed, st.wantUnits, st.wantListed)
				continue
			}
			for i := range units {
				if units[i] != st.wantUnits[i] {
					t.Errorf("%s: event %d lists %q; want %q", st.name, ev.ID, units, st.wantUnits)
					break
				}
			}
		}
	}
}

func testRollbackAppendsNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	before, _ := s.LatestEventID(ctx)
	imp := newImport("imp-rb")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Put(ctx, rows(ent("X", "dairy", 90.5, 22.5))); err != nil {
		t.Fatal(err)
	}
	w.Rollback()
	if err := s.CreateEnterprise(ctx, &guccho.Enterprise{ID: "bad"}); err == nil {
		t.Fatal("an invalid enterprise was created")
	}
	if after, _ := s.LatestEventID(ctx); after != before {
		t.Errorf("rolled-back and refused writes moved the latest event id from %d to %d", before, after)
	}
}

// testAppendEvent: an event appended on its own (a presenter's position)
// is committed with the next id, signalled, read back with its payload, and
// a payload that does not encode is refused as invalid, appending nothing.
func testAppendEvent(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, ok := s.(guccho.EventAppender)
	if !ok {
		t.Fatalf("%T does not implement guccho.EventAppender", s)
	}
	before, err := s.LatestEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := a.AppendEvent(ctx, guccho.EventPresentationMoved, map[string]any{"deck": "d1", "slide": 2})
	if err != nil {
		t.Fatal(err)
	}
	if id <= before {
		t.Errorf("AppendEvent returned id %d; want one after %d", id, before)
	}
	waitSignal(t, s)
	evs, err := s.EventsAfter(ctx, before, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].ID != id || evs[0].Type != guccho.EventPresentationMoved {
		t.Fatalf("events after %d: got %+v; want the one appended (id %d)", before, evs, id)
	}
	var got struct {
		Deck  string `json:"deck"`
		Slide int    `json:"slide"`
	}
	if err := json.Unmarshal(evs[0].Payload, &got); err != nil || got.Deck != "d1" || got.Slide != 2 {
		t.Errorf("payload %s: got %+v, %v; want deck d1, slide 2", evs[0].Payload, got, err)
	}
	if _, err := a.AppendEvent(ctx, guccho.EventPresentationMoved, map[string]any{"bad": func() {}}); guccho.ErrorCode(err) != guccho.EINVALID {
		t.Errorf("a payload that does not encode: got %v; want an invalid error", err)
	}
	if latest, _ := s.LatestEventID(ctx); latest != id {
		t.Errorf("after a refused append the latest id is %d; want %d", latest, id)
	}
}
