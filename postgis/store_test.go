package postgis_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), pgtest.NewDatabase(t), postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestAgreesWithTheEmbeddedStore(t *testing.T) {
	e, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	storetest.Compare(t, e, open(t))
}

func TestEnterpriseConformance(t *testing.T) {
	storetest.RunEnterprises(t, func(t *testing.T) store.Store { return open(t) })
}

func TestEventConformance(t *testing.T) {
	storetest.RunEvents(t, func(t *testing.T) store.Store { return open(t) })
}

func TestAggregateConformance(t *testing.T) {
	storetest.RunAggregates(t, func(t *testing.T) store.Store { return open(t) })
}

func TestCentreConformance(t *testing.T) {
	storetest.RunCentres(t, func(t *testing.T) store.Store { return open(t) })
}

func TestTokenIDMigration(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := postgis.Open(ctx, url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.TokenIDMigration(t, s, func(t *testing.T) store.Store {
		s.Close()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DELETE FROM guccho.schema_migrations WHERE name = '0004_token_ids.sql'`); err != nil {
			t.Fatal(err)
		}
		s2, err := postgis.Open(ctx, url, postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s2.Close() })
		return s2
	})
}

func TestUnitCountsMigration(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := postgis.Open(ctx, url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.JobsMigration(t, s, func(t *testing.T) store.Store {
		s.Close()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP TABLE guccho.unit_counts;
			DELETE FROM guccho.schema_migrations WHERE name IN ('0013_unit_counts.sql', '0018_unit_counts_by_method.sql')`); err != nil {
			t.Fatal(err)
		}
		s2, err := postgis.Open(ctx, url, postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s2.Close() })
		return s2
	})
}

func TestEnterpriseStatsReadTheSums(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := postgis.Open(ctx, url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	storetest.StatsReadTheSums(t, s, func(t *testing.T) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DELETE FROM guccho.enterprises`); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAliasConformance(t *testing.T) {
	storetest.RunAliases(t, func(t *testing.T) store.Store { return open(t) })
}

func TestValuechainConformance(t *testing.T) {
	storetest.RunValuechains(t, func(t *testing.T) store.Store { return open(t) })
}

func TestDecksConformance(t *testing.T) {
	storetest.RunDecks(t, func(t *testing.T) store.Store { return open(t) })
}
