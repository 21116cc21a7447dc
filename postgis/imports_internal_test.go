package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/pgtest"
)

// TestContentDocHashesLikeContentHash checks that an import's one encoding
// of a record gives the hash guccho.Enterprise.ContentHash gives (edits
// and imports compare hashes to find unchanged rows), and a doc that
// reads back as the record without the columns the store keeps apart.
func TestContentDocHashesLikeContentHash(t *testing.T) {
	female := 2
	aware := true
	cases := []struct {
		name string
		e    guccho.Enterprise
	}{
		{"bare", guccho.Enterprise{ID: "e1", Sector: "dairy", Geocode: guccho.Geocode{Method: guccho.GeocodeNone}}},
		{"full", guccho.Enterprise{ID: "e2", FeatureID: 7, Name: "রহিম ডেইরি", Sector: "dairy", SubSector: "milk",
			GPS: &orb.Point{90.4, 23.8}, Point: orb.Point{90.4, 23.8},
			Admin:      guccho.AdminCodes{Division: "BD30", District: "BD3026"},
			Geocode:    guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1, Flags: []string{guccho.FlagNameFuzzy}},
			Employment: guccho.Employment{Self: 1, Wage: 3, Female: &female}, RECP: guccho.RECP{Aware: &aware},
			Barriers: []string{"high_cost"}, Attributes: map[string]string{"phone": "+8801", "b": "x"},
			ImportID: "imp-1", ImportRow: 12, CreatedAt: time.Unix(1e9, 0), UpdatedAt: time.Unix(2e9, 0)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, hash, err := contentDoc(&tc.e)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.e.ContentHash(); hash != want {
				t.Errorf("hash = %s, want %s", hash, want)
			}
			var got guccho.Enterprise
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != tc.e.ID || got.Name != tc.e.Name || got.ContentHash() != tc.e.ContentHash() {
				t.Errorf("doc reads back as %+v, want the content of %+v", got, tc.e)
			}
			if got.FeatureID != 0 || got.ImportID != "" || got.ImportRow != 0 || !got.CreatedAt.IsZero() {
				t.Errorf("doc keeps the store's own columns: %s", doc)
			}
		})
	}
}

// openTest opens a store on a fresh database, closed when t ends.
func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// enterprise is a placed test enterprise from a source's row; its content
// does not depend on the row.
func enterprise(id string, row int) *guccho.Enterprise {
	p := orb.Point{90.5, 23}
	return &guccho.Enterprise{ID: id, Name: "Enterprise " + id, Sector: "dairy", GPS: &p, Point: p,
		Admin: guccho.AdminCodes{Division: "BD10"}, Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}, ImportRow: row}
}

// importRows runs an import of the enterprises to its end.
func importRows(t *testing.T, s *Store, id string, es ...*guccho.Enterprise) guccho.ImportCounts {
	t.Helper()
	ctx := context.Background()
	imp, w := startImport(t, s, id)
	c, err := w.Put(ctx, es)
	if err != nil {
		t.Fatal(err)
	}
	imp.Status = guccho.ImportSucceeded
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFindStoredProbesTheIDIndex checks the plan of the statement that
// finds what is stored under a batch's ids: the batch drives, and the
// enterprises are reached through their id index. Driven from the
// import's index instead, a batch would scan the staging table once per
// row the import had written, and imports slowed as they went.
func TestFindStoredProbesTheIDIndex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var es []*guccho.Enterprise
	for i := 1; i <= 200; i++ {
		es = append(es, enterprise(fmt.Sprintf("E%d", i), i))
	}
	importRows(t, s, "imp-1", es...)
	imp := &guccho.Import{ID: "imp-2", Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	iw, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer iw.Rollback()
	w := iw.(*importWriter)
	if err := w.begin(ctx); err != nil {
		t.Fatal(err)
	}
	var plan string
	ids, rows, hashes := []string{"E1", "E2", "X"}, []int32{1, 2, 3}, []string{"h", "h", "h"}
	if err := w.tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+findStoredSQL, ids, rows, hashes).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, `"Index Name": "enterprises_id_key"`) {
		t.Errorf("the plan does not probe the id index:\n%s", plan)
	}
}

// TestReimportSavesOnlyTheClaimOfUnchangedRows checks that an import
// finding rows unchanged saves for undo only the import and row they had,
// not a copy of each record, and that its undo gives them back.
func TestReimportSavesOnlyTheClaimOfUnchangedRows(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRows(t, s, "imp-1", enterprise("A", 1), enterprise("B", 2))
	moved := enterprise("B", 2)
	moved.Name = "B renamed"
	c := importRows(t, s, "imp-2", enterprise("A", 7), moved)
	if c.Unchanged != 1 || c.Updated != 1 {
		t.Fatalf("re-import counts %+v, want 1 unchanged and 1 updated", c)
	}
	var slim, full int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE unchanged AND doc IS NULL AND id = 'A'),
		count(*) FILTER (WHERE NOT unchanged AND doc IS NOT NULL AND id = 'B') FROM guccho.import_undo WHERE import_id = 'imp-2'`).Scan(&slim, &full); err != nil {
		t.Fatal(err)
	}
	if slim != 1 || full != 1 {
		t.Errorf("undo rows: %d slim for the unchanged row, %d full for the updated one; want 1 and 1", slim, full)
	}
	if a, err := s.FindEnterpriseByID(ctx, "A"); err != nil || a.ImportID != "imp-2" || a.ImportRow != 7 {
		t.Fatalf("A after the re-import = %+v, %v; want claimed by imp-2 at row 7", a, err)
	}
	if _, err := s.UndoImport(ctx, "imp-2"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []*guccho.Enterprise{enterprise("A", 1), enterprise("B", 2)} {
		got, err := s.FindEnterpriseByID(ctx, want.ID)
		if err != nil || got.ImportID != "imp-1" || got.ImportRow != want.ImportRow || got.ContentHash() != want.ContentHash() {
			t.Errorf("%s after undo = %+v, %v; want imp-1's version at row %d", want.ID, got, err, want.ImportRow)
		}
	}
}

// TestUndoOfUnchangedRowsTellsMapsNothing checks that undoing an import
// that only found rows unchanged logs no enterprises.changed event: no
// enterprise moved or changed, so no map has tiles to refresh.
func TestUndoOfUnchangedRowsTellsMapsNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRows(t, s, "imp-1", enterprise("A", 1), enterprise("B", 2))
	if c := importRows(t, s, "imp-2", enterprise("A", 1), enterprise("B", 2)); c.Unchanged != 2 {
		t.Fatalf("re-import counts %+v, want 2 unchanged", c)
	}
	last, err := s.LatestEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UndoImport(ctx, "imp-2"); err != nil {
		t.Fatal(err)
	}
	events, err := s.EventsAfter(ctx, last, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Type == guccho.EventEnterprisesChanged {
			t.Errorf("the undo logged %s %s; want no change event", ev.Type, ev.Payload)
		}
	}
	if a, err := s.FindEnterpriseByID(ctx, "A"); err != nil || a.ImportID != "imp-1" {
		t.Errorf("A after undo = %+v, %v; want imp-1's again", a, err)
	}
}
