package postgis

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/pgtest"
)

// fillForFind writes n enterprises straight into the table, each with a
// name of nameBytes bytes: sector s0–s9 by i % 10, method gps for even i
// and union for odd, district BD1004 for i % 3 == 0 and BD1006 otherwise.
// It returns their feature ids in order.
func fillForFind(t *testing.T, s *Store, n, nameBytes int) []int64 {
	t.Helper()
	ctx := context.Background()
	// Without the statement timeout: a store of a test may have a tiny one,
	// and this insert of many megabytes is not what it tests.
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO guccho.enterprises (id, sector, method, division, district, content_hash, doc, created_at, updated_at)
		SELECT 'E' || i, 's' || (i % 10), CASE WHEN i % 2 = 0 THEN 'gps' ELSE 'union' END, 'BD10',
			CASE WHEN i % 3 = 0 THEN 'BD1004' ELSE 'BD1006' END,
			'h', jsonb_build_object('id', 'E' || i, 'name', repeat('x', $2)), now(), now()
		FROM generate_series(0, $1 - 1) AS i ORDER BY i`, n, nameBytes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sqlFIDs(t, s, `SELECT fid FROM guccho.enterprises ORDER BY fid`)
}

// sqlFIDs runs a query of feature ids in one statement.
func sqlFIDs(t *testing.T, s *Store, q string, args ...any) []int64 {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	fids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return fids
}

// TestAFullReadOutlastsTheStatementTimeout checks that reading every
// enterprise is not bounded by the statement timeout that bounds requests:
// the read's callback is slow, so the whole read lasts several timeouts,
// and it still sees every row once, in feature-id order, as of its start
// (a row created and one deleted while it runs change nothing). Before,
// the read was one statement whose rows the callback consumed: at 12
// million enterprises the cluster points' read stopped after 30 s with
// "the database took too long", and so did every whole-table export.
func TestAFullReadOutlastsTheStatementTimeout(t *testing.T) {
	ctx := context.Background()
	// A second: long enough for one page's statement on a loaded machine,
	// far shorter than the whole read, whose callback takes 3 ms a row.
	const timeout = time.Second
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{StatementTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.pageRows = 50
	// 2,000 rows of 16 kB: 32 MB, far more than the sockets buffer, so a
	// single statement is still sending when the timeout strikes.
	want := fillForFind(t, s, 2000, 16_000)

	var got []int64
	start := time.Now()
	err = s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(e *guccho.Enterprise) error {
		if len(got) == 0 {
			// Written meanwhile, through other connections.
			if _, err := s.pool.Exec(ctx, `DELETE FROM guccho.enterprises WHERE fid = $1`, want[len(want)-1]); err != nil {
				return err
			}
			if _, err := s.pool.Exec(ctx, `INSERT INTO guccho.enterprises (id, sector, method, content_hash, doc, created_at, updated_at)
				VALUES ('late', 's0', 'gps', 'h', '{"id": "late"}', now(), now())`); err != nil {
				return err
			}
		}
		got = append(got, e.FeatureID)
		time.Sleep(3 * time.Millisecond)
		return nil
	})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("FindEnterprises over %v with a %v statement timeout: %v", took, timeout, err)
	}
	if took < 4*timeout {
		t.Fatalf("the read took %v, not several statement timeouts of %v: the test proves nothing", took, timeout)
	}
	if !slices.Equal(got, want) {
		t.Errorf("FindEnterprises saw %d rows, want the %d stored when it began, once each in order", len(got), len(want))
	}
}

// TestPagedReadsKeepTheirFilter checks that reads of many pages return what
// one statement of the same filter returns: the same rows in feature-id
// order, with After and Limit kept across pages, and that the callback's
// error and a cancelled context stop them.
func TestPagedReadsKeepTheirFilter(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.pageRows = 7
	all := fillForFind(t, s, 100, 10)
	const one = `SELECT fid FROM guccho.enterprises WHERE `
	for _, tc := range []struct {
		name   string
		filter guccho.EnterpriseFilter
		want   []int64
	}{
		{"everything", guccho.EnterpriseFilter{}, all},
		{"a limit of several pages", guccho.EnterpriseFilter{Limit: 23}, all[:23]},
		{"a limit of exactly two pages", guccho.EnterpriseFilter{Limit: 14}, all[:14]},
		{"a limit within one page", guccho.EnterpriseFilter{Limit: 5}, all[:5]},
		{"after, to the end", guccho.EnterpriseFilter{After: all[40]}, all[41:]},
		{"after, with a limit", guccho.EnterpriseFilter{After: all[40], Limit: 30}, all[41:71]},
		{"a limit beyond the rows", guccho.EnterpriseFilter{Limit: 1000}, all},
		{"a sector", guccho.EnterpriseFilter{Sectors: []string{"s3"}},
			sqlFIDs(t, s, one+`sector = 's3' ORDER BY fid`)},
		{"a method", guccho.EnterpriseFilter{Methods: []string{"gps"}},
			sqlFIDs(t, s, one+`method = 'gps' ORDER BY fid`)},
		{"two sectors in a district, after, with a limit",
			guccho.EnterpriseFilter{Sectors: []string{"s1", "s2"}, Admin: "BD1004", After: all[10], Limit: 9},
			sqlFIDs(t, s, one+`sector IN ('s1', 's2') AND district = 'BD1004' AND fid > $1 ORDER BY fid LIMIT 9`, all[10])},
		{"nothing matches", guccho.EnterpriseFilter{Sectors: []string{"none"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := s.FindEnterprises(ctx, tc.filter, func(e *guccho.Enterprise) error {
				got = append(got, e.FeatureID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("FindEnterprises = %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("the callback's error stops the read", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(*guccho.Enterprise) error {
			if n++; n == 17 {
				return stop
			}
			return nil
		})
		if err != stop || n != 17 {
			t.Errorf("FindEnterprises = %v after %d calls, want the callback's error after 17", err, n)
		}
	})
	t.Run("a cancelled context stops the read", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		n := 0
		err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{}, func(*guccho.Enterprise) error {
			if n++; n == 10 {
				cancel()
			}
			return nil
		})
		if guccho.ErrorCode(err) != guccho.EUNAVAILABLE || n != 10 {
			t.Errorf("FindEnterprises = %v after %d calls, want EUNAVAILABLE after 10", err, n)
		}
	})
}
