package postgis

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/tiles"
)

var (
	_ guccho.EnterpriseStore = (*Store)(nil)
	_ guccho.TokenStore      = (*Store)(nil)
)

// enterpriseArgs are the values of insertSQL's $1–$16.
func enterpriseArgs(e *guccho.Enterprise) ([]any, error) {
	doc, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	var lon, lat *float64
	if e.Placed() {
		lon, lat = &e.Point[0], &e.Point[1]
	}
	var importID *string
	if e.ImportID != "" {
		importID = &e.ImportID
	}
	return []any{e.ID, e.Name, e.Sector, e.Geocode.Method, lon, lat, e.DisplayPoint, e.Synthetic,
		e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union, importID, e.ImportRow, e.ContentHash(), string(doc)}, nil
}

// placedPoint is an enterprise's map point for a change event, nil when it
// is not placed.
func placedPoint(e *guccho.Enterprise) *[2]float64 {
	if !e.Placed() {
		return nil
	}
	return &[2]float64{e.Point[0], e.Point[1]}
}

const pointSQL = `CASE WHEN $5::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($5, $6), 4326) END`

// CreateEnterprise stores a new enterprise; ECONFLICT if its id exists.
func (s *Store) CreateEnterprise(ctx context.Context, e *guccho.Enterprise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	args, err := enterpriseArgs(e)
	if err != nil {
		return err
	}
	ch := &guccho.ChangeBuilder{Action: "created", ListUnits: true}
	ch.Add(e.ID, e.Sector, placedPoint(e))
	ch.AddUnits(profile.ChangedUnits(nil, e)...)
	return s.enterpriseTx(ctx, ch, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO guccho.enterprises (id, name, sector, method, geom, display_point, synthetic,
			division, district, upazila, union_code, import_id, import_row, content_hash, doc, created_at, updated_at)
			VALUES ($1, $2, $3, $4, `+pointSQL+`, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, now(), now())
			ON CONFLICT (id) DO NOTHING RETURNING fid, created_at`, args...).Scan(&e.FeatureID, &e.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ECONFLICT, "enterprise %q exists already", e.ID)
		}
		if err != nil {
			return dbErr(err, "store enterprise")
		}
		e.UpdatedAt = e.CreatedAt
		deltas, jobs := tiles.CellDeltas{}, profile.JobDeltas{}
		if e.Placed() {
			deltas.Add(e.Point, e.Sector, +1)
		}
		jobs.AddEnterprise(e, +1)
		return applyDeltas(ctx, tx, deltas, jobs)
	})
}

// UpdateEnterprise replaces a stored enterprise (by id); ENOTFOUND if absent.
func (s *Store) UpdateEnterprise(ctx context.Context, e *guccho.Enterprise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	ch := &guccho.ChangeBuilder{Action: "updated", ListUnits: true}
	return s.enterpriseTx(ctx, ch, func(tx pgx.Tx) error {
		old, err := scanEnterprise(tx.QueryRow(ctx, `SELECT `+enterpriseColumns+` FROM guccho.enterprises WHERE id = $1 FOR UPDATE`, e.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", e.ID)
		}
		if err != nil {
			return dbErr(err, "read enterprise")
		}
		if err := notImporting(ctx, tx, e.ID, old.ImportID); err != nil {
			return err
		}
		e.FeatureID, e.CreatedAt = old.FeatureID, old.CreatedAt
		if e.ImportID == "" {
			e.ImportID, e.ImportRow = old.ImportID, old.ImportRow
		}
		args, err := enterpriseArgs(e)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE guccho.enterprises SET name = $2, sector = $3, method = $4, geom = `+pointSQL+`,
			display_point = $7, synthetic = $8, division = $9, district = $10, upazila = $11, union_code = $12,
			import_id = $13, import_row = $14, content_hash = $15, doc = $16::jsonb, updated_at = now()
			WHERE id = $1 RETURNING updated_at`, args...).Scan(&e.UpdatedAt); err != nil {
			return dbErr(err, "update enterprise")
		}
		deltas, jobs := tiles.CellDeltas{}, profile.JobDeltas{}
		if old.Placed() {
			deltas.Add(old.Point, old.Sector, -1)
		}
		if e.Placed() {
			deltas.Add(e.Point, e.Sector, +1)
		}
		jobs.AddEnterprise(old, -1)
		jobs.AddEnterprise(e, +1)
		ch.Add(e.ID, old.Sector, placedPoint(old))
		ch.Add("", e.Sector, placedPoint(e))
		ch.AddUnits(profile.ChangedUnits(old, e)...)
		return applyDeltas(ctx, tx, deltas, jobs)
	})
}

