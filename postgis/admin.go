package postgis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// unitColumns are the columns scanned by scanUnit, geometry last and
// optional.
const unitColumns = `pcode, level, coalesce(parent, ''), name_en, name_en_current, name_bn, type, area_km2,
	ST_X(label), ST_Y(label), ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)`

func scanUnit(row pgx.Row, withGeom bool) (*geo.Unit, error) {
	u := &geo.Unit{}
	var level int16
	var blob []byte
	dst := []any{&u.PCode, &level, &u.Parent, &u.NameEN, &u.NameENCurrent, &u.NameBN, &u.Type, &u.AreaKM2,
		&u.Label[0], &u.Label[1], &u.Bound.Min[0], &u.Bound.Min[1], &u.Bound.Max[0], &u.Bound.Max[1]}
	if withGeom {
		dst = append(dst, &blob)
	}
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	u.Level = geo.Level(level)
	if u.Level == geo.Division {
		u.Parent = "BD"
	}
	if withGeom {
		g, err := wkb.Unmarshal(blob)
		if err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "unit %s: geometry", u.PCode)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return nil, guccho.Errorf(guccho.EINTERNAL, "unit %s: stored geometry is a %s", u.PCode, g.GeoJSONType())
		}
		u.Geometry = mp
	}
	return u, nil
}

// queryUnits runs a query selecting unitColumns (plus ST_AsBinary(geom) when
// withGeom) and attaches alternative names.
func (s *Store) queryUnits(ctx context.Context, withGeom bool, sql string, args ...any) ([]*geo.Unit, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbErr(err, "read admin units")
	}
	var units []*geo.Unit
	for rows.Next() {
		u, err := scanUnit(rows, withGeom)
		if err != nil {
			rows.Close()
			return nil, dbErr(err, "read admin units")
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read admin units")
	}
	return units, s.attachNames(ctx, units)
}

func (s *Store) attachNames(ctx context.Context, units []*geo.Unit) error {
	if len(units) == 0 {
		return nil
	}
	byCode := make(map[string]*geo.Unit, len(units))
	codes := make([]string, 0, len(units))
	for _, u := range units {
		byCode[u.PCode] = u
		codes = append(codes, u.PCode)
	}
	rows, err := s.pool.Query(ctx, `SELECT pcode, name, lang, source FROM guccho.admin_names
		WHERE pcode = ANY($1) ORDER BY pcode, ord`, codes)
	if err != nil {
		return dbErr(err, "read admin names")
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n geo.Name
		if err := rows.Scan(&code, &n.Text, &n.Lang, &n.Source); err != nil {
			return dbErr(err, "read admin names")
		}
		byCode[code].AltNames = append(byCode[code].AltNames, n)
	}
	return dbErr(rows.Err(), "read admin names")
}

