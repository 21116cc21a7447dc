package postgis

import (
	"context"

	"github.com/guccho/guccho/tiles"
)

// enterpriseTile encodes a tile of the enterprises layer like the embedded
// store does (same encoder, same rules): cells of the count pyramid below
// tiles.PointZoom, points from the lon/lat GiST index (the tile's
// buffered envelope transformed to lon/lat) from there on, cells again
// when a tile would hold more than tiles.MaxPointsPerTile (without reading
// its points when the pyramid already counts more in the tile). The rows
// an import still running created are left out until it is indexed, as
// the pyramid does not count them yet; the rows it updated show as they
// are stored.
func (s *Store) enterpriseTile(ctx context.Context, r tiles.Request) ([]byte, error) {
	var sectors []string
	if len(r.Sectors) > 0 {
		sectors = r.Sectors
	}
	crowded := false
	if z := int(r.Tile.Z); z >= tiles.PointZoom && z <= tiles.MaxCellZoom {
		var n int64
		err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM guccho.enterprise_cells
			WHERE z = $1 AND x = $2 AND y = $3 AND ($4::text[] IS NULL OR sector = ANY($4))`,
			int16(z), int32(r.Tile.X), int32(r.Tile.Y), sectors).Scan(&n)
		if err != nil {
			return nil, dbErr(err, "read the count pyramid")
		}
		crowded = n > tiles.MaxPointsPerTile
	}
	if int(r.Tile.Z) >= tiles.PointZoom && !crowded {
		rows, err := s.pool.Query(ctx, `SELECT fid, id, ST_X(geom), ST_Y(geom), sector, method, display_point, synthetic
			FROM guccho.enterprises e
			WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4::float8), 4326)
			  AND ($5::text[] IS NULL OR sector = ANY($5))
			  AND NOT (import_id IN (SELECT id FROM guccho.imports WHERE status = 'running' AND pyramid <> 'indexed')
			      AND NOT EXISTS (SELECT 1 FROM guccho.import_undo u WHERE u.import_id = e.import_id AND u.fid = e.fid))
			ORDER BY fid LIMIT $6`,
			int(r.Tile.Z), int(r.Tile.X), int(r.Tile.Y), float64(tiles.PointBuffer)/4096, sectors, tiles.MaxPointsPerTile+1)
		if err != nil {
			return nil, dbErr(err, "read enterprise points")
		}
		var pts []tiles.PointFeature
		for rows.Next() {
			var p tiles.PointFeature
			if err := rows.Scan(&p.FeatureID, &p.ID, &p.Point[0], &p.Point[1], &p.Sector, &p.Method, &p.Display, &p.Synthetic); err != nil {
				rows.Close()
				return nil, dbErr(err, "read enterprise points")
			}
			pts = append(pts, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, dbErr(err, "read enterprise points")
		}
		if len(pts) <= tiles.MaxPointsPerTile {
			return tiles.EncodePoints(r.Tile, pts)
		}
	}
	z, x0, y0, x1, y1 := tiles.CellRange(r.Tile)
	rows, err := s.pool.Query(ctx, `SELECT x, y, sector, n FROM guccho.enterprise_cells
		WHERE z = $1 AND x BETWEEN $2 AND $3 AND y BETWEEN $4 AND $5 AND ($6::text[] IS NULL OR sector = ANY($6))
		ORDER BY x, y`, int16(z), int32(x0), int32(x1), int32(y0), int32(y1), sectors)
	if err != nil {
		return nil, dbErr(err, "read the count pyramid")
	}
	defer rows.Close()
	var cells []tiles.Cell
	for rows.Next() {
		var k tiles.CellKey
		var x, y int32
		var sector string
		var n int
		if err := rows.Scan(&x, &y, &sector, &n); err != nil {
			return nil, dbErr(err, "read the count pyramid")
		}
		k.Z, k.X, k.Y = z, uint32(x), uint32(y)
		if len(cells) == 0 || cells[len(cells)-1].Key != k {
			cells = append(cells, tiles.Cell{Key: k, Counts: map[string]int{}})
		}
		cells[len(cells)-1].Counts[sector] += n
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read the count pyramid")
	}
	return tiles.EncodeCells(r.Tile, cells)
}
