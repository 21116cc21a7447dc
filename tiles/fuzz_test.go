package tiles

import (
	"testing"

	"github.com/guccho/guccho"
)

// FuzzParseTile checks that any z/x/y path parameters either name a tile
// inside the zoom's grid or are refused with EINVALID.
func FuzzParseTile(f *testing.F) {
	f.Add("8", "190", "110")
	f.Add("24", "16777215", "0")
	f.Add("3", "9", "-1")
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tile, err := ParseTile(z, x, y)
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("ParseTile(%q, %q, %q): error %v has code %q", z, x, y, err, code)
			}
			return
		}
		if tile.Z > MaxTileZoom || uint64(tile.X) >= 1<<tile.Z || uint64(tile.Y) >= 1<<tile.Z {
			t.Fatalf("ParseTile(%q, %q, %q) = %v, outside the grid", z, x, y, tile)
		}
	})
}
