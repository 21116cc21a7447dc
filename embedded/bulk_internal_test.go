package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// openTemp opens a new store in a temporary directory.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// schemaIndexes lists the indexes of enterprises that the store's schema
// holds, as "name: definition", sorted; the keys' automatic index of the
// unique id has no definition.
func schemaIndexes(t *testing.T, s *Store) []string {
	t.Helper()
	got, err := queryStrings(context.Background(), s.db, `SELECT name || ': ' || coalesce(sql, '(automatic)')
		FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'enterprises' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// The list that a bulk import drops and builds is every index of
// enterprises but its keys, defined as the migrations define them: a
// migration that adds an index to enterprises fails here until the index
// is added to enterpriseIndexes.
func TestEnterpriseIndexesAreTheSchemas(t *testing.T) {
	s := openTemp(t)
	want := []string{"sqlite_autoindex_enterprises_1: (automatic)"} // the unique id
	for _, ix := range enterpriseIndexes {
		// SQLite keeps a CREATE statement without its IF NOT EXISTS.
		want = append(want, ix.name+": "+strings.Replace(ix.create, "IF NOT EXISTS ", "", 1))
	}
	slices.Sort(want)
	if got := schemaIndexes(t, s); !slices.Equal(got, want) {
		t.Errorf("indexes of enterprises in the migrated schema:\n%s\nwant enterpriseIndexes and the id key:\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// bulkFixture is an import's rows: placed rows around Bhairab in three
// sectors, some unplaced, a repeated id.
func bulkFixture(seed uint64, n int, prefix string) []*guccho.Enterprise {
	r := rand.New(rand.NewPCG(seed, 7))
	sectors := []string{"dairy", "footwear_leather", "light_engineering"}
	var rows []*guccho.Enterprise
	for i := range n {
		e := pyramidEnterprise(fmt.Sprintf("%s%d", prefix, i), sectors[i%3], orb.Point{90.9 + r.Float64()*0.1, 24.0 + r.Float64()*0.1})
		if i%10 == 9 {
			e.GPS, e.Point, e.Geocode = nil, orb.Point{}, guccho.Geocode{Method: guccho.GeocodeNone}
		}
		e.Employment.Self, e.Employment.Wage = 1+i%3, i%5
		e.ImportRow = i + 1
		rows = append(rows, e)
	}
	dup := pyramidEnterprise(prefix+"3", "dairy", orb.Point{90.95, 24.05})
	dup.ImportRow = n + 1
	return append(rows, dup)
}

// storeDump is what a user can see of a store's enterprises, line by line:
// the rows (but their times), the count pyramid, the points, the
// enterprises and jobs per unit, the event log's types and payloads, and
// the indexes of enterprises.
func storeDump(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for part, q := range map[string]string{
		"enterprises": `SELECT concat_ws('|', fid, id, name, sector, method, lon, lat, display_point, synthetic, division, district,
			upazila, union_code, import_id, import_row, content_hash, doc) FROM enterprises ORDER BY fid`,
		"pyramid":     `SELECT concat_ws('|', z, x, y, sector, n) FROM enterprise_cells ORDER BY z, x, y, sector`,
		"points":      `SELECT concat_ws('|', key, fid) FROM enterprise_points ORDER BY key, fid`,
		"unit_counts": `SELECT concat_ws('|', level, unit, sector, method, synthetic, enterprises, self, wage) FROM unit_counts ORDER BY level, unit, sector, method, synthetic`,
		"events":      `SELECT concat_ws('|', id, type, payload) FROM events ORDER BY id`,
		"undo":        `SELECT concat_ws('|', import_id, fid, id, content_hash) FROM import_undo ORDER BY import_id, fid`,
	} {
		rows, err := queryStrings(ctx, s.db, q)
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		out[part] = rows
	}
	out["indexes"] = schemaIndexes(t, s)
	return out
}

// compareDumps reports every part of got that differs from want.
func compareDumps(t *testing.T, when string, got, want map[string][]string) {
	t.Helper()
	for part, w := range want {
		g := got[part]
		if slices.Equal(g, w) {
			continue
		}
		i := 0
		for i < min(len(g), len(w)) && g[i] == w[i] {
			i++
		}
		first := func(l []string) string {
			if i < len(l) {
				return l[i]
			}
			return "(none)"
		}
		t.Errorf("%s: %s differ: %d lines, want %d; first difference at line %d:\n got %s\nwant %s", when, part, len(g), len(w), i+1, first(g), first(w))
	}
}

// bulkOf reports whether the store recorded the import as a bulk import.
func bulkOf(t *testing.T, s *Store, id string) bool {
	t.Helper()
	st, err := readIndexState(context.Background(), s.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return st.bulk
}

// A bulk import (on an empty store) ends exactly as the same import on a
// store where it is not bulk (another import is running there): the same
// rows, cells, points, units, events and indexes; and so does a second
// import over it, and the undo of both.
func TestBulkImportEndsAsANonBulkOne(t *testing.T) {
	ctx := context.Background()
	bulk, plain := openTemp(t), openTemp(t)
	// On plain an import is running (a crash's, say): the next is not bulk.
	if err := plain.CreateImport(ctx, &guccho.Import{ID: "imp-other", Status: guccho.ImportRunning}); err != nil {
		t.Fatal(err)
	}
	first := bulkFixture(1, 1200, "E")
	// The second import updates a third of the rows, leaves a third
	// unchanged and creates as many.
	second := bulkFixture(1, 1200, "E")
	for i, e := range second[:1200] {
		switch i % 3 {
		case 1:
			e.Name += " (moved)"
			e.Point, e.GPS = orb.Point{e.Point[0] + 0.01, e.Point[1]}, nil
		case 2:
			e.ID = fmt.Sprintf("N%d", i)
		}
	}
	for _, s := range []*Store{bulk, plain} {
		importBatches(t, s, "imp-first", cloneRows(first[:500]), cloneRows(first[500:]))
	}
	if !bulkOf(t, bulk, "imp-first") || bulkOf(t, plain, "imp-first") {
		t.Fatalf("imp-first bulk on the empty store %v, beside a running import %v; want true, false",
			bulkOf(t, bulk, "imp-first"), bulkOf(t, plain, "imp-first"))
	}
	compareDumps(t, "after a bulk import", storeDump(t, bulk), storeDump(t, plain))
	checkIndexes(t, bulk)

	for _, s := range []*Store{bulk, plain} {
		importBatches(t, s, "imp-second", cloneRows(second[:700]), cloneRows(second[700:]))
	}
	if bulkOf(t, bulk, "imp-second") {
		t.Error("an import on a store holding enterprises is bulk")
	}
	compareDumps(t, "after a second import", storeDump(t, bulk), storeDump(t, plain))
	for _, id := range []string{"imp-second", "imp-first"} {
		for _, s := range []*Store{bulk, plain} {
			if _, err := s.UndoImport(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		compareDumps(t, "after undoing "+id, storeDump(t, bulk), storeDump(t, plain))
	}
}

// cloneRows copies the rows, as a store sets fields of those it imports.
func cloneRows(rows []*guccho.Enterprise) []*guccho.Enterprise {
	out := make([]*guccho.Enterprise, len(rows))
	for i, e := range rows {
		c := *e
		out[i] = &c
	}
	return out
}

// A bulk import loads without the secondary indexes; only one of two
// imports beginning on an empty store is bulk; rolled back while loading
// (by its writer, or by recovery after a crash), it leaves the store
// empty with every index in place.
func TestBulkImportRolledBackWhileLoading(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rollback func(s *Store, w guccho.ImportWriter) error
	}{
		{"by its writer", func(s *Store, w guccho.ImportWriter) error { return w.Rollback() }},
		{"by recovery", func(s *Store, w guccho.ImportWriter) error {
			_, err := s.RollbackImport(context.Background(), "imp-bulk", "the file is gone")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTemp(t)
			want := storeDump(t, s)
			delete(want, "events")
			imp := &guccho.Import{ID: "imp-bulk", Status: guccho.ImportRunning}
			if err := s.CreateImport(ctx, imp); err != nil {
				t.Fatal(err)
			}
			w, err := s.BeginImport(ctx, imp)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Rollback()
			// A second import beginning meanwhile is not bulk.
			other := &guccho.Import{ID: "imp-other", Status: guccho.ImportRunning}
			if err := s.CreateImport(ctx, other); err != nil {
				t.Fatal(err)
			}
			w2, err := s.BeginImport(ctx, other)
			if err != nil {
				t.Fatal(err)
			}
			if err := w2.Rollback(); err != nil {
				t.Fatal(err)
			}
			if !bulkOf(t, s, "imp-bulk") || bulkOf(t, s, "imp-other") {
				t.Errorf("bulk: the first import %v, the second %v; want true, false", bulkOf(t, s, "imp-bulk"), bulkOf(t, s, "imp-other"))
			}
			if _, err := w.Put(ctx, bulkFixture(2, 3000, "E")); err != nil {
				t.Fatal(err)
			}
			if err := w.Checkpoint(ctx, imp); err != nil {
				t.Fatal(err)
			}
			missing, err := missingIndexes(ctx, s.db)
			if err != nil {
				t.Fatal(err)
			}
			if len(missing) != len(enterpriseIndexes) {
				t.Errorf("a bulk import loads without %d of the %d secondary indexes, want all", len(missing), len(enterpriseIndexes))
			}
			// Readers still work, through scans.
			if n, err := s.CountEnterprises(ctx, guccho.EnterpriseFilter{Sectors: []string{"dairy"}, Admin: "BD1004"}); err != nil || n != 1000 {
				t.Errorf("filtered count while loading: %d, %v; want 1000", n, err)
			}
			if err := tc.rollback(s, w); err != nil {
				t.Fatal(err)
			}
			got := storeDump(t, s)
			delete(got, "events") // the import's and the roll-back's, which maps were sent
			compareDumps(t, "after the roll-back", got, want)
		})
	}
}

// An import interrupted while it builds its indexes (a crash between two
// builds) is finished by recovery with every index, or rolled back with
// every index.
func TestInterruptedIndexBuild(t *testing.T) {
	for _, tc := range []struct {
		name   string
		finish func(t *testing.T, s *Store)
		rows   int // enterprises after
	}{
		{"finished", func(t *testing.T, s *Store) { finishIndexing(t, s, "imp-bulk") }, 2000},
		{"rolled back", func(t *testing.T, s *Store) {
			if _, err := s.RollbackImport(context.Background(), "imp-bulk", "test"); err != nil {
				t.Fatal(err)
			}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			plain := openTemp(t)
			if err := plain.CreateImport(ctx, &guccho.Import{ID: "imp-other", Status: guccho.ImportRunning}); err != nil {
				t.Fatal(err)
			}
			importBatches(t, plain, "imp-bulk", bulkFixture(3, 2000, "E")[:2000])

			s := openTemp(t)
			interruptedImport(t, s, "imp-bulk", bulkFixture(3, 2000, "E")[:2000], 2)
			missing, err := missingIndexes(ctx, s.db)
			if err != nil {
				t.Fatal(err)
			}
			if len(missing) != len(enterpriseIndexes)-2 {
				t.Errorf("interrupted after two index builds, %d indexes are missing; want %d", len(missing), len(enterpriseIndexes)-2)
			}
			tc.finish(t, s)
			got := storeDump(t, s)
			if len(got["enterprises"]) != tc.rows {
				t.Errorf("%d enterprises, want %d", len(got["enterprises"]), tc.rows)
			}
			if tc.rows > 0 {
				want := storeDump(t, plain)
				delete(want, "events") // plain's import was not interrupted: the same events, other ids
				compareDumps(t, "after recovery", got, want)
				checkIndexes(t, s)
			} else {
				compareDumps(t, "after the roll-back", map[string][]string{"indexes": got["indexes"]}, map[string][]string{"indexes": schemaIndexes(t, openTemp(t))})
			}
		})
	}
}

// Index builds run with a small page cache (short sorted runs) and a
// memory map of the file; the connection gets its own settings back
// afterwards, whether the builds succeed, fail or are cancelled.
func TestIndexBuildSettings(t *testing.T) {
	errBuild := guccho.Errorf(guccho.EINTERNAL, "a build failed")
	for _, tc := range []struct {
		name  string
		build func(cancel context.CancelFunc) error
		want  error
	}{
		{"builds that succeed", func(context.CancelFunc) error { return nil }, nil},
		{"a build that fails", func(context.CancelFunc) error { return errBuild }, errBuild},
		{"builds cancelled", func(cancel context.CancelFunc) error { cancel(); return context.Canceled }, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			conn, err := s.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			pragma := func(name string) int64 {
				t.Helper()
				var v int64
				if err := conn.QueryRowContext(context.Background(), `PRAGMA `+name).Scan(&v); err != nil {
					t.Fatal(err)
				}
				return v
			}
			if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil { // an import's
				t.Fatal(err)
			}
			err = withBuildSettings(ctx, conn, func() error {
				if got, want := pragma("cache_size"), int64(-buildCacheKiB); got != want {
					t.Errorf("while building, cache_size = %d; want %d", got, want)
				}
				if got := pragma("mmap_size"); got <= 0 || got > buildMmap {
					t.Errorf("while building, mmap_size = %d; want a map of up to %d bytes", got, buildMmap)
				}
				return tc.build(cancel)
			})
			if err != tc.want {
				t.Errorf("withBuildSettings returned %v; want %v", err, tc.want)
			}
			if got, want := pragma("cache_size"), int64(-262144); got != want {
				t.Errorf("after building, cache_size = %d; want the connection's own %d", got, want)
			}
			if got := pragma("mmap_size"); got != 0 {
				t.Errorf("after building, mmap_size = %d; want the connection's own 0", got)
			}
		})
	}
}
