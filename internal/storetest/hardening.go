package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/store"
)

// RunHardening runs the conformance cases for input a store must refuse:
// enterprise text beyond guccho's limits, ids that no URL could name again,
// and filters with more values than guccho.MaxFilterValues.
func RunHardening(t *testing.T, open Opener) {
	t.Run("RefusesBadEnterprises", func(t *testing.T) { testRefusesBadEnterprises(t, open(t)) })
	t.Run("RefusesHugeFilters", func(t *testing.T) { testRefusesHugeFilters(t, open(t)) })
}

func testRefusesBadEnterprises(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.CreateEnterprise(ctx, ent("E1", "dairy", 90.5, 22.5)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(e *guccho.Enterprise)
	}{
		{"a 500 KB name", func(e *guccho.Enterprise) { e.Name = strings.Repeat("n", 500<<10) }},
		{"a NUL in the name", func(e *guccho.Enterprise) { e.Name = "Karim\x00Shoes" }},
		{"a huge attribute", func(e *guccho.Enterprise) { e.Attributes["note"] = strings.Repeat("a", guccho.MaxTextBytes+1) }},
		{"the id a/b", func(e *guccho.Enterprise) { e.ID = "a/b" }},
		{"the id stats", func(e *guccho.Enterprise) { e.ID = "stats" }},
		{"the id ../../x", func(e *guccho.Enterprise) { e.ID = "../../x" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ent("E2", "dairy", 90.5, 22.5)
			tt.edit(e)
			wantCode(t, "CreateEnterprise", s.CreateEnterprise(ctx, e), guccho.EINVALID)
			u := ent("E1", "dairy", 90.5, 22.5)
			tt.edit(u)
			if u.ID == "E1" {
				wantCode(t, "UpdateEnterprise", s.UpdateEnterprise(ctx, u), guccho.EINVALID)
			}
			imp := newImport("imp-" + strings.ReplaceAll(tt.name, " ", "-"))
			if err := s.CreateImport(ctx, imp); err != nil {
				t.Fatal(err)
			}
			w, err := s.BeginImport(ctx, imp)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Rollback()
			_, err = w.Put(ctx, []*guccho.Enterprise{e})
			wantCode(t, "ImportWriter.Put", err, guccho.EINVALID)
		})
	}
	if n, _ := s.CountEnterprises(ctx, guccho.EnterpriseFilter{}); n != 1 {
		t.Errorf("after refused writes, %d enterprises, want 1", n)
	}
}

func testRefusesHugeFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.CreateEnterprise(ctx, ent("E1", "dairy", 90.5, 22.5)); err != nil {
		t.Fatal(err)
	}
	many := func(v string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	tests := []struct {
		name string
		f    guccho.EnterpriseFilter
	}{
		{"33,000 methods", guccho.EnterpriseFilter{Methods: many(guccho.GeocodeGPS, 33000)}},
		{"33,000 sectors", guccho.EnterpriseFilter{Sectors: many("dairy", 33000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.FindEnterprises(ctx, tt.f, func(*guccho.Enterprise) error { return nil })
			wantCode(t, "FindEnterprises", err, guccho.EINVALID)
			_, err = s.CountEnterprises(ctx, tt.f)
			wantCode(t, "CountEnterprises", err, guccho.EINVALID)
		})
	}
	// At the limit the filter works.
	f := guccho.EnterpriseFilter{Methods: many(guccho.GeocodeGPS, guccho.MaxFilterValues)}
	if n, err := s.CountEnterprises(ctx, f); err != nil || n != 1 {
		t.Errorf("CountEnterprises with %d methods = %d, %v; want 1, nil", guccho.MaxFilterValues, n, err)
	}
}

// TokenIDMigration checks migration 0004, which gives tokens public ids: s
// is a fresh store, and rerun closes it, makes the store forget that it
// applied 0004_token_ids.sql, and opens it again. A token whose id was the
// start of its secret (as before the migration) gets a new id, and the
// imports it created name the new id.
func TokenIDMigration(t *testing.T, s store.Store, rerun func(t *testing.T) store.Store) {
	ctx := context.Background()
	secret := "gct_abcdefghijklmnopqrstuvwxyz234567abcdefgh"
	old := &guccho.Token{ID: "abcdefgh", Name: "field team", Role: guccho.RoleEditor}
	if err := s.CreateToken(ctx, old, guccho.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	imp := newImport("imp-old")
	imp.CreatedBy = old.ID
	if err := s.CreateImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	cli := newImport("imp-cli")
	cli.CreatedBy = "cli"
	if err := s.CreateImport(ctx, cli); err != nil {
		t.Fatal(err)
	}
	s = rerun(t)
	tok, err := s.FindTokenByHash(ctx, guccho.HashSecret(secret))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.ID, "tok_") || strings.Contains(secret, tok.ID[len("tok_"):]) || tok.Name != "field team" {
		t.Errorf("after the migration the token is %+v; want a tok_ id that is no part of the secret", tok)
	}
	for id, want := range map[string]string{"imp-old": tok.ID, "imp-cli": "cli"} {
		got, err := s.FindImportByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.CreatedBy != want {
			t.Errorf("after the migration import %s has created_by %q, want %q", id, got.CreatedBy, want)
		}
	}
}