// DeleteEnterprise removes an enterprise; ENOTFOUND if absent.
func (s *Store) DeleteEnterprise(ctx context.Context, id string) error {
	ch := &guccho.ChangeBuilder{Action: "deleted", ListUnits: true}
	return s.enterpriseTx(ctx, ch, func(tx pgx.Tx) error {
		var importID string
		err := tx.QueryRow(ctx, `SELECT coalesce(import_id, '') FROM guccho.enterprises WHERE id = $1 FOR UPDATE`, id).Scan(&importID)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", id)
		}
		if err != nil {
			return dbErr(err, "delete enterprise")
		}
		if err := notImporting(ctx, tx, id, importID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM guccho.enterprises WHERE id = $1 RETURNING `+goneColumns, id)
		if err != nil {
			return dbErr(err, "delete enterprise")
		}
		deltas, jobs := tiles.CellDeltas{}, profile.JobDeltas{}
		n, err := collectGone(rows, ch, deltas, jobs, -1, true)
		if err != nil {
			return err
		}
		if n == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", id)
		}
		return applyDeltas(ctx, tx, deltas, jobs)
	})
}

// notImporting refuses, with ECONFLICT, an edit of enterprise id whose
// stored row import importID wrote while that import still runs (loading
// or indexing): the import's undo and its indexing count on the row
// staying as it wrote it. The caller holds the row's lock, so an import's
// chunk cannot write it in between.
func notImporting(ctx context.Context, tx pgx.Tx, id, importID string) error {
	if importID == "" {
		return nil
	}
	var running bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM guccho.imports WHERE id = $1 AND status = $2)`,
		importID, guccho.ImportRunning).Scan(&running); err != nil {
		return dbErr(err, "check the enterprise's import")
	}
	if running {
		return guccho.Errorf(guccho.ECONFLICT, "enterprise %s is being imported by import %s; try again when it has finished", id, importID)
	}
	return nil
}

// jobColumns are an enterprise row's (or a saved copy's) sector, units,
// geocode method, synthetic flag and jobs, read by scanJobs: jobs as
// AggregateJobs counts them (profile.CountsOf: the record's employment).
const jobColumns = `sector, division, district, upazila, union_code, method, synthetic,
	coalesce((doc->'employment'->>'self')::bigint, 0), coalesce((doc->'employment'->>'wage')::bigint, 0)`

// goneColumns are what collectGone reads of an enterprise row (or a saved
// copy of one) that a write adds or removes: its id and point for the
// change event and the count pyramid, then jobColumns.
const goneColumns = `id, ST_X(geom), ST_Y(geom), ` + jobColumns

// scanJobs scans the jobColumns that end dest (scanned too) and counts
// them in jobs with sign; it returns the sector.
func scanJobs(rows pgx.Rows, jobs profile.JobDeltas, sign int, dest ...any) (string, error) {
	sector, _, err := scanJobUnits(rows, jobs, sign, dest...)
	return sector, err
}

// scanJobUnits is scanJobs that also returns the admin codes.
func scanJobUnits(rows pgx.Rows, jobs profile.JobDeltas, sign int, dest ...any) (string, guccho.AdminCodes, error) {
	var sector, method string
	var admin guccho.AdminCodes
	var synthetic bool
	var self, wage int
	err := rows.Scan(append(dest, &sector, &admin.Division, &admin.District, &admin.Upazila, &admin.Union, &method, &synthetic, &self, &wage)...)
	if err != nil {
		return "", admin, dbErr(err, "read written enterprises")
	}
	jobs.Add(admin, sector, method, synthetic, self, wage, sign)
	return sector, admin, nil
}

// collectGone reads goneColumns rows into the change (ids left out unless
// withIDs; each row's deepest units, which an enterprise added or removed
// always changes, when the change lists units), the pyramid's deltas and
// the jobs' deltas, with the sign given; it returns how many rows it read.
func collectGone(rows pgx.Rows, ch *guccho.ChangeBuilder, deltas tiles.CellDeltas, jobs profile.JobDeltas, sign int, withIDs bool) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var lon, lat *float64
		sector, admin, err := scanJobUnits(rows, jobs, sign, &id, &lon, &lat)
		if err != nil {
			return n, err
		}
		n++
		ch.AddUnits(profile.DeepestUnits(admin)...)
		if !withIDs {
			id = ""
		}
		if lon == nil || lat == nil {
			ch.Add(id, sector, nil)
			continue
		}
		deltas.Add(orb.Point{*lon, *lat}, sector, sign)
		ch.Add(id, sector, &[2]float64{*lon, *lat})
	}
	return n, dbErr(rows.Err(), "read written enterprises")
}