// ReplaceBoundaries validates units and replaces the stored set in one
// transaction, loading the rows with COPY into a staging table. On any error
// the stored set is left as it was.
func (s *Store) ReplaceBoundaries(ctx context.Context, units []*geo.Unit) error {
	if err := geo.Validate(units); err != nil {
		return err
	}
	sorted := append([]*geo.Unit(nil), units...)
	geo.SortUnits(sorted)
	unitRows := make([][]any, 0, len(sorted))
	var nameRows [][]any
	for _, u := range sorted {
		id, err := geo.FeatureID(u.PCode)
		if err != nil {
			return err
		}
		var parent any
		if u.Level > geo.Division {
			parent = u.Parent
		}
		blob, err := wkb.Marshal(u.Geometry)
		if err != nil {
			return guccho.WrapError(err, guccho.EINVALID, "unit %s: geometry", u.PCode)
		}
		unitRows = append(unitRows, []any{int64(id), u.PCode, int16(u.Level), parent, u.NameEN, u.NameENCurrent,
			u.NameBN, u.Type, u.AreaKM2, u.Label[0], u.Label[1], blob})
		seen := map[string]bool{}
		for i, n := range u.AltNames {
			if seen[n.Text] {
				continue
			}
			seen[n.Text] = true
			nameRows = append(nameRows, []any{u.PCode, int32(i), n.Text, n.Lang, n.Source})
		}
	}
	version := strconv.FormatInt(time.Now().UnixNano(), 36)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE stage_units (
			id bigint, pcode text, level smallint, parent text, name_en text, name_en_current text, name_bn text,
			type text, area_km2 float8, label_lon float8, label_lat float8, geom bytea) ON COMMIT DROP`); err != nil {
			return dbErr(err, "create the staging table")
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_units"},
			[]string{"id", "pcode", "level", "parent", "name_en", "name_en_current", "name_bn", "type", "area_km2", "label_lon", "label_lat", "geom"},
			pgx.CopyFromRows(unitRows)); err != nil {
			return dbErr(err, "copy admin units")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM guccho.admin_units`); err != nil {
			return dbErr(err, "clear admin units")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO guccho.admin_units
			(id, pcode, level, parent, name_en, name_en_current, name_bn, type, area_km2, label, geom)
			SELECT id, pcode, level, parent, name_en, name_en_current, name_bn, type, area_km2,
				ST_SetSRID(ST_MakePoint(label_lon, label_lat), 4326), ST_Multi(ST_GeomFromWKB(geom, 4326))
			FROM stage_units ORDER BY level, pcode`); err != nil {
			return dbErr(err, "store admin units")
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"guccho", "admin_names"},
			[]string{"pcode", "ord", "name", "lang", "source"}, pgx.CopyFromRows(nameRows)); err != nil {
			return dbErr(err, "copy admin names")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO guccho.meta (key, value) VALUES ('boundaries_version', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, version); err != nil {
			return dbErr(err, "record the boundaries version")
		}
		if err := fillTileGeoms(ctx, tx, version); err != nil {
			return err
		}
		return appendEvents(ctx, tx, guccho.EventBoundariesReplaced, map[string]any{"version": version, "units": len(sorted)})
	})
	if err != nil {
		return err
	}
	s.version.Store(version)
	// Fresh statistics, so the planner picks the per-level indexes.
	if _, err := s.pool.Exec(ctx, `ANALYZE guccho.admin_units, guccho.admin_names, guccho.admin_tile_geoms`); err != nil {
		return dbErr(err, "analyze admin units")
	}
	return nil
}

// FindUnitByPCode returns one unit with its geometry, or ENOTFOUND.
func (s *Store) FindUnitByPCode(ctx context.Context, pcode string) (*geo.Unit, error) {
	if _, err := geo.PCodeLevel(pcode); err != nil {
		return nil, err
	}
	us, err := s.queryUnits(ctx, true, `SELECT `+unitColumns+`, ST_AsBinary(geom) FROM guccho.admin_units WHERE pcode = $1`, pcode)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no admin unit %s", pcode)
	}
	return us[0], nil
}

// FindUnits returns the units matching f, ordered by level then P-code.
// Geometry is read only when f.WithGeometry is set.
func (s *Store) FindUnits(ctx context.Context, f geo.UnitFilter) ([]*geo.Unit, error) {
	cols := unitColumns
	if f.WithGeometry {
		cols += `, ST_AsBinary(geom)`
	}
	var level *int16
	if f.Level != nil {
		l := int16(*f.Level)
		level = &l
	}
	var codes []string
	if f.PCodes != nil {
		codes = f.PCodes
		if len(codes) == 0 {
			return nil, nil
		}
	}
	return s.queryUnits(ctx, f.WithGeometry, `SELECT `+cols+` FROM guccho.admin_units
		WHERE ($1::smallint IS NULL OR level = $1)
		  AND ($2::text = '' OR parent = $2 OR ($2 = 'BD' AND level = 1))
		  AND ($3::text[] IS NULL OR pcode = ANY($3))
		ORDER BY level, pcode`, level, f.Parent, codes)
}

// CountUnits returns the number of stored units per level.
func (s *Store) CountUnits(ctx context.Context) (map[geo.Level]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT level, count(*) FROM guccho.admin_units GROUP BY level`)
	if err != nil {
		return nil, dbErr(err, "count admin units")
	}
	defer rows.Close()
	out := map[geo.Level]int{}
	for rows.Next() {
		var l int16
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, dbErr(err, "count admin units")
		}
		out[geo.Level(l)] = n
	}
	return out, dbErr(rows.Err(), "count admin units")
}

