package postgis

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/tiles"
)

// perRequestTileSQL is how admin tiles were made before admin_tile_geoms:
// every unit simplified, quantised and clipped on every request. The
// prepared tiles must match it.
const perRequestTileSQL = `WITH env AS (
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

func perRequestTile(t *testing.T, s *Store, layer string, tile maptile.Tile) []byte {
	t.Helper()
	z := min(int(tile.Z), 12) // tolerance and smallest area of the deepest prepared zoom
	unit := 2 * webMercatorHalf / (4096 * math.Exp2(float64(z)))
	var raw []byte
	err := s.pool.QueryRow(context.Background(), perRequestTileSQL, int(tile.Z), int(tile.X), int(tile.Y),
		64.0/4096, 8*unit, adminLevels[layer], 64*unit*unit, layer).Scan(&raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestPreparedTilesMatchPerRequestSQL compares the tiles made from
// admin_tile_geoms with tiles made by simplifying and clipping every unit
// on request, over the shared boundaries: for tiles holding union label
// points at every zoom of every admin layer, and two zooms deeper than the
// layers' maximum (where the prepared tiles scale the deepest prepared zoom),
// the same features with the same properties and geometry within the
// tolerances of storetest.Compare.
func TestPreparedTilesMatchPerRequestSQL(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	units := bdtest.Units(t)
	if err := s.ReplaceBoundaries(ctx, units); err != nil {
		t.Fatal(err)
	}
	same, features := 0, 0
	for _, l := range tiles.AdminLayers {
		for z := l.MinZoom; z <= l.MaxZoom+2; z++ {
			seen := map[maptile.Tile]bool{}
			for i, u := range units {
				tile := maptile.At(u.Label, maptile.Zoom(z))
				if u.Level != geo.Union || i%97 != 0 || seen[tile] {
					continue
				}
				seen[tile] = true
				got, err := s.Tile(ctx, tiles.Request{Layer: l.Name, Tile: tile})
				if err != nil {
					t.Fatal(err)
				}
				want := perRequestTile(t, s, l.Name, tile)
				same += storetest.CompareTiles(t, fmt.Sprintf("%s %v", l.Name, tile), got, want)
				if layers, err := mvt.Unmarshal(want); err == nil && len(layers) > 0 {
					features += len(layers[0].Features)
				}
			}
		}
	}
	t.Logf("%d features, %d of them with the same geometry, vertex for vertex", features, same)
}

// TestOpenPreparesTileGeoms opens a database whose boundaries were stored
// without prepared tile geometry, as by an older Guccho: Open prepares it,
// so its tiles are not empty.
func TestOpenPreparesTileGeoms(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceBoundaries(ctx, bdtest.Units(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM guccho.admin_tile_geoms; DELETE FROM guccho.meta WHERE key = 'admin_tile_geoms'`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tile := maptile.At(orb.Point{90.41, 23.81}, 6)
	raw, err := s.Tile(ctx, tiles.Request{Layer: "divisions", Tile: tile})
	if err != nil || len(raw) == 0 {
		t.Fatalf("Tile(divisions %v) after reopening = %d bytes, %v; want the Dhaka division", tile, len(raw), err)
	}
}
