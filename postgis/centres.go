package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
)

var _ guccho.CentreStore = (*Store)(nil)

// centreColumns are read by scanCentre.
const centreColumns = `doc, created_at, updated_at`

func scanCentre(row pgx.Row) (*guccho.Centre, error) {
	var doc []byte
	var created, updated time.Time
	if err := row.Scan(&doc, &created, &updated); err != nil {
		return nil, err
	}
	var c guccho.Centre
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "stored centre is not JSON")
	}
	c.CreatedAt, c.UpdatedAt = created.UTC(), updated.UTC()
	return &c, nil
}

// FindCentreByID returns one centre, or ENOTFOUND.
func (s *Store) FindCentreByID(ctx context.Context, id string) (*guccho.Centre, error) {
	c, err := scanCentre(s.pool.QueryRow(ctx, `SELECT `+centreColumns+` FROM guccho.centres WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no centre %q", id)
	}
	if err != nil {
		return nil, dbErr(err, "read centre")
	}
	return c, nil
}

// FindCentres returns the matching centres ordered by id; the box is an
// ST_Intersects over the GiST index (edges included).
func (s *Store) FindCentres(ctx context.Context, f guccho.CentreFilter) ([]*guccho.Centre, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Sector != "" {
		conds = append(conds, `sector IN ('', `+arg(f.Sector)+`)`)
	}
	if f.Admin != "" {
		col, err := adminColumn(f.Admin)
		if err != nil {
			return nil, err
		}
		conds = append(conds, col+` = `+arg(f.Admin))
	}
	if b := f.Bound; b != nil {
		conds = append(conds, `ST_Intersects(geom, ST_MakeEnvelope(`+arg(b.Min[0])+`::float8, `+arg(b.Min[1])+`::float8, `+
			arg(b.Max[0])+`::float8, `+arg(b.Max[1])+`::float8, 4326))`)
	}
	q := `SELECT ` + centreColumns + ` FROM guccho.centres`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY id COLLATE "C"`, args...)
	if err != nil {
		return nil, dbErr(err, "query centres")
	}
	defer rows.Close()
	out := []*guccho.Centre{}
	for rows.Next() {
		c, err := scanCentre(rows)
		if err != nil {
			return nil, dbErr(err, "read centres")
		}
		out = append(out, c)
	}
	return out, dbErr(rows.Err(), "read centres")
}

// placeCentre validates c and resolves its admin P-codes from its point
// (Reverse: ST_Intersects with the Locator's border rule); EINVALID when
// the point lies in no unit.
func (s *Store) placeCentre(ctx context.Context, c *guccho.Centre) error {
	if err := c.Validate(); err != nil {
		return err
	}
	place, err := s.Reverse(ctx, c.Point)
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
// centre with its id; it reports whether the centre existed (an upsert that
// updated leaves xmax non-zero on the row it returns).
func putCentre(ctx context.Context, tx pgx.Tx, c *guccho.Centre) (existed bool, err error) {
	doc, err := json.Marshal(c)
	if err != nil {
		return false, err
	}
	err = tx.QueryRow(ctx, `INSERT INTO guccho.centres AS c (id, sector, geom, division, district, upazila, union_code, doc, created_at, updated_at)
		VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326), $5, $6, $7, $8, $9::jsonb, now(), now())
		ON CONFLICT (id) DO UPDATE SET sector = excluded.sector, geom = excluded.geom, division = excluded.division,
			district = excluded.district, upazila = excluded.upazila, union_code = excluded.union_code,
			doc = excluded.doc, updated_at = now()
		RETURNING c.created_at, c.updated_at, c.xmax <> 0`,
		c.ID, c.Sector, c.Point[0], c.Point[1], c.Admin.Division, c.Admin.District, c.Admin.Upazila, c.Admin.Union, string(doc),
	).Scan(&c.CreatedAt, &c.UpdatedAt, &existed)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return existed, dbErr(err, "store centre")
}

// centreTx runs fn in a transaction that also records change in the event
// log.
func (s *Store) centreTx(ctx context.Context, change guccho.CentreChange, fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return appendEvents(ctx, tx, guccho.EventCentresChanged, change)
	})
	return dbErr(err, "write centres")
}

// CreateCentre stores a new centre; ECONFLICT if its id exists.
func (s *Store) CreateCentre(ctx context.Context, c *guccho.Centre) error {
	if err := s.placeCentre(ctx, c); err != nil {
		return err
	}
	return s.centreTx(ctx, guccho.NewCentreChange("created", c.ID), func(tx pgx.Tx) error {
		existed, err := putCentre(ctx, tx, c)
		if err == nil && existed {
			return guccho.Errorf(guccho.ECONFLICT, "centre %q exists already", c.ID)
		}
		return err
	})
}

// UpdateCentre replaces a stored centre (by id); ENOTFOUND if absent.
func (s *Store) UpdateCentre(ctx context.Context, c *guccho.Centre) error {
	if err := s.placeCentre(ctx, c); err != nil {
		return err
	}
	return s.centreTx(ctx, guccho.NewCentreChange("updated", c.ID), func(tx pgx.Tx) error {
		existed, err := putCentre(ctx, tx, c)
		if err == nil && !existed {
			return guccho.Errorf(guccho.ENOTFOUND, "no centre %q", c.ID)
		}
		return err
	})
}

// DeleteCentre removes a centre; ENOTFOUND if absent.
func (s *Store) DeleteCentre(ctx context.Context, id string) error {
	return s.centreTx(ctx, guccho.NewCentreChange("deleted", id), func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM guccho.centres WHERE id = $1`, id)
		if err != nil {
			return dbErr(err, "delete centre")
		}
		if tag.RowsAffected() == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no centre %q", id)
		}
		return nil
	})
}

// ImportCentres upserts cs by id in one transaction, all or nothing.
func (s *Store) ImportCentres(ctx context.Context, cs []*guccho.Centre) (guccho.CentreImportCounts, error) {
	var counts guccho.CentreImportCounts
	if err := guccho.ValidateCentres(cs); err != nil {
		return counts, err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		if err := s.placeCentre(ctx, c); err != nil {
			return counts, err
		}
		ids[i] = c.ID
	}
	err := s.centreTx(ctx, guccho.NewCentreChange("imported", ids...), func(tx pgx.Tx) error {
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
		return nil
	})
	if err != nil {
		return guccho.CentreImportCounts{}, err
	}
	return counts, nil
}
