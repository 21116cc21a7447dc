package tiles

import (
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
)

func TestParseTile(t *testing.T) {
	valid := []struct {
		name    string
		z, x, y string
		want    maptile.Tile
	}{
		{"world", "0", "0", "0", maptile.New(0, 0, 0)},
		{"last tile of z3", "3", "7", "7", maptile.New(7, 7, 3)},
		{"Dhaka at z12", "12", "3076", "1768", maptile.New(3076, 1768, 12)},
		{"deepest zoom", "24", "16777215", "0", maptile.New(16777215, 0, 24)},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTile(tc.z, tc.x, tc.y)
			if err != nil {
				t.Fatalf("ParseTile(%q, %q, %q): %v", tc.z, tc.x, tc.y, err)
			}
			if got != tc.want {
				t.Errorf("ParseTile(%q, %q, %q) = %v, want %v", tc.z, tc.x, tc.y, got, tc.want)
			}
		})
	}

	invalid := []struct {
		name    string
		z, x, y string
		msg     string
	}{
		{"x beyond z3", "3", "9", "0", "tile x=9 out of range for z=3 (0–7)"},
		{"y beyond z3", "3", "0", "8", "tile y=8 out of range for z=3 (0–7)"},
		{"negative x", "3", "-1", "0", "tile x=-1 out of range for z=3 (0–7)"},
		{"only 0 at z0", "0", "0", "1", "tile y=1 out of range for z=0 (0–0)"},
		{"z too deep", "25", "0", "0", "tile z=25 out of range (0–24)"},
		{"negative z", "-1", "0", "0", "tile z=-1 out of range (0–24)"},
		{"z not a number", "abc", "0", "0", `tile z="abc" is not a whole number`},
		{"x with extension", "3", "1.mvt", "0", `tile x="1.mvt" is not a whole number`},
		{"empty y", "3", "1", "", `tile y="" is not a whole number`},
		{"huge x", "3", "99999999999999999999", "0", `tile x="99999999999999999999" is not a whole number`},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTile(tc.z, tc.x, tc.y)
			if got := guccho.ErrorCode(err); got != guccho.EINVALID {
				t.Fatalf("ParseTile(%q, %q, %q) error code = %q, want %q (err %v)", tc.z, tc.x, tc.y, got, guccho.EINVALID, err)
			}
			if got := guccho.ErrorMessage(err); got != tc.msg {
				t.Errorf("ParseTile(%q, %q, %q) message = %q, want %q", tc.z, tc.x, tc.y, got, tc.msg)
			}
		})
	}
}
