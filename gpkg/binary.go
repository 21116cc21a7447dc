package gpkg

import (
	"encoding/binary"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/guccho/guccho"
)

// Flags of the GeoPackageBinary header (OGC 12-128r18, 2.1.3.1.1).
const (
	flagLittleEndian = 1 << 0
	envelopeXY       = 1 << 1 // envelope indicator 1: [minx, maxx, miny, maxy]
	flagEmpty        = 1 << 4
)

// EncodeGeometry returns g as GeoPackageBinary: the header — magic "GP",
// version 0, a flags byte, the SRS id and, for every geometry but a point,
// the envelope [minx, maxx, miny, maxy] — followed by standard WKB, all
// little endian. A point carries no envelope (it would only repeat the
// point). An empty geometry (a polygon without rings, an empty collection)
// sets the empty flag and carries no envelope. An orb.Ring is written as a
// polygon of one ring and an orb.Bound as its rectangle. nil is an error:
// a missing geometry is NULL, not a blob.
func EncodeGeometry(g orb.Geometry, srsID int32) ([]byte, error) {
	switch v := g.(type) {
	case nil:
		return nil, guccho.Errorf(guccho.EINVALID, "no geometry to encode")
	case orb.Ring:
		g = orb.Polygon{v}
	case orb.Bound:
		g = v.ToPolygon()
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINVALID, "encoding a %s as WKB", g.GeoJSONType())
	}
	flags := byte(flagLittleEndian)
	var env []float64
	switch {
	case empty(g):
		flags |= flagEmpty
	case g.GeoJSONType() != "Point":
		b := g.Bound()
		flags |= envelopeXY
		env = []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]}
	}
	out := make([]byte, 8, 8+8*len(env)+len(body))
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	for _, v := range env {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	return append(out, body...), nil
}

// empty reports whether g has no points at all.
func empty(g orb.Geometry) bool {
	switch v := g.(type) {
	case orb.Point:
		return false
	case orb.MultiPoint:
		return len(v) == 0
	case orb.LineString:
		return len(v) == 0
	case orb.MultiLineString:
		for _, l := range v {
			if len(l) > 0 {
				return false
			}
		}
		return true
	case orb.Polygon:
		return len(v) == 0 || len(v[0]) == 0
	case orb.MultiPolygon:
		for _, p := range v {
			if !empty(p) {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, c := range v {
			if !empty(c) {
				return false
			}
		}
		return true
	}
	return false
}