// enterpriseTx runs fn in a transaction that also records the change fn
// describes in the event log and bumps the enterprise data version, and
// records the new version once committed.
func (s *Store) enterpriseTx(ctx context.Context, change *guccho.ChangeBuilder, fn func(pgx.Tx) error) error {
	var version string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := appendEvents(ctx, tx, guccho.EventEnterprisesChanged, change.Change()); err != nil {
			return err
		}
		v, err := bumpEnterpriseVersion(ctx, tx)
		version = v
		return err
	})
	if err != nil {
		return dbErr(err, "write enterprises")
	}
	s.entVersion.Store(version)
	return nil
}

func bumpEnterpriseVersion(ctx context.Context, tx pgx.Tx) (string, error) {
	v := strconv.FormatInt(time.Now().UnixNano(), 36)
	_, err := tx.Exec(ctx, `INSERT INTO guccho.meta (key, value) VALUES ('enterprises_version', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, v)
	return v, dbErr(err, "record the enterprises version")
}

// pyramidLock is the advisory lock key applyDeltas holds to the end of its
// transaction ("gucchopy" in ASCII).
const pyramidLock int64 = 0x67756363686f7079

// applyDeltas adds a write's count-pyramid deltas and its deltas to the
// enterprises and jobs per unit (applyJobs), and drops cells that reach
// zero. The cells go in key order, so that a large chunk's tens of
// thousands of cells walk the pyramid's index from one end to the other
// instead of jumping about it; the statements for negative deltas run only
// when there are some (a first import has none).
func applyDeltas(ctx context.Context, tx pgx.Tx, deltas tiles.CellDeltas, jobs profile.JobDeltas) error {
	if len(deltas) == 0 && len(jobs) == 0 {
		return nil
	}
	// Writers take turns on the pyramid and the unit sums until they
	// commit: two transactions changing overlapping cells in other orders
	// (an edit beside an import's chunk) would otherwise deadlock.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pyramidLock); err != nil {
		return dbErr(err, "update the count pyramid")
	}
	if err := applyJobs(ctx, tx, jobs); err != nil {
		return err
	}
	if len(deltas) == 0 {
		return nil
	}
	keys := make([]tiles.CellSector, 0, len(deltas))
	negative := false
	for k, d := range deltas {
		keys = append(keys, k)
		negative = negative || d < 0
	}
	slices.SortFunc(keys, func(a, b tiles.CellSector) int {
		return cmp.Or(cmp.Compare(a.Cell.Z, b.Cell.Z), cmp.Compare(a.Cell.X, b.Cell.X), cmp.Compare(a.Cell.Y, b.Cell.Y),
			strings.Compare(a.Sector, b.Sector))
	})
	var c cellArrays
	for _, k := range keys {
		c.add(int16(k.Cell.Z), int32(k.Cell.X), int32(k.Cell.Y), k.Sector, int32(deltas[k]))
	}
	return c.apply(ctx, tx, negative)
}

// cellArrays are count-pyramid deltas as the columns applyDeltas sends.
type cellArrays struct {
	zs         []int16
	xs, ys, ns []int32
	sectors    []string
}

func (c *cellArrays) add(z int16, x, y int32, sector string, n int32) {
	c.zs, c.xs, c.ys = append(c.zs, z), append(c.xs, x), append(c.ys, y)
	c.sectors, c.ns = append(c.sectors, sector), append(c.ns, n)
}

func (c *cellArrays) len() int { return len(c.zs) }

func (c *cellArrays) reset() {
	c.zs, c.xs, c.ys, c.ns, c.sectors = c.zs[:0], c.xs[:0], c.ys[:0], c.ns[:0], c.sectors[:0]
}

// apply adds the deltas to enterprise_cells, in the order given (key
// order, so that the pyramid's index is walked from one end to the
// other); negative says whether some are below zero. The caller holds
// pyramidLock.
func (c *cellArrays) apply(ctx context.Context, tx pgx.Tx, negative bool) error {
	zs, xs, ys, sectors, ns := c.zs, c.xs, c.ys, c.sectors, c.ns
	// Positive deltas may create cells; negative ones only lower existing
	// cells (the CHECK on n would refuse a proposed negative row), and a
	// cell that reaches zero goes.
	if _, err := tx.Exec(ctx, `INSERT INTO guccho.enterprise_cells (z, x, y, sector, n)
		SELECT * FROM unnest($1::smallint[], $2::int[], $3::int[], $4::text[], $5::int[]) AS d(z, x, y, sector, n) WHERE d.n > 0
		ON CONFLICT (z, x, y, sector) DO UPDATE SET n = enterprise_cells.n + excluded.n`, zs, xs, ys, sectors, ns); err != nil {
		return dbErr(err, "update the count pyramid")
	}
	if !negative {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE guccho.enterprise_cells c SET n = c.n + d.n
		FROM unnest($1::smallint[], $2::int[], $3::int[], $4::text[], $5::int[]) AS d(z, x, y, sector, n)
		WHERE d.n < 0 AND c.z = d.z AND c.x = d.x AND c.y = d.y AND c.sector = d.sector`, zs, xs, ys, sectors, ns); err != nil {
		return dbErr(err, "update the count pyramid")
	}
	_, err := tx.Exec(ctx, `DELETE FROM guccho.enterprise_cells c USING unnest($1::smallint[], $2::int[], $3::int[], $4::text[], $5::int[]) AS d(z, x, y, sector, n)
		WHERE d.n < 0 AND c.z = d.z AND c.x = d.x AND c.y = d.y AND c.sector = d.sector AND c.n = 0`, zs, xs, ys, sectors, ns)
	return dbErr(err, "update the count pyramid")
}

