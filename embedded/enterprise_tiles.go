package embedded

import (
	"context"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho/tiles"
)

// enterpriseTile encodes a tile of the enterprises layer: cells from the
// count pyramid below tiles.PointZoom, points from enterprise_points from
// there on, in feature id order
// (or cells again when a tile would hold more than tiles.MaxPointsPerTile:
// when the pyramid already counts more in the tile, its points are not
// read at all, so a dense tile costs as little as a sparse one).
func (s *Store) enterpriseTile(ctx context.Context, r tiles.Request) ([]byte, error) {
	sectorSQL, sectorArgs := sectorCondition("e.sector", r.Sectors)
	crowded := false
	if z := int(r.Tile.Z); z >= tiles.PointZoom && z <= tiles.MaxCellZoom {
		cellSQL, cellArgs := sectorCondition("sector", r.Sectors)
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM enterprise_cells WHERE z = ? AND x = ? AND y = ?`+cellSQL,
			append([]any{z, r.Tile.X, r.Tile.Y}, cellArgs...)...).Scan(&n)
		if err != nil {
			return nil, sqlErr(err, "reading the count pyramid")
		}
		crowded = n > tiles.MaxPointsPerTile
	}
	if int(r.Tile.Z) >= tiles.PointZoom && !crowded {
		inTile, args := pointsIn("e.", tiles.PointTileBound(r.Tile))
		args = append(append(args, sectorArgs...), tiles.MaxPointsPerTile+1)
		rows, err := s.db.QueryContext(ctx, `SELECT e.fid, e.id, e.lon, e.lat, e.sector, e.method, e.display_point, e.synthetic
			FROM enterprises e WHERE `+inTile+sectorSQL+` ORDER BY e.fid LIMIT ?`, args...)
		if err != nil {
			return nil, sqlErr(err, "reading enterprise points")
		}
		defer rows.Close()
		var pts []tiles.PointFeature
		for rows.Next() {
			var p tiles.PointFeature
			if err := rows.Scan(&p.FeatureID, &p.ID, &p.Point[0], &p.Point[1], &p.Sector, &p.Method, &p.Display, &p.Synthetic); err != nil {
				return nil, sqlErr(err, "reading enterprise points")
			}
			pts = append(pts, p)
		}
		if err := rows.Err(); err != nil {
			return nil, sqlErr(err, "reading enterprise points")
		}
		if len(pts) <= tiles.MaxPointsPerTile {
			return tiles.EncodePoints(r.Tile, pts)
		}
	}
	z, x0, y0, x1, y1 := tiles.CellRange(r.Tile)
	sectorSQL, sectorArgs = sectorCondition("sector", r.Sectors)
	args := append([]any{z, x0, x1, y0, y1}, sectorArgs...)
	rows, err := s.db.QueryContext(ctx, `SELECT x, y, sector, n FROM enterprise_cells
		WHERE z = ? AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?`+sectorSQL+` ORDER BY x, y`, args...)
	if err != nil {
		return nil, sqlErr(err, "reading the count pyramid")
	}
	defer rows.Close()
	var cells []tiles.Cell
	for rows.Next() {
		var k tiles.CellKey
		var sector string
		var n int
		if err := rows.Scan(&k.X, &k.Y, &sector, &n); err != nil {
			return nil, sqlErr(err, "reading the count pyramid")
		}
		k.Z = z
		if len(cells) == 0 || cells[len(cells)-1].Key != k {
			cells = append(cells, tiles.Cell{Key: k, Counts: map[string]int{}})
		}
		cells[len(cells)-1].Counts[sector] += n
	}
	if err := rows.Err(); err != nil {
		return nil, sqlErr(err, "reading the count pyramid")
	}
	return tiles.EncodeCells(r.Tile, cells)
}

// pointsIn is a condition on enterprises (columns named with prefix) that
// holds for those whose point is indexed in enterprise_points and lies in
// b (edges included): the entries in b's key ranges (tiles.BoundKeys),
// kept when the row's point is in b.
func pointsIn(prefix string, b orb.Bound) (string, []any) {
	ranges := tiles.BoundKeys(b)
	args := make([]any, 0, 2*len(ranges)+4)
	for _, r := range ranges {
		args = append(args, r.Lo, r.Hi)
	}
	args = append(args, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	return prefix + `fid IN (SELECT p.fid FROM (VALUES ` + placeholders(2, len(ranges)) + `) AS r
		CROSS JOIN enterprise_points AS p WHERE p.key BETWEEN r.column1 AND r.column2)
		AND ` + prefix + `lon BETWEEN ? AND ? AND ` + prefix + `lat BETWEEN ? AND ?`, args
}

// sectorCondition is " AND col IN (?, …)" for a non-empty sector filter.
func sectorCondition(col string, sectors []string) (string, []any) {
	if len(sectors) == 0 {
		return "", nil
	}
	args := make([]any, len(sectors))
	for i, s := range sectors {
		args[i] = s
	}
	return " AND " + col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(sectors)), ",") + ")", args
}
