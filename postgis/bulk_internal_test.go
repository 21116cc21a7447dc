package postgis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
)

// indexState is an index of guccho.enterprises as the catalogue has it.
type indexState struct {
	def   string
	valid bool
}

// enterpriseIndexState reads every index of guccho.enterprises, by name.
func enterpriseIndexState(t *testing.T, s *Store) map[string]indexState {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), `SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'guccho.enterprises'::regclass`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]indexState{}
	var name string
	var st indexState
	if _, err := pgx.ForEachRow(rows, []any{&name, &st.def, &st.valid}, func() error { out[name] = st; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// keys are the indexes every store keeps, bulk import or not.
var keys = []string{"enterprises_pkey", "enterprises_id_key"}

// checkEveryIndex fails unless guccho.enterprises has every index of the
// migrated schema, valid, as enterpriseIndexes defines it.
func checkEveryIndex(t *testing.T, s *Store, when string) {
	t.Helper()
	got := enterpriseIndexState(t, s)
	for _, name := range keys {
		if !got[name].valid {
			t.Errorf("%s: the key %s is %+v, want a valid index", when, name, got[name])
		}
		delete(got, name)
	}
	want := map[string]indexState{}
	for _, ix := range enterpriseIndexes {
		want[ix.name] = indexState{ix.definition(), true}
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: the enterprises' secondary indexes are\n%v\nwant\n%v", when, got, want)
	}
}

// isBulkTest reads whether an import was decided bulk.
func isBulkTest(t *testing.T, s *Store, id string) bool {
	t.Helper()
	bulk, err := s.isBulk(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return bulk
}

// recordImport records a running import that has not opened its writer.
func recordImport(t *testing.T, s *Store, id string) {
	t.Helper()
	if err := s.CreateImport(context.Background(), &guccho.Import{ID: id, Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
}

// TestEnterpriseIndexesAreTheSchemas checks that the one list of indexes
// a bulk import drops and builds is every index the migrations give the
// enterprises, the two keys aside, with the same definitions: a migration
// that adds an index fails here until enterpriseIndexes has it.
func TestEnterpriseIndexesAreTheSchemas(t *testing.T) {
	checkEveryIndex(t, openTest(t), "migrated")
}

// bulkRows are the rows of the bulk tests: two sectors in three places,
// one left off the map.
func bulkRows() []*guccho.Enterprise {
	unplaced := enterprise("E5", 5)
	unplaced.Point, unplaced.GPS, unplaced.Geocode = [2]float64{}, nil, guccho.Geocode{Method: guccho.GeocodeNone}
	return []*guccho.Enterprise{
		placed("E1", "dairy", 90.41, 23.81, 1), placed("E2", "dairy", 90.42, 23.82, 2),
		placed("E3", "footwear_leather", 91.8, 22.3, 3), placed("E4", "footwear_leather", 88.6, 26.1, 4), unplaced,
	}
}

// storedState is what an import leaves in a store, for comparing stores.
type storedState struct {
	rows, unitCounts, events []string
	pyramid                  map[string]int
}

func readStoredState(t *testing.T, s *Store) storedState {
	t.Helper()
	ctx := context.Background()
	var st storedState
	err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		st.rows = append(st.rows, fmt.Sprintf("%s %s %v %+v %s %d %s", e.ID, e.Sector, e.Point, e.Admin, e.ImportID, e.ImportRow, e.Geocode.Method))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(st.rows)
	rows, err := s.pool.Query(ctx, `SELECT format('%s %s %s %s %s %s %s %s', level, unit, sector, method, synthetic, enterprises, self, wage) FROM guccho.unit_counts ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	if st.unitCounts, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	rows, err = s.pool.Query(ctx, `SELECT type || ' ' || CAST(payload AS text) FROM guccho.events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	if st.events, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	st.pyramid = map[string]int{}
	for k, n := range pyramid(t, s) {
		st.pyramid[fmt.Sprint(k)] = n
	}
	return st
}

// TestABulkImportEndsAsAnyImport checks an import into an empty store: it
// is bulk, loads with only the keys (and a filtered read still finds its
// committed rows, by a scan), and ends with the same rows, unit counts,
// pyramid, events and indexes as the same import into a store where
// another import was running when it began (so not bulk).
func TestABulkImportEndsAsAnyImport(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, s *Store, wantBulk bool) storedState {
		imp, w := startImport(t, s, "imp-1")
		if got := isBulkTest(t, s, "imp-1"); got != wantBulk {
			t.Fatalf("bulk = %v, want %v", got, wantBulk)
		}
		if _, err := w.Put(ctx, bulkRows()); err != nil {
			t.Fatal(err)
		}
		if err := w.Checkpoint(ctx, imp); err != nil {
			t.Fatal(err)
		}
		if wantBulk {
			if got := enterpriseIndexState(t, s); len(got) != len(keys) {
				t.Errorf("a bulk import loads with the indexes %v, want only the keys %v", slices.Sorted(maps.Keys(got)), keys)
			}
			n := 0
			err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{Sectors: []string{"dairy"}, ImportID: "imp-1"}, func(*guccho.Enterprise) error { n++; return nil })
			if err != nil || n != 3 {
				t.Errorf("a filtered read while a bulk import loads: %d rows, %v; want 3", n, err)
			}
		}
		imp.Status = guccho.ImportSucceeded
		if err := w.Commit(ctx, imp); err != nil {
			t.Fatal(err)
		}
		checkEveryIndex(t, s, "after the import")
		checkPyramid(t, s, "after the import", pyramidOfRows(t, s))
		return readStoredState(t, s)
	}
	bulk := run(t, openTest(t), true)

	s := openTest(t)
	recordImport(t, s, "running") // begun first: imp-1 is not bulk
	plain := run(t, s, false)
	if _, err := s.RollbackImport(ctx, "running", "a test"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(bulk.rows, plain.rows) {
		t.Errorf("rows: bulk\n%v\nnot bulk\n%v", bulk.rows, plain.rows)
	}
	if !slices.Equal(bulk.unitCounts, plain.unitCounts) {
		t.Errorf("unit counts: bulk\n%v\nnot bulk\n%v", bulk.unitCounts, plain.unitCounts)
	}
	if len(bulk.events) == 0 {
		t.Error("the bulk import logged no events")
	}
	if !slices.Equal(bulk.events, plain.events) {
		t.Errorf("events: bulk\n%v\nnot bulk\n%v", bulk.events, plain.events)
	}
	if !maps.Equal(bulk.pyramid, plain.pyramid) {
		t.Errorf("pyramid: bulk %v, not bulk %v", bulk.pyramid, plain.pyramid)
	}
}

// TestOnlyAnImportIntoAnEmptyIdleStoreIsBulk checks when an import is
// bulk: into an empty store with no other import running, and not when
// the store holds an enterprise or another import runs.
func TestOnlyAnImportIntoAnEmptyIdleStoreIsBulk(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, s *Store)
		bulk  bool
	}{
		{"empty and idle", func(*testing.T, *Store) {}, true},
		{"an enterprise stored", func(t *testing.T, s *Store) {
			if err := s.CreateEnterprise(context.Background(), placed("EDIT", "dairy", 90.4, 23.8, 0)); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"another import running", func(t *testing.T, s *Store) { recordImport(t, s, "other") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			tc.setup(t, s)
			startImport(t, s, "imp-1")
			if got := isBulkTest(t, s, "imp-1"); got != tc.bulk {
				t.Errorf("bulk = %v, want %v", got, tc.bulk)
			}
			if got := len(enterpriseIndexState(t, s)); (got == len(keys)) != tc.bulk {
				t.Errorf("%d indexes while loading; bulk = %v", got, tc.bulk)
			}
		})
	}
}

// TestImportsBeginningAtOnceAreNotBothBulk begins two imports at once
// into an empty store, several times over: at most one of each pair is
// bulk, and when both are rolled back every index is there.
func TestImportsBeginningAtOnceAreNotBothBulk(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for round := range 4 {
		ids := []string{fmt.Sprintf("a-%d", round), fmt.Sprintf("b-%d", round)}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				imp := &guccho.Import{ID: id, Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
				if errs[i] = s.CreateImport(ctx, imp); errs[i] == nil {
					_, errs[i] = s.BeginImport(ctx, imp)
				}
			}()
		}
		close(start)
		wg.Wait()
		bulk := 0
		for i, id := range ids {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if isBulkTest(t, s, id) {
				bulk++
			}
		}
		if bulk > 1 {
			t.Errorf("round %d: both imports beginning at once are bulk", round)
		}
		for _, id := range ids {
			if _, err := s.RollbackImport(ctx, id, "a test"); err != nil {
				t.Fatal(err)
			}
		}
		checkEveryIndex(t, s, fmt.Sprintf("round %d, both rolled back", round))
	}
}

// TestAnAbandonedBulkImportLeavesEveryIndex checks the ways a bulk import
// ends without standing: its writer rolled back, rolled back at recovery
// (loading or indexing), and undone once it succeeded. Each leaves the
// store empty with every index valid.
func TestAnAbandonedBulkImportLeavesEveryIndex(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		end  func(t *testing.T, s *Store, imp *guccho.Import, w *importWriter)
	}{
		{"writer rolled back", func(t *testing.T, _ *Store, _ *guccho.Import, w *importWriter) {
			if err := w.Rollback(); err != nil {
				t.Fatal(err)
			}
		}},
		{"loading, rolled back at recovery", func(t *testing.T, s *Store, _ *guccho.Import, w *importWriter) {
			w.done = true // the process died
			if _, err := s.RollbackImport(ctx, "imp-1", "interrupted"); err != nil {
				t.Fatal(err)
			}
		}},
		{"indexing, rolled back at recovery", func(t *testing.T, s *Store, imp *guccho.Import, w *importWriter) {
			// The last chunk committed, the process died before the build.
			if err := w.checkpoint(ctx, imp, true); err != nil {
				t.Fatal(err)
			}
			w.done = true
			if _, err := s.RollbackImport(ctx, "imp-1", "interrupted"); err != nil {
				t.Fatal(err)
			}
		}},
		{"undone", func(t *testing.T, s *Store, imp *guccho.Import, w *importWriter) {
			imp.Status = guccho.ImportSucceeded
			if err := w.Commit(ctx, imp); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UndoImport(ctx, "imp-1"); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			imp, w := startImport(t, s, "imp-1")
			if !isBulkTest(t, s, "imp-1") {
				t.Fatal("an import into an empty store is not bulk")
			}
			if _, err := w.Put(ctx, bulkRows()); err != nil {
				t.Fatal(err)
			}
			if err := w.Checkpoint(ctx, imp); err != nil {
				t.Fatal(err)
			}
			tc.end(t, s, imp, w)
			checkEveryIndex(t, s, "after")
			if st := readStoredState(t, s); len(st.rows) != 0 || len(st.pyramid) != 0 {
				t.Errorf("after: %d rows, %d cells; want none", len(st.rows), len(st.pyramid))
			}
		})
	}
}

// TestResumeBuildsMissingAndInvalidIndexes checks a bulk import
// interrupted in its indexing phase with one index left INVALID by a
// failed CREATE INDEX CONCURRENTLY (of another definition under the same
// name) and the rest missing: the resume drops and builds the invalid one
// and builds the others, each as the schema defines it, and the pyramid
// is exactly its rows'.
func TestResumeBuildsMissingAndInvalidIndexes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	imp, w := startImport(t, s, "imp-1")
	if _, err := w.Put(ctx, bulkRows()); err != nil {
		t.Fatal(err)
	}
	if err := w.checkpoint(ctx, imp, true); err != nil {
		t.Fatal(err)
	}
	w.done = true // the process died
	// Two rows share a sector: a unique index on it fails, and stays,
	// invalid, under the name of the sector's index.
	if _, err := s.pool.Exec(ctx, `CREATE UNIQUE INDEX CONCURRENTLY enterprises_sector ON guccho.enterprises (sector)`); err == nil {
		t.Fatal("the unique index on the sector was built")
	}
	if got := enterpriseIndexState(t, s)["enterprises_sector"]; got.valid || got.def == "" {
		t.Fatalf("enterprises_sector after the failed build: %+v, want an invalid index", got)
	}
	stored, err := s.FindImportByID(ctx, "imp-1")
	if err != nil {
		t.Fatal(err)
	}
	w2, err := s.BeginImport(ctx, stored)
	if err != nil {
		t.Fatal(err)
	}
	stored.Status = guccho.ImportSucceeded
	if err := w2.Commit(ctx, stored); err != nil {
		t.Fatal(err)
	}
	checkEveryIndex(t, s, "after the resume")
	checkPyramid(t, s, "after the resume", pyramidOfRows(t, s))
}

// TestEditsGoOnWhileTheIndexesAreBuilt holds a transaction that wrote to
// the enterprises open while a bulk import's indexing builds the indexes:
// the build waits for it (CREATE INDEX CONCURRENTLY waits for the writers
// before it), and an edit made meanwhile completes at once. A plain CREATE
// INDEX would queue behind that transaction and the edit behind it.
func TestEditsGoOnWhileTheIndexesAreBuilt(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	imp, w := startImport(t, s, "imp-1")
	if _, err := w.Put(ctx, bulkRows()); err != nil {
		t.Fatal(err)
	}
	writer, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback(ctx)
	if _, err := writer.Exec(ctx, `UPDATE guccho.enterprises SET name = name WHERE id = 'none'`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		imp.Status = guccho.ImportSucceeded
		done <- w.Commit(ctx, imp)
	}()
	// Wait until the build waits.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var building bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%')`).Scan(&building); err != nil {
			t.Fatal(err)
		}
		if building {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no index build began")
		}
	}
	ectx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.CreateEnterprise(ectx, placed("EDIT", "dairy", 90.4, 23.8, 0)); err != nil {
		t.Fatalf("an edit while the indexes are built: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("the indexing ended (%v) before the transaction it waits for", err)
	default:
	}
	writer.Rollback(ctx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkEveryIndex(t, s, "after the import")
	checkPyramid(t, s, "after the import", pyramidOfRows(t, s))
}

// TestABuildWaitsForAnotherSessionsBuild has another session hold the
// build lock while its CREATE INDEX CONCURRENTLY runs, as the server
// session of a killed import does until its statement ends, and recovery
// build the indexes meanwhile: recovery waits for that build without
// holding a snapshot the build waits for (waiting in one statement, the
// two deadlocked), then builds the rest.
func TestABuildWaitsForAnotherSessionsBuild(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	imp, w := startImport(t, s, "imp-1")
	if _, err := w.Put(ctx, bulkRows()); err != nil {
		t.Fatal(err)
	}
	if err := w.checkpoint(ctx, imp, true); err != nil {
		t.Fatal(err)
	}
	w.done = true // the process died; its session builds on
	other, err := pgx.Connect(ctx, s.pool.Config().ConnConfig.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	if _, err := other.Exec(ctx, `SELECT pg_advisory_lock($1)`, buildLock); err != nil {
		t.Fatal(err)
	}
	// A writer keeps the other build waiting until recovery waits too.
	writer, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback(ctx)
	if _, err := writer.Exec(ctx, `UPDATE guccho.enterprises SET name = name WHERE id = 'none'`); err != nil {
		t.Fatal(err)
	}
	otherDone := make(chan error, 1)
	go func() {
		_, err := other.Exec(ctx, `CREATE INDEX CONCURRENTLY enterprises_sector ON guccho.enterprises USING btree (sector)`)
		otherDone <- err
	}()
	buildDone := make(chan error, 1)
	go func() { buildDone <- s.buildIndexes(ctx, true, nil) }()
	time.Sleep(500 * time.Millisecond) // recovery is waiting for the lock
	writer.Rollback(ctx)
	if err := <-otherDone; err != nil {
		t.Fatalf("the other session's build: %v", err)
	}
	if _, err := other.Exec(ctx, `SELECT pg_advisory_unlock($1)`, buildLock); err != nil {
		t.Fatal(err)
	}
	if err := <-buildDone; err != nil {
		t.Fatalf("recovery's build: %v", err)
	}
	checkEveryIndex(t, s, "after both builds")
}
