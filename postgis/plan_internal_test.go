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
