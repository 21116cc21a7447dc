package embedded

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

var _ profile.Aggregator = (*Store)(nil)

// aggregateSQL sums enterprises per unit (the column %[1]s) and sector from
// their JSON documents: jobs, workers by gender where given, owners by
// gender, RECP answers; %[2]s is a WHERE clause or "".
const aggregateSQL = `SELECT %[1]s, sector, count(*),
	total(json_extract(doc, '$.employment.self')),
	total(json_extract(doc, '$.employment.wage')),
	count(*) FILTER (WHERE json_type(doc, '$.employment.female') IS NOT NULL OR json_type(doc, '$.employment.male') IS NOT NULL),
	total(json_extract(doc, '$.employment.female')),
	total(json_extract(doc, '$.employment.male')),
	count(*) FILTER (WHERE json_extract(doc, '$.owner_gender') = 'female'),
	count(*) FILTER (WHERE json_extract(doc, '$.owner_gender') = 'male'),
	count(*) FILTER (WHERE json_extract(doc, '$.owner_gender') = 'other'),
	count(*) FILTER (WHERE json_type(doc, '$.recp.aware') IN ('true', 'false')),
	count(*) FILTER (WHERE json_type(doc, '$.recp.aware') = 'true'),
	count(*) FILTER (WHERE json_type(doc, '$.recp.adopted') IN ('true', 'false')),
	count(*) FILTER (WHERE json_type(doc, '$.recp.adopted') = 'true')
FROM enterprises e%[2]s GROUP BY 1, 2 ORDER BY 1, 2`

// barriersSQL counts the enterprises naming each barrier per unit and
// sector; %[2]s is a WHERE clause or "".
const barriersSQL = `SELECT e.%[1]s, e.sector, b.value, count(DISTINCT e.fid)
FROM enterprises e, json_each(e.doc, '$.barriers') b%[2]s GROUP BY 1, 2, 3`

// jobsColumns reads a row's geocode method, synthetic flag, and self and
// wage jobs from its record as AggregateJobs counts them
// (profile.CountsOf: the record's employment), for the deltas of a write
// that changes or removes the row; prefix is "" or a table's alias and a
// dot. A missing row (of an outer join) reads as "", false, 0, 0.
func jobsColumns(prefix string) string {
	return `coalesce(` + prefix + `method, ''), coalesce(` + prefix + `synthetic, 0), ` +
		`coalesce(json_extract(` + prefix + `doc, '$.employment.self'), 0), coalesce(json_extract(` + prefix + `doc, '$.employment.wage'), 0)`
}

// AggregateEnterprises sums the enterprises per unit of level and sector,
// in one read transaction.
func (s *Store) AggregateEnterprises(ctx context.Context, level geo.Level) ([]profile.Aggregate, error) {
	if level < geo.Division || level > geo.Union {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter level: %s is not division, district, upazila or union", level)
	}
	return s.aggregate(ctx, adminColumns[level], "")
}

// AggregateUnit sums the enterprises of the unit pcode per sector, reading
// them through the index on its level's column, in one read transaction.
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
	return col, " WHERE e." + col + " = ?", nil
}

// AggregateJobs returns the enterprises and jobs per unit of level and
// sector that every write keeps in unit_counts, summed over their methods
// and synthetic flags: a read of the level's rows, whatever the number of
// enterprises.
func (s *Store) AggregateJobs(ctx context.Context, level geo.Level) ([]profile.Aggregate, error) {
	if level < geo.Division || level > geo.Union {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter level: %s is not division, district, upazila or union", level)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT unit, sector, sum(enterprises), sum(self), sum(wage) FROM unit_counts
		WHERE level = ? GROUP BY unit, sector ORDER BY unit, sector`, int(level))
	if err != nil {
		return nil, sqlErr(err, "counting jobs")
	}
	defer rows.Close()
	var out []profile.Aggregate
	for rows.Next() {
		var a profile.Aggregate
		if err := rows.Scan(&a.Unit, &a.Sector, &a.Enterprises, &a.Self, &a.Wage); err != nil {
			return nil, sqlErr(err, "counting jobs")
		}
		out = append(out, a)
	}
	return out, sqlErr(rows.Err(), "counting jobs")
}

// aggregate sums the enterprises per unit (the column col) and sector,
// those matching where (a clause over the alias e, with args) or all, in
// one read transaction.
func (s *Store) aggregate(ctx context.Context, col, where string, args ...any) ([]profile.Aggregate, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, sqlErr(err, "aggregating enterprises")
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(aggregateSQL, col, where), args...)
	if err != nil {
		return nil, sqlErr(err, "aggregating enterprises")
	}
	var out []profile.Aggregate
	index := map[[2]string]int{}
	for rows.Next() {
		var a profile.Aggregate
		var self, wage, female, male float64
		if err := rows.Scan(&a.Unit, &a.Sector, &a.Enterprises, &self, &wage, &a.GenderReported, &female, &male,
			&a.OwnerFemale, &a.OwnerMale, &a.OwnerOther, &a.AwareKnown, &a.Aware, &a.AdoptedKnown, &a.Adopted); err != nil {
			rows.Close()
			return nil, sqlErr(err, "aggregating enterprises")
		}
		a.Self, a.Wage, a.Female, a.Male = int(self), int(wage), int(female), int(male)
		index[[2]string{a.Unit, a.Sector}] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, sqlErr(err, "aggregating enterprises")
	}
	rows, err = tx.QueryContext(ctx, fmt.Sprintf(barriersSQL, col, where), args...)
	if err != nil {
		return nil, sqlErr(err, "aggregating barriers")
	}
	defer rows.Close()
	for rows.Next() {
		var unit, sector, barrier string
		var n int
		if err := rows.Scan(&unit, &sector, &barrier, &n); err != nil {
			return nil, sqlErr(err, "aggregating barriers")
		}
		i, ok := index[[2]string{unit, sector}]
		if !ok {
			continue // cannot happen inside one transaction
		}
		if out[i].Barriers == nil {
			out[i].Barriers = map[string]int{}
		}
		out[i].Barriers[barrier] = n
	}
	return out, sqlErr(rows.Err(), "aggregating barriers")
}