// applyJobs adds the deltas to the enterprises and jobs per unit, sector,
// method and synthetic flag (unit_counts), in key order, and drops the rows
// left without enterprises. The caller holds pyramidLock.
func applyJobs(ctx context.Context, tx pgx.Tx, jobs profile.JobDeltas) error {
	if len(jobs) == 0 {
		return nil
	}
	keys := jobs.Keys()
	n := len(keys)
	levels, units, sectors := make([]int16, 0, n), make([]string, 0, n), make([]string, 0, n)
	methods, synthetics := make([]string, 0, n), make([]bool, 0, n)
	ns, selfs, wages := make([]int32, 0, n), make([]int64, 0, n), make([]int64, 0, n)
	fewer := false // some change removes enterprises or keeps their number
	for _, k := range keys {
		d := jobs[k]
		levels, units, sectors = append(levels, int16(k.Level)), append(units, k.Unit), append(sectors, k.Sector)
		methods, synthetics = append(methods, k.Method), append(synthetics, k.Synthetic)
		ns, selfs, wages = append(ns, int32(d.Enterprises)), append(selfs, int64(d.Self)), append(wages, int64(d.Wage))
		fewer = fewer || d.Enterprises <= 0
	}
	const deltasSQL = `unnest($1::smallint[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::int[], $7::bigint[], $8::bigint[])
		AS d(level, unit, sector, method, synthetic, n, self, wage)`
	const sameKey = `c.level = d.level AND c.unit = d.unit AND c.sector = d.sector AND c.method = d.method AND c.synthetic = d.synthetic`
	args := []any{levels, units, sectors, methods, synthetics, ns, selfs, wages}
	// As in the pyramid, only a change that adds enterprises may create a
	// row; the others change rows that exist, and a row left without
	// enterprises goes.
	if _, err := tx.Exec(ctx, `INSERT INTO guccho.unit_counts (level, unit, sector, method, synthetic, enterprises, self, wage)
		SELECT * FROM `+deltasSQL+` WHERE d.n > 0
		ON CONFLICT (level, unit, sector, method, synthetic) DO UPDATE SET enterprises = unit_counts.enterprises + excluded.enterprises,
			self = unit_counts.self + excluded.self, wage = unit_counts.wage + excluded.wage`, args...); err != nil {
		return dbErr(err, "update the enterprises and jobs per unit")
	}
	if !fewer {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE guccho.unit_counts c SET enterprises = c.enterprises + d.n, self = c.self + d.self, wage = c.wage + d.wage
		FROM `+deltasSQL+` WHERE d.n <= 0 AND `+sameKey, args...); err != nil {
		return dbErr(err, "update the enterprises and jobs per unit")
	}
	_, err := tx.Exec(ctx, `DELETE FROM guccho.unit_counts c USING `+deltasSQL+`
		WHERE d.n < 0 AND `+sameKey+` AND c.enterprises = 0`, args...)
	return dbErr(err, "update the enterprises and jobs per unit")
}