// locateSQL finds the union containing the point ($lon, $lat) with the
// border rule of geo.Locator: among the unions whose closed polygon holds
// the point, the one that also holds the point nudged a hair north-east
// (1e-9° east, 1e-12° north), else the smallest P-code.
const locateSQL = `SELECT a.pcode FROM guccho.admin_units a
	WHERE a.level = 4 AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(%[1]s, %[2]s), 4326))
	ORDER BY ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(%[1]s + 1e-9, %[2]s + 1e-12), 4326)) DESC, a.pcode
	LIMIT 1`

// Reverse returns the units containing pt at every level, or ENOTFOUND.
func (s *Store) Reverse(ctx context.Context, pt orb.Point) (geo.Place, error) {
	if err := geo.CheckLonLat(pt); err != nil {
		return geo.Place{}, err
	}
	units, err := s.queryUnits(ctx, false, `WITH u(hit) AS (`+fmt.Sprintf(locateSQL, "$1::float8", "$2::float8")+`)
		SELECT `+unitColumns+` FROM guccho.admin_units, u
		WHERE pcode IN (left(u.hit, 4), left(u.hit, 6), left(u.hit, 8), u.hit)
		ORDER BY level`, pt[0], pt[1])
	if err != nil {
		return geo.Place{}, err
	}
	if len(units) == 0 {
		return geo.Place{}, guccho.Errorf(guccho.ENOTFOUND, "no admin unit at lon %g, lat %g: the point is outside Bangladesh", pt[0], pt[1])
	}
	var p geo.Place
	for _, u := range units {
		switch u.Level {
		case geo.Division:
			p.Division = u
		case geo.District:
			p.District = u
		case geo.Upazila:
			p.Upazila = u
		case geo.Union:
			p.Union = u
		}
	}
	return p, nil
}

// LocateUnions locates many points in one statement. The points are joined
// to the unions (rather than each point looking up its union) so that
// PostGIS can prepare each polygon once for all the points in its box; ties
// on borders are broken as in locateSQL.
func (s *Store) LocateUnions(ctx context.Context, pts []orb.Point) ([]string, error) {
	lons := make([]float64, len(pts))
	lats := make([]float64, len(pts))
	for i, p := range pts {
		lons[i], lats[i] = p[0], p[1]
	}
	rows, err := s.pool.Query(ctx, `WITH p AS (
			SELECT i, lon, lat, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
			FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
		)
		SELECT DISTINCT ON (p.i) p.i, a.pcode
		FROM p JOIN guccho.admin_units a ON a.level = 4 AND ST_Intersects(a.geom, p.g)
		ORDER BY p.i, ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(p.lon + 1e-9, p.lat + 1e-12), 4326)) DESC, a.pcode`, lons, lats)
	if err != nil {
		return nil, dbErr(err, "locate points")
	}
	defer rows.Close()
	out := make([]string, len(pts))
	for rows.Next() {
		var i int64
		var code string
		if err := rows.Scan(&i, &code); err != nil {
			return nil, dbErr(err, "locate points")
		}
		out[i-1] = code
	}
	return out, dbErr(rows.Err(), "locate points")
}

// Search returns units whose names match q, best first, using geo.Gazetteer
// over the stored names (rebuilt when the boundary set changes).
func (s *Store) Search(ctx context.Context, q string, opt geo.SearchOptions) ([]geo.Match, error) {
	if strings.TrimSpace(q) == "" {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter q: empty search")
	}
	gaz, err := s.gazetteer(ctx)
	if err != nil {
		return nil, err
	}
	return gaz.Search(q, opt), nil
}

// gazetteer returns the name index of the stored boundary set, rebuilding
// it when the boundary version differs from the one it was built from.
func (s *Store) gazetteer(ctx context.Context) (*geo.Gazetteer, error) {
	// The version as last seen (this instance's writes at once, others'
	// within Options.VersionPoll): no round trip per search.
	v := s.BoundariesVersion()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gaz != nil && s.gazVer == v {
		return s.gaz, nil
	}
	units, err := s.queryUnits(ctx, false, `SELECT `+unitColumns+` FROM guccho.admin_units ORDER BY level, pcode`)
	if err != nil {
		return nil, err
	}
	s.gaz, s.gazVer = geo.NewGazetteer(units), v
	return s.gaz, nil
}
