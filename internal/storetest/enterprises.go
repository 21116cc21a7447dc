package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

// RunEnterprises runs the conformance cases for enterprises, imports, the
// enterprises tile layer and tokens.
func RunEnterprises(t *testing.T, open Opener) {
	t.Run("EnterpriseCRUD", func(t *testing.T) { testEnterpriseCRUD(t, open(t)) })
	t.Run("EnterpriseFilters", func(t *testing.T) { testEnterpriseFilters(t, open(t)) })
	t.Run("EnterprisePoints", func(t *testing.T) { testEnterprisePoints(t, open(t)) })
	t.Run("Import", func(t *testing.T) { testImport(t, open(t)) })
	t.Run("ImportRollback", func(t *testing.T) { testImportRollback(t, open(t)) })
	t.Run("ImportChunks", func(t *testing.T) { testImportChunks(t, open(t)) })
	t.Run("EditsBesideALongImport", func(t *testing.T) { testEditsBesideALongImport(t, open(t)) })
	t.Run("ImportUndo", func(t *testing.T) { testImportUndo(t, open(t)) })
	t.Run("ImportUndoConflicts", func(t *testing.T) { testImportUndoConflicts(t, open(t)) })
	t.Run("ImportResume", func(t *testing.T) { testImportResume(t, open(t), open(t)) })
	t.Run("ImportRecoveryRollback", func(t *testing.T) { testImportRecoveryRollback(t, open(t)) })
	t.Run("UndoRemovesReviewItems", func(t *testing.T) { testUndoRemovesReviewItems(t, open(t)) })
	t.Run("EnterpriseTiles", func(t *testing.T) { testEnterpriseTiles(t, open(t)) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open(t)) })
	t.Run("Indexing", func(t *testing.T) { runIndexing(t, open) })
	RunHardening(t, open)
}

// ent is a placed enterprise of the grid fixture's area.
func ent(id, sector string, lon, lat float64) *guccho.Enterprise {
	gps := orb.Point{lon, lat}
	return &guccho.Enterprise{
		ID: id, Name: "Enterprise " + id, Sector: sector, GPS: &gps, Point: gps,
		Stated:     guccho.AdminNames{District: "Barguna"},
		Admin:      guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040911"},
		Geocode:    guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1},
		Employment: guccho.Employment{Self: 1, Wage: 4},
		Attributes: map[string]string{"phone": "01700000000"},
	}
}

func testEnterpriseCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	e := ent("E1", "dairy", 90.5, 22.5)
	v0 := s.DataVersion("enterprises")
	if err := s.CreateEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e.FeatureID <= 0 || e.CreatedAt.IsZero() {
		t.Errorf("after create: feature id %d, created %v; want both set", e.FeatureID, e.CreatedAt)
	}
	if s.DataVersion("enterprises") == v0 {
		t.Error("creating an enterprise did not change the enterprises data version")
	}
	got, err := s.FindEnterpriseByID(ctx, "E1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != e.Name || got.Sector != "dairy" || got.FeatureID != e.FeatureID || got.Attributes["phone"] != "01700000000" ||
		got.Employment.Wage != 4 || got.Admin.Union != "BD10040911" || got.GPS == nil || *got.GPS != *e.GPS {
		t.Errorf("FindEnterpriseByID = %+v", got)
	}
	err = s.CreateEnterprise(ctx, ent("E1", "dairy", 90.5, 22.5))
	wantCode(t, "creating an existing id", err, guccho.ECONFLICT)

	e.Sector, e.Name = "footwear_leather", "Renamed"
	if err := s.UpdateEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindEnterpriseByID(ctx, "E1")
	if got.Sector != "footwear_leather" || got.Name != "Renamed" || got.FeatureID != e.FeatureID {
		t.Errorf("after update: %+v (the feature id must stay %d)", got, e.FeatureID)
	}
	err = s.UpdateEnterprise(ctx, ent("nope", "dairy", 90.5, 22.5))
	wantCode(t, "updating a missing enterprise", err, guccho.ENOTFOUND)
	err = s.CreateEnterprise(ctx, &guccho.Enterprise{ID: "bad", Geocode: guccho.Geocode{Method: "gps"}})
	wantCode(t, "creating an enterprise without a sector", err, guccho.EINVALID)

	if err := s.DeleteEnterprise(ctx, "E1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindEnterpriseByID(ctx, "E1")
	wantCode(t, "finding a deleted enterprise", err, guccho.ENOTFOUND)
	wantCode(t, "deleting it again", s.DeleteEnterprise(ctx, "E1"), guccho.ENOTFOUND)
	if n := pyramidTotal(t, s, nil); n != 0 {
		t.Errorf("after deleting the only enterprise the pyramid counts %d", n)
	}
}

func ids(t *testing.T, s store.Store, f guccho.EnterpriseFilter) string {
	t.Helper()
	var out []string
	err := s.FindEnterprises(context.Background(), f, func(e *guccho.Enterprise) error {
		out = append(out, e.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func testEnterpriseFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := ent("A", "dairy", 90.5, 22.5)
	b := ent("B", "footwear_leather", 91.5, 23.5)
	b.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1006", Upazila: "BD100651", Union: "BD10065113"}
	c := ent("C", "dairy", 92.5, 24.5)
	c.Admin = guccho.AdminCodes{Division: "BD10", District: "BD1009", Upazila: "BD100918"}
	c.Geocode = guccho.Geocode{Method: guccho.GeocodeUpazila, Score: 0.9}
	c.GPS, c.DisplayPoint = nil, true
	d := &guccho.Enterprise{ID: "D", Sector: "other", Geocode: guccho.Geocode{Method: guccho.GeocodeNone}, Synthetic: true}
	for _, e := range []*guccho.Enterprise{a, b, c, d} {
		if err := s.CreateEnterprise(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    guccho.EnterpriseFilter
		want string
	}{
		{"everything, in feature-id order", guccho.EnterpriseFilter{}, "A B C D"},
		{"by sector", guccho.EnterpriseFilter{Sectors: []string{"dairy"}}, "A C"},
		{"by district", guccho.EnterpriseFilter{Admin: "BD1006"}, "B"},
		{"by division", guccho.EnterpriseFilter{Admin: "BD10"}, "A B C"},
		{"by upazila", guccho.EnterpriseFilter{Admin: "BD100918"}, "C"},
		{"by box", guccho.EnterpriseFilter{Bound: &orb.Bound{Min: orb.Point{91, 22}, Max: orb.Point{93, 25}}}, "B C"},
		{"by method", guccho.EnterpriseFilter{Methods: []string{"upazila", "none"}}, "C D"},
		{"first page", guccho.EnterpriseFilter{Limit: 2}, "A B"},
		{"next page", guccho.EnterpriseFilter{After: b.FeatureID, Limit: 2}, "C D"},
		{"combined", guccho.EnterpriseFilter{Sectors: []string{"dairy"}, Admin: "BD1004"}, "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(t, s, tt.f); got != tt.want {
				t.Errorf("FindEnterprises = %q, want %q", got, tt.want)
			}
			n, err := s.CountEnterprises(ctx, guccho.EnterpriseFilter{Sectors: tt.f.Sectors, Admin: tt.f.Admin, Bound: tt.f.Bound, Methods: tt.f.Methods, After: tt.f.After})
			if err != nil {
				t.Fatal(err)
			}
			if tt.f.Limit == 0 && n != len(strings.Fields(tt.want)) {
				t.Errorf("CountEnterprises = %d, want %d", n, len(strings.Fields(tt.want)))
			}
		})
	}
	err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{Admin: "Dhaka"}, func(*guccho.Enterprise) error { return nil })
	wantCode(t, "filtering by a malformed P-code", err, guccho.EINVALID)
	stop := errors.New("stop")
	if err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(*guccho.Enterprise) error { return stop }); err != stop {
		t.Errorf("an error from the callback = %v, want it returned as it is", err)
	}
	st, err := s.EnterpriseStats(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 4 || st.BySector["dairy"] != 2 || st.ByMethod["gps"] != 2 || st.Synthetic != 1 {
		t.Errorf("EnterpriseStats = %+v", st)
	}
	if st, _ := s.EnterpriseStats(ctx, "BD1004"); st.Total != 1 {
		t.Errorf("EnterpriseStats(BD1004) = %+v, want 1", st)
	}
}

func newImport(id string) *guccho.Import {
	return &guccho.Import{ID: id, Filename: "survey.csv", Format: "csv", Status: guccho.ImportRunning, StartedAt: time.Now().UTC()}
}

// runImport writes batches through an import and commits it.
func runImport(t *testing.T, s store.Store, id string, batches ...[]*guccho.Enterprise) (guccho.ImportCounts, *guccho.Import) {
	t.Helper()
	ctx := context.Background()
	imp := newImport(id)
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	var total guccho.ImportCounts
	for _, b := range batches {
		c, err := w.Put(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		total.Created += c.Created
		total.Updated += c.Updated
		total.Unchanged += c.Unchanged
		total.Duplicates = append(total.Duplicates, c.Duplicates...)
	}
	imp.Status, imp.Created, imp.Updated, imp.Unchanged = guccho.ImportSucceeded, total.Created, total.Updated, total.Unchanged
	if err := w.Fail(ctx, total.Duplicates); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ctx, imp); err != nil {
		t.Fatal(err)
	}
	return total, imp
}

func rows(es ...*guccho.Enterprise) []*guccho.Enterprise {
	for i, e := range es {
		e.ImportRow = i + 1
	}
	return es
}

func testImport(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := func() []*guccho.Enterprise {
		return rows(ent("A", "dairy", 90.5, 22.5), ent("B", "dairy", 90.6, 22.6), ent("C", "dairy", 90.7, 22.7))
	}
	c, _ := runImport(t, s, "imp-1", first())
	if c.Created != 3 || c.Updated != 0 || c.Unchanged != 0 || len(c.Duplicates) != 0 {
		t.Errorf("first import: %+v, want 3 created", c)
	}
	c, _ = runImport(t, s, "imp-2", first())
	if c.Created != 0 || c.Updated != 0 || c.Unchanged != 3 {
		t.Errorf("the same file again: %+v, want 3 unchanged", c)
	}
	if n, _ := s.CountEnterprises(ctx, guccho.EnterpriseFilter{}); n != 3 {
		t.Errorf("after importing twice: %d enterprises, want 3", n)
	}
	changed := first()
	changed[1].Name = "B, renamed"
	changed[2].Point = orb.Point{91.5, 23.5}
	c, _ = runImport(t, s, "imp-3", changed, rows(ent("D", "dairy", 90.8, 22.8)))
	if c.Created != 1 || c.Updated != 2 || c.Unchanged != 1 {
		t.Errorf("a changed file: %+v, want 1 created, 2 updated, 1 unchanged", c)
	}
	if e, _ := s.FindEnterpriseByID(ctx, "B"); e.Name != "B, renamed" || e.ImportID != "imp-3" {
		t.Errorf("B after the third import = %+v", e)
	}
	if n := pyramidTotal(t, s, nil); n != 4 {
		t.Errorf("the pyramid counts %d enterprises after moves and renames, want 4", n)
	}

	// Duplicate ids: within one batch and across batches of one import.
	dupA := ent("A", "dairy", 90.5, 22.5)
	dupA.ImportRow = 3
	dupB := ent("B", "dairy", 90.6, 22.6)
	dupB.ImportRow = 5
	batch1 := []*guccho.Enterprise{ent("X", "dairy", 90.1, 22.1), ent("A", "footwear_leather", 90.5, 22.5), dupA}
	batch1[0].ImportRow, batch1[1].ImportRow = 1, 2
	batch2 := []*guccho.Enterprise{ent("B", "dairy", 90.6, 22.6), dupB, ent("X", "dairy", 90.1, 22.1)}
	batch2[0].ImportRow, batch2[2].ImportRow = 4, 6
	c, imp := runImport(t, s, "imp-4", batch1, batch2)
	var dups []string
	for _, d := range c.Duplicates {
		dups = append(dups, fmt.Sprintf("%d:%s", d.Row, d.Reason))
	}
	want := []string{`3:duplicate id "A": row 2 has it already`, `5:duplicate id "B": row 4 has it already`, `6:duplicate id "X": row 1 has it already`}
	if strings.Join(dups, "|") != strings.Join(want, "|") {
		t.Errorf("duplicates = %q, want %q", dups, want)
	}
	if e, _ := s.FindEnterpriseByID(ctx, "A"); e.Sector != "footwear_leather" {
		t.Errorf("the first of duplicate rows must win: A is %s", e.Sector)
	}
	var failures []string
	err := s.FindImportFailures(ctx, imp.ID, func(r guccho.RowError) error {
		failures = append(failures, fmt.Sprintf("%d/%s", r.Row, r.Field))
		return nil
	})
	if err != nil || strings.Join(failures, " ") != "3/id 5/id 6/id" {
		t.Errorf("FindImportFailures = %v, %v", failures, err)
	}
	got, err := s.FindImportByID(ctx, "imp-4")
	if err != nil || got.Status != guccho.ImportSucceeded || got.Filename != "survey.csv" {
		t.Errorf("FindImportByID = %+v, %v", got, err)
	}
	all, err := s.FindImports(ctx)
	if err != nil || len(all) != 4 {
		t.Errorf("FindImports: %d imports, %v; want 4", len(all), err)
	}
	_, err = s.FindImportByID(ctx, "imp-99")
	wantCode(t, "an unknown import", err, guccho.ENOTFOUND)
	if n, _ := s.CountEnterprises(ctx, guccho.EnterpriseFilter{ImportID: "imp-4"}); n != 3 {
		t.Errorf("enterprises of imp-4: %d, want 3 (X, A, B)", n)
	}
}

func testImportRollback(t *testing.T, s store.Store) {
	ctx := context.Background()
	runImport(t, s, "imp-1", rows(ent("A", "dairy", 90.5, 22.5)))
	version := s.DataVersion("enterprises")
	imp := newImport("imp-2")
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	w, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	changed := ent("A", "footwear_leather", 91.5, 23.5)
	if _, err := w.Put(ctx, rows(changed, ent("B", "dairy", 90.6, 22.6))); err != nil {
		t.Fatal(err)
	}
	if err := w.Fail(ctx, []guccho.RowError{{Row: 3, Field: "sector", Reason: "unknown sector"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Rollback(); err != nil {
		t.Fatal(err)
	}
	imp.Status, imp.Error = guccho.ImportFailed, "interrupted"
	if err := s.FinishImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, s, guccho.EnterpriseFilter{}); got != "A" {
		t.Errorf("after a rolled-back import: %q, want only A", got)
	}
	if e, _ := s.FindEnterpriseByID(ctx, "A"); e.Sector != "dairy" {
		t.Errorf("a rolled-back import changed A: %+v", e)
	}
	if n := pyramidTotal(t, s, nil); n != 1 {
		t.Errorf("after a rolled-back import the pyramid counts %d, want 1", n)
	}
	if got, _ := s.FindImportByID(ctx, "imp-2"); got == nil || got.Status != guccho.ImportFailed || got.Error != "interrupted" {
		t.Errorf("the failed import's record = %+v", got)
	}
	if s.DataVersion("enterprises") != version {
		t.Error("a rolled-back import changed the data version")
	}
}

// pyramidTotal sums the z0 tile's cells (every enterprise of the world).
func pyramidTotal(t *testing.T, s store.Store, sectors []string) int {
	t.Helper()
	raw, err := s.Tile(context.Background(), tiles.Request{Layer: "enterprises", Tile: maptile.New(0, 0, 0), Sectors: sectors})
	if err != nil {
		t.Fatal(err)
	}
	if raw == nil {
		return 0
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range layers[0].Features {
		if f.Properties["kind"] != "cell" {
			t.Errorf("a z0 feature of kind %v", f.Properties["kind"])
		}
		n += int(f.Properties["count"].(float64))
	}
	return n
}

func testEnterpriseTiles(t *testing.T, s store.Store) {
	ctx := context.Background()
	var batch []*guccho.Enterprise
	for i := 0; i < 60; i++ { // a cluster of 60 within a few hundred metres
		batch = append(batch, ent(fmt.Sprintf("F%02d", i), "footwear_leather", 90.99+float64(i%8)*0.0004, 24.05+float64(i/8)*0.0004))
	}
	batch = append(batch, ent("M1", "dairy", 90.992, 24.052))
	unplaced := &guccho.Enterprise{ID: "U1", Sector: "dairy", Geocode: guccho.Geocode{Method: guccho.GeocodeNone}}
	batch = append(batch, unplaced)
	runImport(t, s, "imp-1", rows(batch...))

	if n := pyramidTotal(t, s, nil); n != 61 {
		t.Errorf("z0 counts %d placed enterprises, want 61", n)
	}
	if n := pyramidTotal(t, s, []string{"dairy"}); n != 1 {
		t.Errorf("z0 filtered to dairy counts %d, want 1", n)
	}
	// z8: one cell holds the whole cluster.
	raw, err := s.Tile(ctx, tiles.Request{Layer: "enterprises", Tile: maptile.At(orb.Point{90.99, 24.05}, 8)})
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := mvt.Unmarshal(raw)
	if len(layers) != 1 || len(layers[0].Features) != 1 {
		t.Fatalf("z8 tile: %v, want one cell", layers)
	}
	p := layers[0].Features[0].Properties
	if p["count"] != float64(61) || p["sector"] != "footwear_leather" || p["sectors"] != "footwear_leather:60,dairy:1" {
		t.Errorf("z8 cell = %v", p)
	}
	// z14: individual points with ids and properties.
	raw, err = s.Tile(ctx, tiles.Request{Layer: "enterprises", Tile: maptile.At(orb.Point{90.99, 24.05}, 14), Sectors: []string{"dairy"}})
	if err != nil {
		t.Fatal(err)
	}
	layers, _ = mvt.Unmarshal(raw)
	if len(layers) != 1 || len(layers[0].Features) != 1 {
		t.Fatalf("z14 tile filtered to dairy: %v, want one point", layers)
	}
	f := layers[0].Features[0]
	if f.Properties["kind"] != "point" || f.Properties["id"] != "M1" || f.Properties["method"] != "gps" || f.Properties["display"] != false {
		t.Errorf("z14 point = %v", f.Properties)
	}
	if e, _ := s.FindEnterpriseByID(ctx, "M1"); f.ID.(float64) != float64(e.FeatureID) {
		t.Errorf("point id %v, want the feature id %d", f.ID, e.FeatureID)
	}
	// Moving an enterprise moves its count.
	m, _ := s.FindEnterpriseByID(ctx, "M1")
	m.Point = orb.Point{88.5, 22.5} // another z8 tile
	if err := s.UpdateEnterprise(ctx, m); err != nil {
		t.Fatal(err)
	}
	raw, _ = s.Tile(ctx, tiles.Request{Layer: "enterprises", Tile: maptile.At(orb.Point{90.99, 24.05}, 8), Sectors: []string{"dairy"}})
	if raw != nil {
		t.Errorf("after moving M1 away, its old z8 tile still shows dairy")
	}
	if n := pyramidTotal(t, s, nil); n != 61 {
		t.Errorf("after a move z0 counts %d, want 61", n)
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n, _ := s.CountTokens(ctx); n != 0 {
		t.Errorf("a new store has %d tokens", n)
	}
	tok, secret, err := guccho.NewToken(guccho.RoleEditor, "field team")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, tok, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindTokenByHash(ctx, guccho.HashSecret(secret))
	if err != nil || got.ID != tok.ID || got.Role != guccho.RoleEditor || got.Name != "field team" {
		t.Errorf("FindTokenByHash = %+v, %v", got, err)
	}
	_, err = s.FindTokenByHash(ctx, guccho.HashSecret("gct_wrong"))
	wantCode(t, "a wrong secret", err, guccho.ENOTFOUND)
	if n, _ := s.CountTokens(ctx); n != 1 {
		t.Errorf("CountTokens = %d, want 1", n)
	}
}
