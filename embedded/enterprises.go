package embedded

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/tiles"
)

var (
	_ guccho.EnterpriseStore = (*Store)(nil)
	_ guccho.TokenStore      = (*Store)(nil)
)

const timeFormat = time.RFC3339Nano

// execer is what both *sql.DB and *sql.Tx offer.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// CreateEnterprise stores a new enterprise; ECONFLICT if its id exists.
func (s *Store) CreateEnterprise(ctx context.Context, e *guccho.Enterprise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM enterprises WHERE id = ?`, e.ID).Scan(&n); err != nil {
			return sqlErr(err, "checking enterprise %q", e.ID)
		}
		if n > 0 {
			return guccho.Errorf(guccho.ECONFLICT, "enterprise %q exists already", e.ID)
		}
		now := time.Now().UTC()
		e.CreatedAt, e.UpdatedAt = now, now
		deltas := tiles.CellDeltas{}
		if err := insertEnterprise(ctx, tx, e, deltas); err != nil {
			return err
		}
		jobs := profile.JobDeltas{}
		jobs.AddEnterprise(e, +1)
		if err := applyDeltas(ctx, tx, deltas, jobs); err != nil {
			return err
		}
		ch := guccho.ChangeBuilder{Action: "created", ListUnits: true}
		ch.Add(e.ID, e.Sector, placedPoint(e))
		ch.AddUnits(profile.ChangedUnits(nil, e)...)
		return appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
	}, s.enterprisesChanged)
}

// UpdateEnterprise replaces a stored enterprise (by id); ENOTFOUND if absent.
func (s *Store) UpdateEnterprise(ctx context.Context, e *guccho.Enterprise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanEnterprise(tx.QueryRowContext(ctx, `SELECT `+enterpriseColumns+` FROM enterprises WHERE id = ?`, e.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", e.ID)
		}
		if err != nil {
			return sqlErr(err, "reading enterprise %q", e.ID)
		}
		if err := checkNotImporting(ctx, tx, old); err != nil {
			return err
		}
		e.FeatureID, e.CreatedAt, e.UpdatedAt = old.FeatureID, old.CreatedAt, time.Now().UTC()
		if e.ImportID == "" {
			e.ImportID, e.ImportRow = old.ImportID, old.ImportRow
		}
		deltas := tiles.CellDeltas{}
		if old.Placed() {
			deltas.Add(old.Point, old.Sector, -1)
		}
		if err := updateEnterprise(ctx, tx, e, old, deltas); err != nil {
			return err
		}
		jobs := profile.JobDeltas{}
		jobs.AddEnterprise(old, -1)
		jobs.AddEnterprise(e, +1)
		if err := applyDeltas(ctx, tx, deltas, jobs); err != nil {
			return err
		}
		ch := guccho.ChangeBuilder{Action: "updated", ListUnits: true}
		ch.Add(e.ID, old.Sector, placedPoint(old))
		ch.Add("", e.Sector, placedPoint(e))
		ch.AddUnits(profile.ChangedUnits(old, e)...)
		return appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
	}, s.enterprisesChanged)
}

// DeleteEnterprise removes an enterprise; ENOTFOUND if absent.
func (s *Store) DeleteEnterprise(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanEnterprise(tx.QueryRowContext(ctx, `SELECT `+enterpriseColumns+` FROM enterprises WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", id)
		}
		if err != nil {
			return sqlErr(err, "reading enterprise %q", id)
		}
		if err := checkNotImporting(ctx, tx, old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM enterprises WHERE fid = ?`, old.FeatureID); err != nil {
			return sqlErr(err, "deleting enterprise %q", id)
		}
		if err := unindexPoint(ctx, tx, old); err != nil {
			return err
		}
		deltas := tiles.CellDeltas{}
		if old.Placed() {
			deltas.Add(old.Point, old.Sector, -1)
		}
		jobs := profile.JobDeltas{}
		jobs.AddEnterprise(old, -1)
		if err := applyDeltas(ctx, tx, deltas, jobs); err != nil {
			return err
		}
		ch := guccho.ChangeBuilder{Action: "deleted", ListUnits: true}
		ch.Add(old.ID, old.Sector, placedPoint(old))
		ch.AddUnits(profile.ChangedUnits(old, nil)...)
		return appendEvent(ctx, tx, guccho.EventEnterprisesChanged, ch.Change())
	}, s.enterprisesChanged)
}

// checkNotImporting refuses, with ECONFLICT, an edit of an enterprise
// whose stored row an import that is still running wrote: the import may
// yet index it, or roll it back.
func checkNotImporting(ctx context.Context, tx execer, old *guccho.Enterprise) error {
	if old.ImportID == "" {
		return nil
	}
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM imports WHERE id = ?`, old.ImportID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return sqlErr(err, "reading import %s", old.ImportID)
	}
	if status == guccho.ImportRunning {
		return guccho.Errorf(guccho.ECONFLICT, "enterprise %s is being imported by import %s; try again when it has finished", old.ID, old.ImportID)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// rowValues are an enterprise's values for the columns from name to doc,
// in the order insertEnterprise and updateEnterprise list them. The doc is
// the enterprise's content (guccho.Enterprise.Content), encoded once for it
// and its hash: scanEnterprise sets the bookkeeping it leaves out (feature
// id, import, times) from the row's columns.
func rowValues(e *guccho.Enterprise) []any {
	doc, hash := e.Content()
	var lon, lat any
	if e.Placed() {
		lon, lat = e.Point[0], e.Point[1]
	}
	return []any{e.Name, e.Sector, e.Geocode.Method, lon, lat, e.DisplayPoint, e.Synthetic,
		e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union, nullable(e.ImportID), e.ImportRow,
		hash, string(doc)}
}

// insertEnterprise writes a new row (and its entry in enterprise_points),
// counting it in deltas; it sets e.FeatureID.
func insertEnterprise(ctx context.Context, tx execer, e *guccho.Enterprise, deltas tiles.CellDeltas) error {
	args := append(append([]any{e.ID}, rowValues(e)...), e.CreatedAt.Format(timeFormat), e.UpdatedAt.Format(timeFormat))
	res, err := tx.ExecContext(ctx, `INSERT INTO enterprises (id, name, sector, method, lon, lat, display_point, synthetic,
		division, district, upazila, union_code, import_id, import_row, content_hash, doc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return sqlErr(err, "storing enterprise %q", e.ID)
	}
	e.FeatureID, _ = res.LastInsertId()
	return indexPoint(ctx, tx, e, deltas)
}

// indexPoint enters a placed enterprise's point in enterprise_points
// (keyed by tiles.PointKey) and counts it in deltas.
func indexPoint(ctx context.Context, tx execer, e *guccho.Enterprise, deltas tiles.CellDeltas) error {
	if !e.Placed() {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_points (key, fid) VALUES (?, ?)`,
		tiles.PointKey(e.Point), e.FeatureID); err != nil {
		return sqlErr(err, "indexing enterprise %q", e.ID)
	}
	deltas.Add(e.Point, e.Sector, +1)
	return nil
}

// unindexPoint removes the entry of old, an enterprise as stored and
// indexed, from enterprise_points.
func unindexPoint(ctx context.Context, tx execer, old *guccho.Enterprise) error {
	if !old.Placed() {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM enterprise_points WHERE key = ? AND fid = ?`,
		tiles.PointKey(old.Point), old.FeatureID); err != nil {
		return sqlErr(err, "indexing enterprise %q", old.ID)
	}
	return nil
}

// updateEnterprise rewrites the row e.FeatureID, stored and indexed as old,
// counting its new place in deltas (the caller counts the old one out).
func updateEnterprise(ctx context.Context, tx execer, e, old *guccho.Enterprise, deltas tiles.CellDeltas) error {
	if err := updateRow(ctx, tx, e); err != nil {
		return err
	}
	if err := unindexPoint(ctx, tx, old); err != nil {
		return err
	}
	return indexPoint(ctx, tx, e, deltas)
}

// updateRow rewrites the row e.FeatureID, leaving its point's entry and
// pyramid cells alone (an import's loading phase).
func updateRow(ctx context.Context, tx execer, e *guccho.Enterprise) error {
	args := append(rowValues(e), e.UpdatedAt.Format(timeFormat), e.FeatureID)
	if _, err := tx.ExecContext(ctx, `UPDATE enterprises SET name = ?, sector = ?, method = ?, lon = ?, lat = ?,
		display_point = ?, synthetic = ?, division = ?, district = ?, upazila = ?, union_code = ?, import_id = ?,
		import_row = ?, content_hash = ?, doc = ?, updated_at = ? WHERE fid = ?`, args...); err != nil {
		return sqlErr(err, "updating enterprise %q", e.ID)
	}
	return nil
}

// applyDeltas adds a write's deltas to the count pyramid and to the
// enterprises and jobs per unit (applyJobs), and drops empty cells. It
// writes the cells in key order, many to a statement: an import's chunk
// brings tens of thousands.
func applyDeltas(ctx context.Context, tx execer, deltas tiles.CellDeltas, jobs profile.JobDeltas) error {
	if err := applyJobs(ctx, tx, jobs); err != nil {
		return err
	}
	if len(deltas) == 0 {
		return nil
	}
	keys := make([]tiles.CellSector, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tiles.CellSector) int {
		return cmp.Or(cmp.Compare(a.Cell.Z, b.Cell.Z), cmp.Compare(a.Cell.X, b.Cell.X), cmp.Compare(a.Cell.Y, b.Cell.Y), strings.Compare(a.Sector, b.Sector))
	})
	var added, removed []any
	for _, k := range keys {
		if d := deltas[k]; d > 0 {
			added = append(added, k.Cell.Z, k.Cell.X, k.Cell.Y, k.Sector, d)
		} else {
			removed = append(removed, k.Cell.Z, k.Cell.X, k.Cell.Y, k.Sector, d)
		}
	}
	return writeCells(ctx, tx, added, removed)
}

// writeCells adds deltas to pyramid counters, five values each (z, x, y,
// sector, delta) in key order: removed, the negative ones, then added.
func writeCells(ctx context.Context, tx execer, added, removed []any) error {
	// A negative delta never creates a cell (the CHECK on n would refuse
	// the proposed row of an upsert): it updates the cell, and a cell that
	// reaches zero goes.
	err := inGroups(removed, 5*cellGroup, func(vals []any) error {
		list := placeholders(5, len(vals)/5)
		if _, err := tx.ExecContext(ctx, `UPDATE OR FAIL enterprise_cells SET n = enterprise_cells.n + d.delta
			FROM (SELECT column1 AS z, column2 AS x, column3 AS y, column4 AS sector, column5 AS delta FROM (VALUES `+list+`)) AS d
			WHERE enterprise_cells.z = d.z AND enterprise_cells.x = d.x AND enterprise_cells.y = d.y AND enterprise_cells.sector = d.sector`, vals...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM enterprise_cells WHERE n = 0 AND (z, x, y, sector) IN (
			SELECT column1, column2, column3, column4 FROM (VALUES `+list+`))`, vals...)
		return err
	})
	if err == nil {
		err = inGroups(added, 5*cellGroup, func(vals []any) error {
			_, err := tx.ExecContext(ctx, `INSERT OR FAIL INTO enterprise_cells (z, x, y, sector, n) VALUES `+placeholders(5, len(vals)/5)+`
				ON CONFLICT (z, x, y, sector) DO UPDATE SET n = n + excluded.n`, vals...)
			return err
		})
	}
	return sqlErr(err, "updating the count pyramid")
}

