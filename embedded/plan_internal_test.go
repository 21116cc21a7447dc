package embedded

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/guccho/guccho"
)

// explain returns SQLite's query plan of q, one step a line.
func explain(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// A request about one admin unit reads that unit's rows through the index
// of its level's column, whatever the level: a profile of a union or a
// division, or a filter on one, does not scan every enterprise of the
// country (before migration 0010, divisions and unions had no index).
func TestOneUnitsQueriesReadOnlyThatUnit(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	scan := regexp.MustCompile(`(?m)^SCAN (e|enterprises)\b`)
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
				"a filter on the unit":  `SELECT count(*) FROM enterprises` + filter,
			} {
				plan := explain(t, s, q, args...)
				if scan.MatchString(plan) || !strings.Contains(plan, "INDEX "+tc.index+" ") {
					t.Errorf("%s of %s %s: plan\n%s\nwant a search through %s, no scan of the table", name, tc.level, tc.pcode, plan, tc.index)
				}
			}
		})
	}
}
