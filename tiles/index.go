package tiles

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"github.com/guccho/guccho"
)

// Feature is one feature to put into tiles.
type Feature struct {
	ID         uint64         // stable id, written as the MVT feature id (for feature-state)
	Geometry   orb.Geometry   // EPSG:4326 lon/lat; points, lines, polygons or their multi forms
	Properties map[string]any // string, bool, integer and float values; others are written as JSON text
}

// Options tune the encoder. The zero value selects the defaults; a negative
// Buffer, Tolerance or MinArea turns that step off.
type Options struct {
	// Extent is the size of a tile in tile units; 0 means 4096.
	Extent uint32
	// Buffer is how far, in tile units, geometry reaches beyond the tile
	// edge so that strokes join across tiles; 0 means 64.
	Buffer float64
	// Tolerance is the Douglas–Peucker tolerance in tile units at every
	// zoom; 0 means 8, half a pixel of a 256-pixel tile at extent 4096.
	Tolerance float64
	// MinArea drops polygons (and holes) whose area after simplification is
	// smaller than this many square tile units; 0 means 64, a quarter of a
	// pixel when a 4096-unit tile is drawn 256 pixels wide.
	MinArea float64
}

const (
	defaultExtent    = mvt.DefaultExtent
	defaultBuffer    = 64
	defaultTolerance = 8
	defaultMinArea   = 64
)

func (o Options) withDefaults() Options {
	if o.Extent == 0 {
		o.Extent = defaultExtent
	}
	def := func(v *float64, d float64) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0
		}
	}
	def(&o.Buffer, defaultBuffer)
	def(&o.Tolerance, defaultTolerance)
	def(&o.MinArea, defaultMinArea)
	return o
}

// Index holds the features of one layer, projected and indexed, and
// encodes its tiles. Geometry is simplified once per zoom level when the
// index is built, so that no tile request pays for it. An Index is
// immutable once built and safe for concurrent use.
type Index struct {
	layer    Layer
	opt      Options
	features []indexed
	dict     *propDict // every feature's property keys and values, encoded
	grid     grid
	bound    orb.Bound // lon/lat bound of all features
	// bands[z] holds every feature's geometry simplified for zoom z, nil
	// where a feature vanishes at z; bands below layer.MinZoom are nil.
	bands [][]orb.Geometry
}

type indexed struct {
	id    uint64
	tags  []uint32     // properties as pairs of ids in Index.dict
	world orb.Geometry // in world coordinates
	bound orb.Bound    // of world
}

// NewIndex projects and indexes features for layer, simplifies them for
// every zoom from the layer's MinZoom to its MaxZoom, using all CPUs, and
// encodes their properties. Neither the features' geometries nor their
// properties are kept, so the caller may reuse features afterwards. It
// returns an EINVALID error for a layer without a name, zooms outside
// 0–MaxTileZoom or MinZoom > MaxZoom, and for a feature whose geometry is
// nil, empty or of a type MVT cannot hold (collections) or that has a
// property value MVT cannot hold.
func NewIndex(layer Layer, features []Feature, opt Options) (*Index, error) {
	switch {
	case layer.Name == "":
		return nil, guccho.Errorf(guccho.EINVALID, "tile layer has no name")
	case layer.MinZoom < 0 || layer.MaxZoom > MaxTileZoom || layer.MinZoom > layer.MaxZoom:
		return nil, guccho.Errorf(guccho.EINVALID, "tile layer %q: zoom range %d–%d is not within 0–%d", layer.Name, layer.MinZoom, layer.MaxZoom, MaxTileZoom)
	}
	ix := &Index{
		layer:    layer,
		opt:      opt.withDefaults(),
		features: make([]indexed, 0, len(features)),
		dict:     newPropDict(),
		bands:    make([][]orb.Geometry, layer.MaxZoom+1),
	}
	for _, f := range features {
		w := transform(f.Geometry, toWorld)
		if w == nil || isEmpty(w) {
			return nil, guccho.Errorf(guccho.EINVALID, "tile layer %q: feature %d has no usable geometry (%T)", layer.Name, f.ID, f.Geometry)
		}
		tags, err := ix.dict.add(f.Properties)
		if err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "tile layer %q: feature %d: %v", layer.Name, f.ID, err)
		}
		ix.features = append(ix.features, indexed{id: f.ID, tags: tags, world: w, bound: w.Bound()})
		if len(ix.features) == 1 {
			ix.bound = f.Geometry.Bound()
		} else {
			ix.bound = ix.bound.Union(f.Geometry.Bound())
		}
	}
	ix.dict.done()
	ix.grid = newGrid(ix.features)
	ix.simplify()
	return ix, nil
}