// applyJobs adds the deltas to the enterprises and jobs per unit, sector,
// method and synthetic flag (unit_counts) and drops the rows left without
// enterprises, in key order, many rows to a statement.
func applyJobs(ctx context.Context, tx execer, jobs profile.JobDeltas) error {
	var added, removed []any
	for _, k := range jobs.Keys() {
		d := jobs[k]
		row := []any{int(k.Level), k.Unit, k.Sector, k.Method, k.Synthetic, d.Enterprises, d.Self, d.Wage}
		if d.Enterprises > 0 {
			added = append(added, row...)
		} else {
			removed = append(removed, row...)
		}
	}
	// As in the pyramid, only a change that adds enterprises may create a
	// row; the others change rows that exist, and a row left without
	// enterprises goes.
	err := inGroups(removed, 8*cellGroup, func(vals []any) error {
		list := placeholders(8, len(vals)/8)
		if _, err := tx.ExecContext(ctx, `UPDATE OR FAIL unit_counts SET enterprises = unit_counts.enterprises + d.n,
				self = unit_counts.self + d.self, wage = unit_counts.wage + d.wage
			FROM (SELECT column1 AS level, column2 AS unit, column3 AS sector, column4 AS method, column5 AS synthetic,
				column6 AS n, column7 AS self, column8 AS wage FROM (VALUES `+list+`)) AS d
			WHERE unit_counts.level = d.level AND unit_counts.unit = d.unit AND unit_counts.sector = d.sector
				AND unit_counts.method = d.method AND unit_counts.synthetic = d.synthetic`, vals...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM unit_counts WHERE enterprises = 0 AND (level, unit, sector, method, synthetic) IN (
			SELECT column1, column2, column3, column4, column5 FROM (VALUES `+list+`))`, vals...)
		return err
	})
	if err == nil {
		err = inGroups(added, 8*cellGroup, func(vals []any) error {
			_, err := tx.ExecContext(ctx, `INSERT OR FAIL INTO unit_counts (level, unit, sector, method, synthetic, enterprises, self, wage)
				VALUES `+placeholders(8, len(vals)/8)+`
				ON CONFLICT (level, unit, sector, method, synthetic) DO UPDATE SET enterprises = enterprises + excluded.enterprises,
					self = self + excluded.self, wage = wage + excluded.wage`, vals...)
			return err
		})
	}
	return sqlErr(err, "updating the enterprises and jobs per unit")
}

// cellGroup is how many pyramid cells one statement of applyDeltas writes.
const cellGroup = 200

// placedPoint is an enterprise's map point for a change event, nil when it
// is not placed.
func placedPoint(e *guccho.Enterprise) *[2]float64 {
	if !e.Placed() {
		return nil
	}
	return &[2]float64{e.Point[0], e.Point[1]}
}

// pointOf returns an enterprise row's map point.
func pointOf(lon, lat sql.NullFloat64) (orb.Point, bool) {
	if !lon.Valid || !lat.Valid {
		return orb.Point{}, false
	}
	return orb.Point{lon.Float64, lat.Float64}, true
}

// stmtTx runs a transaction's statements prepared once each: an import
// runs the same few statements hundreds of thousands of times, and SQLite
// would otherwise parse each one every time.
type stmtTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newStmtTx(tx *sql.Tx) *stmtTx { return &stmtTx{tx: tx, stmts: map[string]*sql.Stmt{}} }

func (s *stmtTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmts[query] = st
	return st, nil
}

// ExecContext runs a prepared statement.
func (s *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs a prepared query.
func (s *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a prepared query for one row.
func (s *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return s.tx.QueryRowContext(ctx, query, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// close releases the prepared statements.
func (s *stmtTx) close() {
	for _, st := range s.stmts {
		st.Close()
	}
	clear(s.stmts)
}
