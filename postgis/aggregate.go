package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

var _ profile.Aggregator = (*Store)(nil)

// aggregateSQL sums enterprises per unit (the column %[1]s) and sector from
// their jsonb documents: jobs, workers by gender where given, owners by
// gender, RECP answers; %[2]s is a WHERE clause or "".
const aggregateSQL = `SELECT %[1]s, sector, count(*),
	coalesce(sum((doc->'employment'->>'self')::bigint), 0),
	coalesce(sum((doc->'employment'->>'wage')::bigint), 0),
	count(*) FILTER (WHERE doc->'employment'->'female' IS NOT NULL OR doc->'employment'->'male' IS NOT NULL),
	coalesce(sum((doc->'employment'->>'female')::bigint), 0),
	coalesce(sum((doc->'employment'->>'male')::bigint), 0),
	count(*) FILTER (WHERE doc->>'owner_gender' = 'female'),
	count(*) FILTER (WHERE doc->>'owner_gender' = 'male'),
	count(*) FILTER (WHERE doc->>'owner_gender' = 'other'),
	count(*) FILTER (WHERE jsonb_typeof(doc->'recp'->'aware') = 'boolean'),
	count(*) FILTER (WHERE doc->'recp'->'aware' = 'true'::jsonb),
	count(*) FILTER (WHERE jsonb_typeof(doc->'recp'->'adopted') = 'boolean'),
	count(*) FILTER (WHERE doc->'recp'->'adopted' = 'true'::jsonb)
FROM guccho.enterprises e%[2]s GROUP BY 1, 2 ORDER BY 1, 2`

// barriersSQL counts the enterprises naming each barrier per unit and
// sector; %[2]s is a WHERE clause or "".
const barriersSQL = `SELECT e.%[1]s, e.sector, b.barrier, count(DISTINCT e.fid)
FROM guccho.enterprises e, jsonb_array_elements_text(CASE jsonb_typeof(e.doc->'barriers') WHEN 'array' THEN e.doc->'barriers' END) b(barrier)%[2]s
GROUP BY 1, 2, 3`

// AggregateEnterprises sums the enterprises per unit of level and sector,
// in one repeatable-read transaction.
func (s *Store) AggregateEnterprises(ctx context.Context, level geo.Level) ([]profile.Aggregate, error) {
	if level < geo.Division || level > geo.Union {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter level: %s is not division, district, upazila or union", level)
	}
	return s.aggregate(ctx, adminColumns[level], "")
}

// AggregateUnit sums the enterprises of the unit pcode per sector, reading
// them through the index on its level's column, in one repeatable-read
// transaction.
func (s *Store) AggregateUnit(ctx context.Context, pcode string) ([]profile.Aggregate, error) {
	col, where, err := unitWhere(pcode)
	if err != nil {
		return nil, err
	}
	return s.aggregate(ctx, col, where, pcode)
}

// unitWhere returns the column of pcode's level and the WHERE clause (over
// the alias e, one argument: pcode) that selects the unit's enterprises.
func unitWhere(pcode string) (col, where string, err error) {
	if col, err = adminColumn(pcode); err != nil {
		return "", "", err
	}
	return col, " WHERE e." + col + " = $1", nil
}

// AggregateJobs returns the enterprises and jobs per unit of level and
// sector that every write keeps in unit_counts, summed over their methods
// and synthetic flags: a read of the level's rows, whatever the number of
// enterprises.
func (s *Store) AggregateJobs(ctx context.Context, level geo.Level) ([]profile.Aggregate, error) {
	if level < geo.Division || level > geo.Union {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter level: %s is not division, district, upazila or union", level)
	}
	rows, err := s.pool.Query(ctx, `SELECT unit, sector, sum(enterprises)::int, sum(self)::bigint, sum(wage)::bigint FROM guccho.unit_counts
		WHERE level = $1 GROUP BY unit, sector ORDER BY unit, sector`, int16(level))
	if err != nil {
		return nil, dbErr(err, "count jobs")
	}
	defer rows.Close()
	var out []profile.Aggregate
	for rows.Next() {
		var a profile.Aggregate
		var self, wage int64
		if err := rows.Scan(&a.Unit, &a.Sector, &a.Enterprises, &self, &wage); err != nil {
			return nil, dbErr(err, "count jobs")
		}
		a.Self, a.Wage = int(self), int(wage)
		out = append(out, a)
	}
	return out, dbErr(rows.Err(), "count jobs")
}

// aggregate sums the enterprises per unit (the column col) and sector,
// those matching where (a clause over the alias e, with args) or all, in
// one repeatable-read transaction.
func (s *Store) aggregate(ctx context.Context, col, where string, args ...any) ([]profile.Aggregate, error) {
	var out []profile.Aggregate
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, fmt.Sprintf(aggregateSQL, col, where), args...)
		if err != nil {
			return dbErr(err, "aggregate enterprises")
		}
		index := map[[2]string]int{}
		for rows.Next() {
			var a profile.Aggregate
			var self, wage, female, male int64
			if err := rows.Scan(&a.Unit, &a.Sector, &a.Enterprises, &self, &wage, &a.GenderReported, &female, &male,
				&a.OwnerFemale, &a.OwnerMale, &a.OwnerOther, &a.AwareKnown, &a.Aware, &a.AdoptedKnown, &a.Adopted); err != nil {
				rows.Close()
				return dbErr(err, "aggregate enterprises")
			}
			a.Self, a.Wage, a.Female, a.Male = int(self), int(wage), int(female), int(male)
			index[[2]string{a.Unit, a.Sector}] = len(out)
			out = append(out, a)
		}
		if err := rows.Err(); err != nil {
			return dbErr(err, "aggregate enterprises")
		}
		rows, err = tx.Query(ctx, fmt.Sprintf(barriersSQL, col, where), args...)
		if err != nil {
			return dbErr(err, "aggregate barriers")
		}
		defer rows.Close()
		for rows.Next() {
			var unit, sector, barrier string
			var n int
			if err := rows.Scan(&unit, &sector, &barrier, &n); err != nil {
				return dbErr(err, "aggregate barriers")
			}
			i, ok := index[[2]string{unit, sector}]
			if !ok {
				continue // cannot happen inside one snapshot
			}
			if out[i].Barriers == nil {
				out[i].Barriers = map[string]int{}
			}
			out[i].Barriers[barrier] = n
		}
		return dbErr(rows.Err(), "aggregate barriers")
	})
	if err != nil {
		return nil, dbErr(err, "aggregate enterprises")
	}
	return out, nil
}