func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		return len(g) == 0
	case orb.Polygon:
		return len(g) == 0 || len(g[0]) == 0
	case orb.MultiPolygon:
		return len(g) == 0
	}
	return false
}

// Layer returns the layer the index was built for.
func (ix *Index) Layer() Layer { return ix.layer }

// Len returns the number of features in the index.
func (ix *Index) Len() int { return len(ix.features) }

// Bound returns the EPSG:4326 bounding box of all features; the zero Bound
// when the index is empty.
func (ix *Index) Bound() orb.Bound { return ix.bound }

// Encode returns tile t of the layer as uncompressed MVT version 2 bytes:
// one layer named Layer().Name, every feature that reaches into the tile
// clipped to it plus the buffer, simplified for t's zoom, with its ID and
// properties. It returns nil bytes and no error when no feature falls in the
// tile and when t.Z is below the layer's MinZoom; above MaxZoom it encodes
// MaxZoom's geometry, so overzooming clients and deep requests agree. A tile
// outside the XYZ scheme returns EINVALID. Safe for concurrent use.
func (ix *Index) Encode(t maptile.Tile) ([]byte, error) {
	if err := checkTile(t); err != nil {
		return nil, err
	}
	if int(t.Z) < ix.layer.MinZoom || len(ix.features) == 0 {
		return nil, nil
	}
	geoms := ix.bands[min(int(t.Z), ix.layer.MaxZoom)]

	ext := float64(ix.opt.Extent)
	n := math.Exp2(float64(t.Z))
	tx, ty := float64(t.X), float64(t.Y)
	buf := ix.opt.Buffer
	tileBox := orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{ext + buf, ext + buf}}
	margin := buf / ext / n
	query := orb.Bound{
		Min: orb.Point{tx/n - margin, ty/n - margin},
		Max: orb.Point{(tx+1)/n + margin, (ty+1)/n + margin},
	}
	toTile := func(p orb.Point) orb.Point {
		return orb.Point{(p[0]*n - tx) * ext, (p[1]*n - ty) * ext}
	}

	w := getWriter(ix.dict)
	defer w.release()
	for _, i := range ix.grid.query(query) {
		f := &ix.features[i]
		g := geoms[i]
		if g == nil || !query.Intersects(f.bound) {
			continue
		}
		w.beginGeometry()
		typ := uint64(geomPolygon)
		switch g := g.(type) {
		case orb.Polygon:
			w.polygon(g, toTile, tileBox)
		case orb.MultiPolygon:
			for _, p := range g {
				w.polygon(p, toTile, tileBox)
			}
		default: // points and lines
			g = transform(g, toTile)
			if !inside(f.bound, query) {
				if g = clip.Geometry(tileBox, g); g == nil {
					continue
				}
			}
			if g = quantize(g); g == nil {
				continue
			}
			typ = w.geometry(g)
		}
		if len(w.cmds) == 0 {
			continue // nothing left in this tile
		}
		w.endFeature(f.id, f.tags, typ)
	}
	if len(w.features) == 0 {
		return nil, nil
	}
	return w.tile(ix.dict, ix.layer.Name, ix.opt.Extent), nil
}

// inside reports whether a lies within b.
func inside(a, b orb.Bound) bool {
	return a.Min[0] >= b.Min[0] && a.Min[1] >= b.Min[1] && a.Max[0] <= b.Max[0] && a.Max[1] <= b.Max[1]
}

// simplify fills ix.bands from MinZoom to MaxZoom. Features are dealt to
// one worker per CPU in turn, so that large and small ones spread evenly;
// each worker writes only its own features' slots.
func (ix *Index) simplify() {
	for z := ix.layer.MinZoom; z <= ix.layer.MaxZoom; z++ {
		ix.bands[z] = make([]orb.Geometry, len(ix.features))
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ix.features)))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ix.features); i += workers {
				for z := ix.layer.MinZoom; z <= ix.layer.MaxZoom; z++ {
					ix.bands[z][i] = ix.generalizeAt(ix.features[i].world, z)
				}
			}
		})
	}
	wg.Wait()
}

