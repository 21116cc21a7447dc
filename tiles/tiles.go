// Package tiles turns features into Mapbox Vector Tiles (MVT, version 2):
// tile math and validation, the layer catalogue, TileJSON documents, an
// encoder with clipping and per-zoom simplification, and a cache of encoded
// tiles.
//
// Tiles use the Web Mercator (EPSG:3857) XYZ scheme with y counting down from
// the north; features come in EPSG:4326 longitude/latitude.
package tiles

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb/maptile"
)

// Layer describes one tile layer served at /tiles/{Name}/{z}/{x}/{y}.mvt.
// The MVT layer inside each tile carries the same name.
type Layer struct {
	Name        string
	Description string
	MinZoom     int               // below this the layer's tiles are empty
	MaxZoom     int               // above this clients overzoom
	Fields      map[string]string // property name → type and meaning, for TileJSON vector_layers
	Attribution string            // credit line for the data, shown by the map (TileJSON attribution)
}

// Request names one tile of one layer, with the filters a client asked for.
type Request struct {
	Layer string
	Tile  maptile.Tile
	// Sectors keeps only features of these sector codes (layers of
	// enterprises); empty keeps all. Admin layers ignore it.
	Sectors []string
}

// Filter returns the request's filters as a canonical string ("" for none,
// each sector once, sorted), for cache keys.
func (r Request) Filter() string {
	if len(r.Sectors) == 0 {
		return ""
	}
	s := append([]string(nil), r.Sectors...)
	sort.Strings(s)
	return "sector=" + strings.Join(slices.Compact(s), ",")
}

// Source produces the MVT bytes (uncompressed) of one layer's tile. A tile
// with no features is returned as nil bytes and no error. An unknown layer
// returns a guccho ENOTFOUND error.
type Source interface {
	Tile(ctx context.Context, r Request) ([]byte, error)
}

// adminFields are the properties of every admin-layer feature.
var adminFields = map[string]string{
	"pcode":         "String: COD-AB P-code",
	"name_en":       "String: English name (current official spelling)",
	"name_en_codab": "String: English name as spelled in COD-AB 2020",
	"name_bn":       "String: Bangla name (may be empty)",
	"level":         "Number: 1 division, 2 district, 3 upazila, 4 union",
	"parent":        "String: P-code of the parent unit",
}

// AdminAttribution credits the source of the administrative boundaries, as
// their CC BY 3.0 IGO licence requires.
const AdminAttribution = "Administrative boundaries: BBS and OCHA ROAP, COD-AB (CC BY 3.0 IGO)"

// AdminLayers is the catalogue of the administrative boundary layers, in
// level order. Feature ids are geo.FeatureID of the P-code.
//
// Each MinZoom is the first zoom at which nearly every unit of the layer is
// at least a quarter pixel big and so survives the encoder's sub-pixel drop
// (with the default Options, over the shared COD-AB data): divisions 5 of 8
// at z0 and all from z1, districts 62 of 64 at z2, upazilas 505 of 544 at z5,
// unions 5,065 of 5,160 at z7. Below that a layer would show a patchy subset
// of its units, so it starts empty instead; the layer above stands in.
// Size is not the reason: no admin tile exceeds 300 KB at any zoom.
var AdminLayers = []Layer{
	{Name: "divisions", Description: "Divisions (adm1)", MinZoom: 0, MaxZoom: 12, Fields: adminFields, Attribution: AdminAttribution},
	{Name: "districts", Description: "Districts / zilas (adm2)", MinZoom: 2, MaxZoom: 12, Fields: adminFields, Attribution: AdminAttribution},
	{Name: "upazilas", Description: "Upazilas and metropolitan thanas (adm3)", MinZoom: 5, MaxZoom: 12, Fields: adminFields, Attribution: AdminAttribution},
	{Name: "unions", Description: "Unions, paurashavas and city-corporation wards (adm4)", MinZoom: 7, MaxZoom: 12, Fields: adminFields, Attribution: AdminAttribution},
}
