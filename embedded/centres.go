package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/guccho/guccho"
)

var _ guccho.CentreStore = (*Store)(nil)

// centreColumns are read by scanCentre.
const centreColumns = `doc, created_at, updated_at`

func scanCentre(row interface{ Scan(...any) error }) (*guccho.Centre, error) {
	var doc, created, updated string
	if err := row.Scan(&doc, &created, &updated); err != nil {
		return nil, err
	}
	var c guccho.Centre
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "stored centre is not JSON")
	}
	c.CreatedAt, _ = time.Parse(timeFormat, created)
	c.UpdatedAt, _ = time.Parse(timeFormat, updated)
	return &c, nil
}

// FindCentreByID returns one centre, or ENOTFOUND.
func (s *Store) FindCentreByID(ctx context.Context, id string) (*guccho.Centre, error) {
	c, err := scanCentre(s.db.QueryRowContext(ctx, `SELECT `+centreColumns+` FROM centres WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no centre %q", id)
	}
	if err != nil {
		return nil, sqlErr(err, "reading centre %q", id)
	}
	return c, nil
}

// FindCentres returns the matching centres ordered by id.
func (s *Store) FindCentres(ctx context.Context, f guccho.CentreFilter) ([]*guccho.Centre, error) {
	var conds []string
	var args []any
	if f.Sector != "" {
		conds = append(conds, `sector IN ('', ?)`)
		args = append(args, f.Sector)
	}
	if f.Admin != "" {
		col, err := adminColumn(f.Admin)
		if err != nil {
			return nil, err
		}
		conds = append(conds, col+` = ?`)
		args = append(args, f.Admin)
	}
	if b := f.Bound; b != nil {
		conds = append(conds, `lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?`)
		args = append(args, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	q := `SELECT ` + centreColumns + ` FROM centres`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, sqlErr(err, "querying centres")
	}
	defer rows.Close()
	out := []*guccho.Centre{}
	for rows.Next() {
		c, err := scanCentre(rows)
		if err != nil {
			return nil, sqlErr(err, "reading centres")
		}
		out = append(out, c)
	}
	return out, sqlErr(rows.Err(), "reading centres")
}

// placeCentre validates c and resolves its admin P-codes from its point;
// EINVALID when the point lies in no unit.
func (s *Store) placeCentre(c *guccho.Centre) error {
	if err := c.Validate(); err != nil {
		return err
	}
	place, err := s.current().atlas.Reverse(c.Point)
	if guccho.ErrorCode(err) == guccho.ENOTFOUND {
		return c.OutsideError()
	}
	if err != nil {
		return err
	}
	c.Admin = place.Codes()
	return nil
}

// putCentre inserts or replaces c, keeping the creation time of a stored
// centre with its id; it reports whether the centre existed.
func putCentre(ctx context.Context, tx *sql.Tx, c *guccho.Centre) (existed bool, err error) {
	var created string
	err = tx.QueryRowContext(ctx, `SELECT created_at FROM centres WHERE id = ?`, c.ID).Scan(&created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		c.CreatedAt = time.Now().UTC()
		c.UpdatedAt = c.CreatedAt
	case err != nil:
		return false, sqlErr(err, "reading centre %q", c.ID)
	default:
		existed = true
		c.CreatedAt, _ = time.Parse(timeFormat, created)
		c.UpdatedAt = time.Now().UTC()
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return existed, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO centres (id, sector, lon, lat, division, district, upazila, union_code, doc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET sector = excluded.sector, lon = excluded.lon, lat = excluded.lat,
			division = excluded.division, district = excluded.district, upazila = excluded.upazila,
			union_code = excluded.union_code, doc = excluded.doc, updated_at = excluded.updated_at`,
		c.ID, c.Sector, c.Point[0], c.Point[1], c.Admin.Division, c.Admin.District, c.Admin.Upazila, c.Admin.Union,
		string(doc), c.CreatedAt.Format(timeFormat), c.UpdatedAt.Format(timeFormat))
	return existed, sqlErr(err, "storing centre %q", c.ID)
}

// CreateCentre stores a new centre; ECONFLICT if its id exists.
func (s *Store) CreateCentre(ctx context.Context, c *guccho.Centre) error {
	if err := s.placeCentre(c); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM centres WHERE id = ?`, c.ID).Scan(&n); err != nil {
			return sqlErr(err, "checking centre %q", c.ID)
		}
		if n > 0 {
			return guccho.Errorf(guccho.ECONFLICT, "centre %q exists already", c.ID)
		}
		if _, err := putCentre(ctx, tx, c); err != nil {
			return err
		}
		return appendEvent(ctx, tx, guccho.EventCentresChanged, guccho.NewCentreChange("created", c.ID))
	}, s.eventsWritten)
}

// UpdateCentre replaces a stored centre (by id); ENOTFOUND if absent.
func (s *Store) UpdateCentre(ctx context.Context, c *guccho.Centre) error {
	if err := s.placeCentre(c); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM centres WHERE id = ?`, c.ID).Scan(&n); err != nil {
			return sqlErr(err, "checking centre %q", c.ID)
		}
		if n == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no centre %q", c.ID)
		}
		if _, err := putCentre(ctx, tx, c); err != nil {
			return err
		}
		return appendEvent(ctx, tx, guccho.EventCentresChanged, guccho.NewCentreChange("updated", c.ID))
	}, s.eventsWritten)
}

// DeleteCentre removes a centre; ENOTFOUND if absent.
func (s *Store) DeleteCentre(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM centres WHERE id = ?`, id)
		if err != nil {
			return sqlErr(err, "deleting centre %q", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no centre %q", id)
		}
		return appendEvent(ctx, tx, guccho.EventCentresChanged, guccho.NewCentreChange("deleted", id))
	}, s.eventsWritten)
}

// ImportCentres upserts cs by id in one transaction, all or nothing.
func (s *Store) ImportCentres(ctx context.Context, cs []*guccho.Centre) (guccho.CentreImportCounts, error) {
	var counts guccho.CentreImportCounts
	if err := guccho.ValidateCentres(cs); err != nil {
		return counts, err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		if err := s.placeCentre(c); err != nil {
			return counts, err
		}
		ids[i] = c.ID
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		counts = guccho.CentreImportCounts{}
		for _, c := range cs {
			existed, err := putCentre(ctx, tx, c)
			if err != nil {
				return err
			}
			if existed {
				counts.Updated++
			} else {
				counts.Created++
			}
		}
		return appendEvent(ctx, tx, guccho.EventCentresChanged, guccho.NewCentreChange("imported", ids...))
	}, s.eventsWritten)
	if err != nil {
		return guccho.CentreImportCounts{}, err
	}
	return counts, nil
}
