package postgis

import (
	"context"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// Admin tiles come from guccho.admin_tile_geoms, which holds every unit once
// per zoom its layer serves, prepared for that zoom when the boundaries are
// stored: dropped when smaller than a quarter pixel, simplified to half a
// pixel (ST_Simplify), then quantised to whole tile units of the world at
// that zoom and made valid by ST_AsMVTGeom, unclipped. A tile request then
// only moves each unit into the tile's frame, and clips (ST_AsMVTGeom) just
// the units that reach beyond the tile and its buffer. Layer name, feature
// ids and properties are those of tiles.AdminFeatures, so both stores serve
// the same tiles.

// tileGeomsPrep names the way fillTileGeomsSQL prepares units; change it
// when that changes, and stores refill the table when they next open.
const tileGeomsPrep = "1"

// webMercatorHalf is half the width of the Web Mercator world, in metres.
const webMercatorHalf = math.Pi * 6378137

// fillTileGeomsSQL prepares every admin unit for each zoom of its layer:
// $1, $2, $3 are the layers' levels, minimum and maximum zooms; $4 the
// simplification tolerance and $5 the smallest area kept, in tile units
// (squared) of the zoom; $6 webMercatorHalf. The CTE is materialised so
// that ST_AsMVTGeom runs once per row, not again for the NOT NULL filter.
const fillTileGeomsSQL = `WITH prepared AS MATERIALIZED (
		SELECT a.level, z.zoom, a.id, a.pcode, coalesce(nullif(a.name_en_current, ''), a.name_en) AS name_en,
			a.name_en AS name_en_codab, a.name_bn, coalesce(a.parent, 'BD') AS parent,
			ST_SetSRID(ST_Affine(ST_AsMVTGeom(ST_Simplify(a.geom_3857, $4::float8 * u.unit, true),
				ST_MakeBox2D(ST_Point(-$6::float8, -$6::float8), ST_Point($6::float8, $6::float8)),
				u.width::int, 0, false), 1, 0, 0, -1, 0, u.width), 0) AS geom
		FROM guccho.admin_units a
		JOIN unnest($1::int[], $2::int[], $3::int[]) AS l(level, minzoom, maxzoom) ON l.level = a.level
		CROSS JOIN LATERAL generate_series(l.minzoom, l.maxzoom) AS z(zoom)
		CROSS JOIN LATERAL (SELECT 2 * $6::float8 / (4096 * 2 ^ z.zoom) AS unit, 4096 * 2 ^ z.zoom AS width) AS u
		WHERE ST_Area(a.geom_3857) >= $5::float8 * u.unit ^ 2
	)
	INSERT INTO guccho.admin_tile_geoms (level, zoom, id, pcode, name_en, name_en_codab, name_bn, parent, geom)
	SELECT level, zoom, id, pcode, name_en, name_en_codab, name_bn, parent, geom FROM prepared WHERE geom IS NOT NULL`

// fillTileGeoms replaces the rows of admin_tile_geoms with the units now in
// admin_units and records version (the boundaries' version) beside them.
func fillTileGeoms(ctx context.Context, tx pgx.Tx, version string) error {
	var levels, minZooms, maxZooms []int32
	for _, l := range tiles.AdminLayers {
		levels = append(levels, int32(adminLevels[l.Name]))
		minZooms = append(minZooms, int32(l.MinZoom))
		maxZooms = append(maxZooms, int32(l.MaxZoom))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM guccho.admin_tile_geoms`); err != nil {
		return dbErr(err, "clear the tile geometry")
	}
	if _, err := tx.Exec(ctx, fillTileGeomsSQL, levels, minZooms, maxZooms,
		8.0,  // half a 256-px pixel, as tiles.Options' default tolerance
		64.0, // a quarter pixel, as tiles.Options' default MinArea
		webMercatorHalf); err != nil {
		return dbErr(err, "prepare the tile geometry")
	}
	_, err := tx.Exec(ctx, `INSERT INTO guccho.meta (key, value) VALUES ('admin_tile_geoms', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, version+"/"+tileGeomsPrep)
	return dbErr(err, "record the tile geometry's version")
}

// ensureTileGeoms refills admin_tile_geoms when it does not hold the stored
// boundaries as tileGeomsPrep prepares them: in a database stored by an
// older Guccho, or one whose preparation has since changed. conn holds the
// migration lock, so instances starting together fill it once.
func ensureTileGeoms(ctx context.Context, conn interface {
	Begin(context.Context) (pgx.Tx, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}) error {
	var version, prepared string
	err := conn.QueryRow(ctx, `SELECT coalesce((SELECT value FROM guccho.meta WHERE key = 'boundaries_version'), ''),
		coalesce((SELECT value FROM guccho.meta WHERE key = 'admin_tile_geoms'), '')`).Scan(&version, &prepared)
	if err != nil {
		return dbErr(err, "read the tile geometry's version")
	}
	if version == "" || prepared == version+"/"+tileGeomsPrep {
		return nil
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error { return fillTileGeoms(ctx, tx, version) })
}

// tileSQL encodes one admin layer's tile with ST_AsMVT from the prepared
// rows of one level ($1) and zoom ($2): the tile is the box $3–$6 in that
// zoom's world tile units (y north), $7 its buffer in those units. A unit
// within the buffered tile is only scaled by $8 (for tiles deeper than the
// prepared zooms), flipped to y down and moved by ($9, $10) into the tile's
// frame; the others are clipped by ST_AsMVTGeom, which skips the units that
// do not reach into the tile (NULL; ST_AsMVT skips NULL geometry).
const tileSQL = `WITH b AS (
		SELECT ST_MakeBox2D(ST_Point($3::float8, $4::float8), ST_Point($5::float8, $6::float8)) AS tile,
			ST_MakeEnvelope($3::float8 - $7::float8, $4::float8 - $7::float8, $5::float8 + $7::float8, $6::float8 + $7::float8) AS buffered
	), f AS (
		SELECT t.id,
			CASE WHEN t.geom @ b.buffered THEN ST_Affine(t.geom, $8::float8, 0, 0, -$8::float8, $9::float8, $10::float8)
				ELSE ST_AsMVTGeom(t.geom, b.tile, 4096, 64, true) END AS geom,
			t.pcode, t.name_en, t.name_en_codab, t.name_bn, t.level::int AS level, t.parent
		FROM guccho.admin_tile_geoms t, b
		WHERE t.level = $1 AND t.zoom = $2 AND t.geom && b.buffered
	)
	SELECT ST_AsMVT(f, $11, 4096, 'geom', 'id') FROM f`

// adminLevels maps the admin layers to their levels.
var adminLevels = map[string]int16{"divisions": 1, "districts": 2, "upazilas": 3, "unions": 4}

// Tile returns the uncompressed MVT bytes of one admin layer's tile; nil
// when the tile holds no features or lies below the layer's minimum zoom.
// Above the layer's maximum zoom it serves that zoom's geometry, scaled.
func (s *Store) Tile(ctx context.Context, r tiles.Request) ([]byte, error) {
	if r.Layer == tiles.EnterpriseLayer.Name {
		return s.enterpriseTile(ctx, r)
	}
	args, err := tileArgs(r.Layer, r.Tile)
	if err != nil || args == nil {
		return nil, err
	}
	var mvt []byte
	if err := s.pool.QueryRow(ctx, tileSQL, args...).Scan(&mvt); err != nil {
		return nil, dbErr(err, "encode tile")
	}
	if len(mvt) == 0 {
		return nil, nil
	}
	return mvt, nil
}

// tileArgs returns the arguments of tileSQL for tile t of an admin layer;
// none when t lies below the layer's minimum zoom, ENOTFOUND for a layer
// that is not an admin layer.
func tileArgs(layer string, t maptile.Tile) ([]any, error) {
	level, ok := adminLevels[layer]
	if !ok {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no tile layer %q", layer)
	}
	var l tiles.Layer
	for _, al := range tiles.AdminLayers {
		if al.Name == layer {
			l = al
		}
	}
	if int(t.Z) < l.MinZoom {
		return nil, nil
	}
	k := min(int(t.Z), l.MaxZoom)             // the prepared zoom
	scale := math.Exp2(float64(int(t.Z) - k)) // tile units of zoom t.Z per unit of zoom k
	width := 4096 * math.Exp2(float64(k))     // the world, in tile units of zoom k
	span := 4096 / scale                      // the tile, in those units
	x0, y1 := float64(t.X)*span, width-float64(t.Y)*span
	return []any{level, k,
		x0, y1 - span, x0 + span, y1, 64 / scale,
		scale, -float64(t.X) * 4096, scale*width - float64(t.Y)*4096,
		layer}, nil
}