// generalizeAt returns world geometry g simplified for zoom z: Douglas–
// Peucker at Options.Tolerance tile units, parts under Options.MinArea
// dropped; nil when nothing is left.
func (ix *Index) generalizeAt(g orb.Geometry, z int) orb.Geometry {
	scale := float64(ix.opt.Extent) * math.Exp2(float64(z)) // tile units per world unit
	tol := ix.opt.Tolerance / scale
	minArea := 2 * ix.opt.MinArea / (scale * scale) // ringArea is twice the area
	return generalize(g, tol, minArea)
}

// generalize returns g (world coordinates) simplified with Douglas–Peucker
// tolerance tol, without the polygons and holes whose doubled area is below
// minArea2; nil when nothing is left. g itself is not changed.
func generalize(g orb.Geometry, tol, minArea2 float64) orb.Geometry {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		return g
	}
	if tol > 0 {
		g = simplify.DouglasPeucker(tol).Simplify(orb.Clone(g))
	}
	switch gg := g.(type) {
	case orb.Polygon:
		if p := dropSmall(gg, minArea2); p != nil {
			return p
		}
		return nil
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for _, p := range gg {
			if p = dropSmall(p, minArea2); p != nil {
				out = append(out, p)
			}
		}
		if out == nil {
			return nil
		}
		return out
	}
	return g
}

// dropSmall returns p without holes of doubled area below minArea2, or nil
// when its exterior is that small.
func dropSmall(p orb.Polygon, minArea2 float64) orb.Polygon {
	if len(p) == 0 || len(p[0]) < 4 || math.Abs(ringArea(p[0])) < minArea2 {
		return nil
	}
	out := orb.Polygon{p[0]}
	for _, h := range p[1:] {
		if len(h) >= 4 && math.Abs(ringArea(h)) >= minArea2 {
			out = append(out, h)
		}
	}
	return out
}

// grid is a uniform spatial index over world coordinates: cell (x, y) at
// zoom z is tile z/x/y and lists the features whose bounds touch it.
type grid struct {
	z     int
	cells map[uint64][]int32
}

// newGrid picks a cell size near the median feature size, so that a typical
// feature touches a few cells and a query at any zoom looks at few cells.
func newGrid(fs []indexed) grid {
	g := grid{cells: make(map[uint64][]int32)}
	if len(fs) == 0 {
		return g
	}
	sizes := make([]float64, len(fs))
	for i, f := range fs {
		sizes[i] = max(f.bound.Max[0]-f.bound.Min[0], f.bound.Max[1]-f.bound.Min[1])
	}
	slices.Sort(sizes)
	if m := sizes[len(sizes)/2]; m > 0 {
		g.z = int(math.Floor(-math.Log2(m)))
	} else {
		g.z = 16
	}
	g.z = max(0, min(g.z, 16))
	for i, f := range fs {
		x0, y0, x1, y1 := g.span(f.bound)
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				k := uint64(x)<<32 | uint64(y)
				g.cells[k] = append(g.cells[k], int32(i))
			}
		}
	}
	return g
}

// span returns the range of cells that b touches, clamped to the world.
func (g grid) span(b orb.Bound) (x0, y0, x1, y1 int) {
	n := 1 << g.z
	cell := func(v float64) int { return max(0, min(n-1, int(math.Floor(v*float64(n))))) }
	return cell(b.Min[0]), cell(b.Min[1]), cell(b.Max[0]), cell(b.Max[1])
}

// query returns, in ascending order, the indexes of the features whose
// bounds may touch b.
func (g grid) query(b orb.Bound) []int32 {
	var out []int32
	x0, y0, x1, y1 := g.span(b)
	if (x1-x0+1)*(y1-y0+1) > len(g.cells) {
		for k, ids := range g.cells {
			x, y := int(k>>32), int(uint32(k))
			if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
				out = append(out, ids...)
			}
		}
	} else {
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				out = append(out, g.cells[uint64(x)<<32|uint64(y)]...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Indexes serves tiles of several layers from memory, by layer name. It
// implements Source and is safe for concurrent use once filled.
type Indexes map[string]*Index

var _ Source = Indexes(nil)

// Tile encodes tile t of the named layer (see Index.Encode). An unknown
// layer returns ENOTFOUND; a cancelled ctx returns its error.
func (s Indexes) Tile(ctx context.Context, r Request) ([]byte, error) {
	layer, t := r.Layer, r.Tile
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix, ok := s[layer]
	if !ok {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "tile layer %q", layer)
	}
	return ix.Encode(t)
}
