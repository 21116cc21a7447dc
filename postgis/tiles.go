package postgis

import (
	"context"
	"math"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// tileSQL encodes one admin layer's tile with ST_AsMVT: units of one level
// whose Web Mercator bounding box meets the tile plus its buffer, dropped
// when smaller than a quarter pixel, simplified to half a pixel, then clipped
// and quantised by ST_AsMVTGeom. Layer name, feature ids and properties are
// those of tiles.AdminFeatures, so both stores serve the same tiles.
//
// ST_AsMVTGeom returns NULL for a unit that vanishes in the tile, and
// ST_AsMVT skips rows with a NULL geometry. So there is no "WHERE geom IS
// NOT NULL": PostgreSQL would inline f and run ST_AsMVTGeom, the costliest
// step, twice per row, once in that filter and once for the aggregate.
const tileSQL = `WITH env AS (
		SELECT ST_TileEnvelope($1, $2, $3) AS tile, ST_TileEnvelope($1, $2, $3, margin => $4::float8) AS buffered
	), f AS (
		SELECT a.id,
			ST_AsMVTGeom(ST_Simplify(a.geom_3857, $5::float8, true), env.tile, 4096, 64, true) AS geom,
			a.pcode, coalesce(nullif(a.name_en_current, ''), a.name_en) AS name_en, a.name_en AS name_en_codab,
			a.name_bn, a.level::int AS level, coalesce(a.parent, 'BD') AS parent
		FROM guccho.admin_units a, env
		WHERE a.level = $6 AND a.geom_3857 && env.buffered AND ST_Area(a.geom_3857) >= $7::float8
	)
	SELECT ST_AsMVT(f, $8, 4096, 'geom', 'id') FROM f`

// adminLevels maps the admin layers to their levels.
var adminLevels = map[string]int16{"divisions": 1, "districts": 2, "upazilas": 3, "unions": 4}

// Tile returns the uncompressed MVT bytes of one admin layer's tile; nil
// when the tile holds no features or lies below the layer's minimum zoom.
func (s *Store) Tile(ctx context.Context, r tiles.Request) ([]byte, error) {
	if r.Layer == tiles.EnterpriseLayer.Name {
		return s.enterpriseTile(ctx, r)
	}
	layer, t := r.Layer, r.Tile
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
	// One tile unit at this zoom, in metres: the world's width / (4096 · 2^z).
	unit := 2 * math.Pi * 6378137 / (4096 * math.Exp2(float64(t.Z)))
	var mvt []byte
	err := s.pool.QueryRow(ctx, tileSQL, int(t.Z), int(t.X), int(t.Y),
		64.0/4096, // buffer as a fraction of the tile
		8*unit,    // simplification tolerance: half a 256-px pixel
		level,
		64*unit*unit, // minimum area: a quarter pixel
		layer).Scan(&mvt)
	if err != nil {
		return nil, dbErr(err, "encode tile")
	}
	if len(mvt) == 0 {
		return nil, nil
	}
	return mvt, nil
}
