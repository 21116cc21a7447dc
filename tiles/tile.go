package tiles

import (
	"strconv"

	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
)

// MaxTileZoom is the deepest zoom level ParseTile and Encode accept.
const MaxTileZoom = 24

// ParseTile parses the z, x and y path parameters of an XYZ tile request
// (y counting down from the north). z must lie in 0–MaxTileZoom and x and y
// in 0–2^z−1. Anything else returns a guccho EINVALID error whose message
// names the parameter, for example "tile x=9 out of range for z=3 (0–7)".
func ParseTile(z, x, y string) (maptile.Tile, error) {
	zz, err := parseCoord("z", z)
	if err != nil {
		return maptile.Tile{}, err
	}
	if zz < 0 || zz > MaxTileZoom {
		return maptile.Tile{}, guccho.Errorf(guccho.EINVALID, "tile z=%d out of range (0–%d)", zz, MaxTileZoom)
	}
	xx, err := parseCoord("x", x)
	if err != nil {
		return maptile.Tile{}, err
	}
	yy, err := parseCoord("y", y)
	if err != nil {
		return maptile.Tile{}, err
	}
	t := maptile.Tile{Z: maptile.Zoom(zz)}
	max := int64(1)<<zz - 1
	for _, c := range []struct {
		name string
		v    int64
		dst  *uint32
	}{{"x", xx, &t.X}, {"y", yy, &t.Y}} {
		if c.v < 0 || c.v > max {
			return maptile.Tile{}, guccho.Errorf(guccho.EINVALID, "tile %s=%d out of range for z=%d (0–%d)", c.name, c.v, zz, max)
		}
		*c.dst = uint32(c.v)
	}
	return t, nil
}

func parseCoord(name, s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, guccho.Errorf(guccho.EINVALID, "tile %s=%q is not a whole number", name, s)
	}
	return v, nil
}

// checkTile returns an EINVALID error when t lies outside the XYZ scheme.
func checkTile(t maptile.Tile) error {
	if t.Z > MaxTileZoom {
		return guccho.Errorf(guccho.EINVALID, "tile z=%d out of range (0–%d)", t.Z, MaxTileZoom)
	}
	max := uint32(1)<<t.Z - 1
	if t.X > max || t.Y > max {
		return guccho.Errorf(guccho.EINVALID, "tile %d/%d/%d out of range for z=%d (0–%d)", t.Z, t.X, t.Y, t.Z, max)
	}
	return nil
}
