package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

var _ guccho.EnterprisePointReader = (*Store)(nil)

// enterpriseColumns are read by scanEnterprise.
const enterpriseColumns = `fid, doc, import_id, import_row, created_at, updated_at`

func scanEnterprise(row interface{ Scan(...any) error }) (*guccho.Enterprise, error) {
	var e guccho.Enterprise
	var fid int64
	var doc string
	var importID sql.NullString
	var importRow sql.NullInt64
	var created, updated string
	if err := row.Scan(&fid, &doc, &importID, &importRow, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(doc), &e); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "enterprise %d: stored record is not JSON", fid)
	}
	e.FeatureID, e.ImportID, e.ImportRow = fid, importID.String, int(importRow.Int64)
	e.CreatedAt, _ = time.Parse(timeFormat, created)
	e.UpdatedAt, _ = time.Parse(timeFormat, updated)
	return &e, nil
}

// FindEnterpriseByID returns one enterprise, or ENOTFOUND.
func (s *Store) FindEnterpriseByID(ctx context.Context, id string) (*guccho.Enterprise, error) {
	e, err := scanEnterprise(s.db.QueryRowContext(ctx, `SELECT `+enterpriseColumns+` FROM enterprises WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", id)
	}
	if err != nil {
		return nil, sqlErr(err, "reading enterprise %q", id)
	}
	return e, nil
}

// where builds the WHERE clause of a filter.
func enterpriseWhere(f guccho.EnterpriseFilter) (string, []any, error) {
	if err := f.Validate(); err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	in := func(col string, vals []string) {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")
		conds = append(conds, col+" IN ("+ph+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if len(f.Sectors) > 0 {
		in("sector", f.Sectors)
	}
	if len(f.Methods) > 0 {
		in("method", f.Methods)
	}
	if f.Admin != "" {
		col, err := adminColumn(f.Admin)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, col+" = ?")
		args = append(args, f.Admin)
	}
	if f.ImportID != "" {
		conds = append(conds, "import_id = ?")
		args = append(args, f.ImportID)
	}
	if f.Bound != nil {
		cond, condArgs := pointsIn("", *f.Bound)
		conds = append(conds, cond)
		args = append(args, condArgs...)
	}
	if f.After > 0 {
		conds = append(conds, "fid > ?")
		args = append(args, f.After)
	}
	if len(conds) == 0 {
		return "", args, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
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

// FindEnterprises streams the matching enterprises in FeatureID order.
func (s *Store) FindEnterprises(ctx context.Context, f guccho.EnterpriseFilter, fn func(*guccho.Enterprise) error) error {
	where, args, err := enterpriseWhere(f)
	if err != nil {
		return err
	}
	q := `SELECT ` + enterpriseColumns + ` FROM enterprises` + where + ` ORDER BY fid`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return sqlErr(err, "querying enterprises")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEnterprise(rows)
		if err != nil {
			return sqlErr(err, "reading enterprises")
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return sqlErr(rows.Err(), "reading enterprises")
}

// pointDoc is the part of a stored record that FindEnterprisePoints
// decodes: SQLite takes it out of the document (one parse of it a row),
// so the names, stated places and attributes are never decoded here.
const pointDoc = `json_object('gps', doc->'$.gps', 'employment', doc->'$.employment',
	'owner_gender', doc->'$.owner_gender', 'recp', doc->'$.recp', 'barriers', doc->'$.barriers')`

// FindEnterprisePoints streams guccho.EnterprisePoint of each enterprise
// with a GPS point, in FeatureID order, in one statement (one snapshot).
func (s *Store) FindEnterprisePoints(ctx context.Context, fn func(*guccho.Enterprise) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT fid, id, sector, `+pointDoc+` FROM enterprises
		WHERE doc->>'$.gps' IS NOT NULL ORDER BY fid`)
	if err != nil {
		return sqlErr(err, "querying enterprise points")
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		var e guccho.Enterprise
		if err := rows.Scan(&e.FeatureID, &e.ID, &e.Sector, &doc); err != nil {
			return sqlErr(err, "reading enterprise points")
		}
		if err := json.Unmarshal(doc, &e); err != nil {
			return guccho.WrapError(err, guccho.EINTERNAL, "enterprise %d: stored record is not JSON", e.FeatureID)
		}
		if e.GPS == nil { // a JSON null
			continue
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return sqlErr(rows.Err(), "reading enterprise points")
}

// CountEnterprises counts the matching enterprises (Limit and After apply
// as in FindEnterprises, except that Limit does not cap the count).
func (s *Store) CountEnterprises(ctx context.Context, f guccho.EnterpriseFilter) (int, error) {
	where, args, err := enterpriseWhere(f)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM enterprises`+where, args...).Scan(&n)
	return n, sqlErr(err, "counting enterprises")
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
	where, args := ` WHERE level = ?`, []any{int(geo.Division)}
	if admin != "" {
		if _, err := adminColumn(admin); err != nil {
			return st, err
		}
		level, _ := geo.PCodeLevel(admin)
		where, args = ` WHERE level = ? AND unit = ?`, []any{int(level), admin}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sector, method, synthetic, sum(enterprises) FROM unit_counts`+where+`
		GROUP BY sector, method, synthetic`, args...)
	if err != nil {
		return st, sqlErr(err, "counting enterprises")
	}
	defer rows.Close()
	for rows.Next() {
		var sector, method string
		var synthetic bool
		var n int
		if err := rows.Scan(&sector, &method, &synthetic, &n); err != nil {
			return st, sqlErr(err, "counting enterprises")
		}
		st.Add(sector, method, synthetic, n)
	}
	return st, sqlErr(rows.Err(), "counting enterprises")
}
