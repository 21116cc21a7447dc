package embedded

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/tiles"
)

// A point tile the count pyramid already counts more than
// tiles.MaxPointsPerTile enterprises in is drawn from the pyramid without
// reading its points (at 12 million a dense z12 tile holds some hundred
// thousand). The pyramid here holds counts that no stored point backs, so
// only a tile drawn from the pyramid alone shows them.
func TestACrowdedTileIsDrawnFromThePyramidAlone(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tile := maptile.New(3050, 1750, 12)
	z, x0, y0, _, _ := tiles.CellRange(tile)
	for _, c := range []struct{ z, x, y uint32 }{{12, tile.X, tile.Y}, {uint32(z), x0, y0}} {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO enterprise_cells (z, x, y, sector, n) VALUES (?, ?, ?, 'dairy', ?)`,
			c.z, c.x, c.y, tiles.MaxPointsPerTile+1); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		sectors []string
		cells   bool
	}{
		{"every sector: crowded, cells", nil, true},
		{"dairy: crowded, cells", []string{"dairy"}, true},
		{"footwear: none counted, points (none)", []string{"footwear_leather"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := s.Tile(ctx, tiles.Request{Layer: tiles.EnterpriseLayer.Name, Tile: tile, Sectors: tc.sectors})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(b) > 0; got != tc.cells {
				t.Errorf("tile of %d bytes; want cells from the pyramid: %v", len(b), tc.cells)
			}
		})
	}
}
