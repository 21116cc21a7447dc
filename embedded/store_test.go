package embedded_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/store"
)

func open(t *testing.T, path string) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestDataSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guccho.db")
	s, err := embedded.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	version := s.BoundariesVersion()
	s.Close()

	s = open(t, path)
	c, _ := s.CountUnits(context.Background())
	if c[geo.Union] != 9 {
		t.Errorf("after reopening, %d unions, want 9", c[geo.Union])
	}
	if s.BoundariesVersion() != version {
		t.Errorf("version after reopening = %q, want %q", s.BoundariesVersion(), version)
	}
	u, err := s.FindUnitByPCode(context.Background(), "BD1006")
	if err != nil || u.NameBN != "বরিশাল" || len(u.AltNames) != 3 {
		t.Errorf("BD1006 after reopening = %+v, %v", u, err)
	}
}

func TestOpenRejectsAFileThatIsNotSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("these are not the tables you are looking for, not at all, no"), 0o644)
	if _, err := embedded.Open(context.Background(), path); err == nil {
		t.Fatal("Open of a text file succeeded")
	}
}

func TestUnitsInBoundUsesTheRTree(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "guccho.db"))
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	got, err := s.UnitsInBound(context.Background(), geo.Union, bdtestBound(91.2, 23.2, 91.8, 23.8))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "BD10065113" {
		t.Errorf("UnitsInBound = %v, want [BD10065113]", got)
	}
}

func TestEnterpriseConformance(t *testing.T) {
	storetest.RunEnterprises(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestEventConformance(t *testing.T) {
	storetest.RunEvents(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestAggregateConformance(t *testing.T) {
	storetest.RunAggregates(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestCentreConformance(t *testing.T) {
	storetest.RunCentres(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestTokenIDMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guccho.db")
	s, err := embedded.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.TokenIDMigration(t, s, func(t *testing.T) store.Store {
		s.Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`DELETE FROM schema_migrations WHERE name = '0004_token_ids.sql'`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		return open(t, path)
	})
}

func TestUnitCountsMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guccho.db")
	s, err := embedded.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.JobsMigration(t, s, func(t *testing.T) store.Store {
		s.Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`DROP TABLE unit_counts; DELETE FROM schema_migrations WHERE name IN ('0011_unit_counts.sql', '0015_unit_counts_by_method.sql')`); err != nil {
			t.Fatal(err)
		}
		return open(t, path)
	})
}

func TestEnterpriseStatsReadTheSums(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guccho.db")
	s := open(t, path)
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.StatsReadTheSums(t, s, func(t *testing.T) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`DELETE FROM enterprises`); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAliasConformance(t *testing.T) {
	storetest.RunAliases(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestValuechainConformance(t *testing.T) {
	storetest.RunValuechains(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}

func TestDecksConformance(t *testing.T) {
	storetest.RunDecks(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "guccho.db"))
	})
}
