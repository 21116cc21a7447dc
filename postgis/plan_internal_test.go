package postgis

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/pgtest"
)

// A request about one admin unit can read that unit's rows through an index
// of its level's column, whatever the level: a profile of a union or a
// division, or a filter on one, need not scan every enterprise of the
// country (before migration 0011, divisions and unions had no index). The
// table is empty here, so sequential scans are priced out to ask whether an
// index serves the query at all.
func TestOneUnitsQueriesCanReadOnlyThatUnit(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, tc := range []struct{ level, pcode, index string }{
		{"division", "BD10", "enterprises_division"},
		{"district", "BD1004", "enterprises_district"},
		{"upazila", "BD100409", "enterprises_upazila"},
		{"union", "BD10040911", "enterprises_union"},
	} {
		t.Run(tc.level, func(t *testing.T) {
			col, where, err := unitWhere(tc.pcode)
			if err != nil {
				t.Fatal(err)
			}
			filter, args, err := enterpriseWhere(guccho.EnterpriseFilter{Admin: tc.pcode})
			if err != nil {
				t.Fatal(err)
			}
			for name, q := range map[string]string{
				"the unit's aggregates": fmt.Sprintf(aggregateSQL, col, where),
				"the unit's barriers":   fmt.Sprintf(barriersSQL, col, where),
				"a filter on the unit":  `SELECT count(*) FROM guccho.enterprises` + filter,
			} {
				var plan []string
				err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
						return err
					}
					rows, err := tx.Query(ctx, "EXPLAIN "+q, args...)
					if err != nil {
						return err
					}
					plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
					return err
				})
				if err != nil {
					t.Fatalf("explain %s: %v", name, err)
				}
				text := strings.Join(plan, "\n")
				if strings.Contains(text, "Seq Scan on enterprises") || !strings.Contains(text, " "+tc.index+" ") {
					t.Errorf("%s of %s %s: plan\n%s\nwant a scan of %s, no sequential scan", name, tc.level, tc.pcode, text, tc.index)
				}
			}
		})
	}
}

// A page of one sector in one district or upazila, in feature-id order,
// reads the pair's rows from the composite index of migration 0015, not a
// walk of the primary key that filters out every other sector and unit.
// The table holds 40,000 rows as wide as real records, where the pair asked
// for is rare (40 rows) though its sector and unit are both common: the
// planner, taking them for independent, expected some 1,600 and walked the
// primary key through all 40,000; the pair's statistics tell it otherwise.
func TestASectorPageInOneUnitReadsItsPairsIndex(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// Sector s0 lies in district BD1004 (upazila BD100409) only for i < 40;
	// the other rows alternate between the two districts by parity.
	_, err = s.pool.Exec(ctx, `INSERT INTO guccho.enterprises (id, sector, method, division, district, upazila, content_hash, doc, created_at, updated_at)
		SELECT 'E' || i,
			CASE WHEN i < 40 THEN 's0' ELSE 's' || (i % 10) END,
			'gps', 'BD10',
			CASE WHEN i < 40 OR (i % 10 <> 0 AND i % 2 = 0) THEN 'BD1004' ELSE 'BD1006' END,
			CASE WHEN i < 40 OR (i % 10 <> 0 AND i % 2 = 0) THEN 'BD100409' ELSE 'BD100651' END,
			'h', jsonb_build_object('name', repeat('x', 500)), now(), now()
		FROM generate_series(0, 39999) AS i`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE guccho.enterprises`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		filter guccho.EnterpriseFilter
		index  string
	}{
		{"sector + district, first page", guccho.EnterpriseFilter{Sectors: []string{"s0"}, Admin: "BD1004", Limit: 100}, "enterprises_sector_district"},
		{"sector + district, next page", guccho.EnterpriseFilter{Sectors: []string{"s0"}, Admin: "BD1004", After: 20, Limit: 100}, "enterprises_sector_district"},
		{"sector + upazila, first page", guccho.EnterpriseFilter{Sectors: []string{"s0"}, Admin: "BD100409", Limit: 100}, "enterprises_sector_upazila"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args, err := enterpriseWhere(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			args = append(args, tc.filter.Limit)
			q := fmt.Sprintf(`EXPLAIN SELECT %s FROM guccho.enterprises%s ORDER BY fid LIMIT $%d`, enterpriseColumns, where, len(args))
			rows, err := s.pool.Query(ctx, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			if !strings.Contains(text, " "+tc.index+" ") || strings.Contains(text, "enterprises_pkey") {
				t.Errorf("plan\n%s\nwant a scan of %s, no walk of the primary key", text, tc.index)
			}
		})
	}
}
