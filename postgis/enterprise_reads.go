package postgis

// Reading enterprises: one by id, filtered lists in feature-id order (in
// pages of one snapshot when long), counts and the per-sector and
// per-method counts from the kept sums. Writes are in enterprises.go.

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

const enterpriseColumns = `fid, doc, coalesce(import_id, ''), coalesce(import_row, 0), created_at, updated_at`

func scanEnterprise(row pgx.Row) (*guccho.Enterprise, error) {
	var e guccho.Enterprise
	var fid int64
	var doc []byte
	var importID string
	var importRow int
	var created, updated time.Time
	if err := row.Scan(&fid, &doc, &importID, &importRow, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(doc, &e); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "enterprise %d: stored record is not JSON", fid)
	}
	e.FeatureID, e.ImportID, e.ImportRow = fid, importID, importRow
	e.CreatedAt, e.UpdatedAt = created.UTC(), updated.UTC()
	return &e, nil
}

// FindEnterpriseByID returns one enterprise, or ENOTFOUND.
func (s *Store) FindEnterpriseByID(ctx context.Context, id string) (*guccho.Enterprise, error) {
	e, err := scanEnterprise(s.pool.QueryRow(ctx, `SELECT `+enterpriseColumns+` FROM guccho.enterprises WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", id)
	}
	if err != nil {
		return nil, dbErr(err, "read enterprise")
	}
	return e, nil
}

// enterpriseWhere builds the WHERE clause of a filter, numbering arguments
// from $1.
func enterpriseWhere(f guccho.EnterpriseFilter) (string, []any, error) {
	if err := f.Validate(); err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Sectors) > 0 {
		conds = append(conds, "sector = ANY("+arg(f.Sectors)+")")
	}
	if len(f.Methods) > 0 {
		conds = append(conds, "method = ANY("+arg(f.Methods)+")")
	}
	if f.Admin != "" {
		col, err := adminColumn(f.Admin)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, col+" = "+arg(f.Admin))
	}
	if f.ImportID != "" {
		conds = append(conds, "import_id = "+arg(f.ImportID))
	}
	if f.Bound != nil {
		conds = append(conds, "geom && ST_MakeEnvelope("+arg(f.Bound.Min[0])+", "+arg(f.Bound.Min[1])+", "+
			arg(f.Bound.Max[0])+", "+arg(f.Bound.Max[1])+", 4326)")
	}
	if f.After > 0 {
		conds = append(conds, "fid > "+arg(f.After))
	}
	if len(conds) == 0 {
		return "", args, nil
	}
	where := " WHERE " + conds[0]
	for _, c := range conds[1:] {
		where += " AND " + c
	}
	return where, args, nil
}

// adminColumns names, by level, the column holding an enterprise's P-code
// of that level.
var adminColumns = [...]string{geo.Division: "division", geo.District: "district", geo.Upazila: "upazila", geo.Union: "union_code"}

// adminColumn is the column holding P-codes of the code's level.
func adminColumn(code string) (string, error) {
	l, err := geo.PCodeLevel(code)
	if err != nil || l == geo.Country {
		return "", guccho.Errorf(guccho.EINVALID, "parameter admin: %q is not a division, district, upazila or union P-code", code)
	}
	return adminColumns[l], nil
}

// findPage is how many enterprises one statement of FindEnterprises
// returns at most (Store.pageRows); the read holds one page of decoded
// records at a time.
const findPage = 10_000

// FindEnterprises streams the matching enterprises in FeatureID order.
//
// A read of more than a page (Limit 0 or above findPage) runs as keyset
// pages of the same filter (fid > the last one seen, in fid order, a page a
// statement) inside one read-only REPEATABLE READ transaction, so that every
// page sees the snapshot of the first and the read sees every matching row
// once, as one statement would have. Each page is read whole and its
// statement closed before fn is called for its rows: the statement_timeout
// bounds a page, not the whole read nor the time fn takes, so a read of the
// whole country (the cluster points, an export) is not cut off after 30 s.
// The transaction holds its connection and its snapshot until the read
// ends. fn's error and ctx's cancellation stop the read; fn's error is
// returned as it is.
func (s *Store) FindEnterprises(ctx context.Context, f guccho.EnterpriseFilter, fn func(*guccho.Enterprise) error) error {
	page := s.pageRows
	if f.Limit > 0 && f.Limit <= page {
		_, _, err := findPage1(ctx, s.pool, f, fn)
		return err
	}
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		p, left := f, f.Limit // left: how many more the caller wants, when it set a Limit
		for {
			p.Limit = page
			if f.Limit > 0 {
				p.Limit = min(left, page)
			}
			n, last, err := findPage1(ctx, tx, p, fn)
			if err != nil || n < p.Limit {
				return err
			}
			if f.Limit > 0 {
				if left -= n; left == 0 {
					return nil
				}
			}
			p.After = last
		}
	})
}

var _ guccho.EnterprisePointReader = (*Store)(nil)

// FindEnterprisePoints streams guccho.EnterprisePoint of each enterprise
// with a GPS point, in FeatureID order. PostgreSQL takes the fields out of
// each record's document, so only they cross the connection and are
// decoded. Like a long FindEnterprises, it reads keyset pages (each read
// whole and its statement closed before fn sees its rows) in one read-only
// REPEATABLE READ transaction: one snapshot, and the statement_timeout
// bounds a page, not the read.
func (s *Store) FindEnterprisePoints(ctx context.Context, fn func(*guccho.Enterprise) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var after int64
		page := make([]*guccho.Enterprise, 0, s.pageRows)
		for {
			rows, err := tx.Query(ctx, `SELECT fid, id, sector, jsonb_build_object('gps', doc->'gps', 'employment', doc->'employment',
					'owner_gender', doc->'owner_gender', 'recp', doc->'recp', 'barriers', doc->'barriers')
				FROM guccho.enterprises WHERE fid > $1 AND doc->'gps' IS NOT NULL ORDER BY fid LIMIT $2`, after, s.pageRows)
			if err != nil {
				return dbErr(err, "query enterprise points")
			}
			page = page[:0]
			n := 0
			for rows.Next() {
				var e guccho.Enterprise
				var doc []byte
				if err := rows.Scan(&e.FeatureID, &e.ID, &e.Sector, &doc); err != nil {
					rows.Close()
					return dbErr(err, "read enterprise points")
				}
				if err := json.Unmarshal(doc, &e); err != nil {
					rows.Close()
					return guccho.WrapError(err, guccho.EINTERNAL, "enterprise %d: stored record is not JSON", e.FeatureID)
				}
				n, after = n+1, e.FeatureID
				if e.GPS != nil { // not a JSON null
					page = append(page, &e)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return dbErr(err, "read enterprise points")
			}
			for _, e := range page {
				if err := ctx.Err(); err != nil {
					return dbErr(err, "read enterprise points")
				}
				if err := fn(e); err != nil {
					return err
				}
			}
			if n < s.pageRows {
				return nil
			}
		}
	})
}

// rowsQuerier is what findPage1 reads through: the pool or a transaction.
type rowsQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// findPage1 runs one statement of the filter, reads every row it returns
// and closes it, then calls fn for each; it returns how many rows there
// were and the last one's feature id.
func findPage1(ctx context.Context, q rowsQuerier, f guccho.EnterpriseFilter, fn func(*guccho.Enterprise) error) (int, int64, error) {
	where, args, err := enterpriseWhere(f)
	if err != nil {
		return 0, 0, err
	}
	sql := `SELECT ` + enterpriseColumns + ` FROM guccho.enterprises` + where + ` ORDER BY fid`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		sql += ` LIMIT $` + strconv.Itoa(len(args))
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return 0, 0, dbErr(err, "query enterprises")
	}
	var es []*guccho.Enterprise
	for rows.Next() {
		e, err := scanEnterprise(rows)
		if err != nil {
			rows.Close()
			return 0, 0, dbErr(err, "read enterprises")
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, dbErr(err, "read enterprises")
	}
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return 0, 0, dbErr(err, "read enterprises")
		}
		if err := fn(e); err != nil {
			return 0, 0, err
		}
	}
	if len(es) == 0 {
		return 0, 0, nil
	}
	return len(es), es[len(es)-1].FeatureID, nil
}

// CountEnterprises counts the matching enterprises.
func (s *Store) CountEnterprises(ctx context.Context, f guccho.EnterpriseFilter) (int, error) {
	where, args, err := enterpriseWhere(f)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM guccho.enterprises`+where, args...).Scan(&n)
	return n, dbErr(err, "count enterprises")
}

// EnterpriseStats counts enterprises per sector, per geocode method and
// the synthetic ones, of the whole country (admin "") or of one unit
// (EINVALID unless admin is a division, district, upazila or union
// P-code). It reads the sums every write keeps in unit_counts, never the
// enterprises: the country's are the division level's rows (unit ""
// included), a unit's its own rows at its level: at most a thousand rows,
// whatever the number of enterprises.
func (s *Store) EnterpriseStats(ctx context.Context, admin string) (guccho.EnterpriseStats, error) {
	st := guccho.EnterpriseStats{BySector: map[string]int{}, ByMethod: map[string]int{}}
	where, args := ` WHERE level = $1`, []any{int16(geo.Division)}
	if admin != "" {
		if _, err := adminColumn(admin); err != nil {
			return st, err
		}
		level, _ := geo.PCodeLevel(admin)
		where, args = ` WHERE level = $1 AND unit = $2`, []any{int16(level), admin}
	}
	rows, err := s.pool.Query(ctx, `SELECT sector, method, synthetic, sum(enterprises)::bigint FROM guccho.unit_counts`+where+`
		GROUP BY sector, method, synthetic`, args...)
	if err != nil {
		return st, dbErr(err, "count enterprises")
	}
	defer rows.Close()
	for rows.Next() {
		var sector, method string
		var synthetic bool
		var n int64
		if err := rows.Scan(&sector, &method, &synthetic, &n); err != nil {
			return st, dbErr(err, "count enterprises")
		}
		st.Add(sector, method, synthetic, int(n))
	}
	return st, dbErr(rows.Err(), "count enterprises")
}
