package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// TileJSON is a TileJSON 3.0.0 document describing one vector tile layer.
// It marshals to JSON as the specification spells it.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"` // always "3.0.0"
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"` // always "xyz"
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"` // west, south, east, north in degrees
	Center       [3]float64    `json:"center"` // longitude, latitude, zoom
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer is one entry of TileJSON vector_layers.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// NewTileJSON describes layer served at tileURL, a URL template with {z},
// {x} and {y} (for example "https://host/tiles/unions/{z}/{x}/{y}.mvt").
// bounds is the EPSG:4326 extent of the data; an empty (zero) bound means
// the whole Web Mercator world. The centre is the middle of bounds at the
// deepest zoom that still shows all of it in one 256-pixel tile, kept
// within the layer's zoom range. Coordinates are rounded to 6 decimals.
func NewTileJSON(layer Layer, tileURL string, bounds orb.Bound) TileJSON {
	if bounds == (orb.Bound{}) {
		bounds = orb.Bound{Min: orb.Point{-180, -maxLat}, Max: orb.Point{180, maxLat}}
	}
	fields := layer.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	return TileJSON{
		TileJSON:    "3.0.0",
		Name:        layer.Name,
		Description: layer.Description,
		Attribution: layer.Attribution,
		Scheme:      "xyz",
		Tiles:       []string{tileURL},
		MinZoom:     layer.MinZoom,
		MaxZoom:     layer.MaxZoom,
		Bounds:      [4]float64{round6(bounds.Min[0]), round6(bounds.Min[1]), round6(bounds.Max[0]), round6(bounds.Max[1])},
		Center:      center(bounds, layer.MinZoom, layer.MaxZoom),
		VectorLayers: []VectorLayer{{
			ID:          layer.Name,
			Description: layer.Description,
			MinZoom:     layer.MinZoom,
			MaxZoom:     layer.MaxZoom,
			Fields:      fields,
		}},
	}
}

func center(b orb.Bound, minZoom, maxZoom int) [3]float64 {
	lo, hi := toWorld(orb.Point{b.Min[0], b.Max[1]}), toWorld(orb.Point{b.Max[0], b.Min[1]})
	span := max(hi[0]-lo[0], hi[1]-lo[1])
	z := maxZoom
	if span > 0 {
		z = int(math.Floor(-math.Log2(span)))
	}
	z = max(minZoom, min(z, maxZoom))
	c := toLonLat(orb.Point{(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2})
	return [3]float64{round6(c[0]), round6(c[1]), float64(z)}
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
