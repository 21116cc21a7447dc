package atlas

import (
	"cmp"
	"image/color"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tdewolff/canvas"
)

// earthRadius is the WGS 84 semi-major axis in metres, Web Mercator's.
const earthRadius = 6378137.0

// mercator projects lon/lat degrees to Web Mercator in radians of the
// equator (x east, y north).
func mercator(p orb.Point) (x, y float64) {
	lat := math.Max(-85.05, math.Min(85.05, p[1]))
	return p[0] * math.Pi / 180, math.Log(math.Tan(math.Pi/4 + lat*math.Pi/360))
}

// unmercator is mercator's inverse.
func unmercator(x, y float64) orb.Point {
	return orb.Point{x * 180 / math.Pi, (2*math.Atan(math.Exp(y)) - math.Pi/2) * 180 / math.Pi}
}

// frame places a map in a box of the page: Web Mercator scaled to mm,
// north up, centred on the bound, which fits the box with a small margin.
type frame struct {
	box
	cx, cy float64 // the centre, in Mercator
	scale  float64 // mm per Mercator unit
}

// newFrame fits the bound b into the box, with 4 % to spare on its longer
// side. An empty or degenerate bound shows about 1 km around its centre.
func newFrame(b orb.Bound, bx box) frame {
	x0, y0 := mercator(b.Min)
	x1, y1 := mercator(b.Max)
	dx, dy := math.Max(x1-x0, 1e-4), math.Max(y1-y0, 1e-4)
	scale := math.Min(bx.W/dx, bx.H/dy) / 1.04
	return frame{box: bx, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, scale: scale}
}

// pt returns the page position (mm) of a lon/lat point.
func (f frame) pt(p orb.Point) (float64, float64) {
	x, y := mercator(p)
	return f.X + f.W/2 + (x-f.cx)*f.scale, f.Y + f.H/2 - (y-f.cy)*f.scale
}

// bound returns the lon/lat extent the frame shows.
func (f frame) bound() orb.Bound {
	hw, hh := f.W/2/f.scale, f.H/2/f.scale
	return orb.Bound{Min: unmercator(f.cx-hw, f.cy-hh), Max: unmercator(f.cx+hw, f.cy+hh)}
}

// metresPerMM is the ground distance of one mm of the page at the frame's
// central latitude.
func (f frame) metresPerMM() float64 {
	lat := unmercator(f.cx, f.cy)[1]
	return earthRadius * math.Cos(lat*math.Pi/180) / f.scale
}

// path turns a multipolygon into a page path clipped to the frame, with
// vertices closer than 0.1 mm to the last kept one dropped; nil when
// nothing of it is inside.
func (f frame) path(mp orb.MultiPolygon) *canvas.Path {
	var p *canvas.Path
	for _, poly := range mp {
		for _, ring := range poly {
			pts := make([][2]float64, 0, len(ring))
			for _, q := range ring {
				x, y := f.pt(q)
				if n := len(pts); n > 0 && math.Abs(pts[n-1][0]-x) < 0.1 && math.Abs(pts[n-1][1]-y) < 0.1 {
					continue
				}
				pts = append(pts, [2]float64{x, y})
			}
			pts = clipRing(pts, f.X, f.Y, f.X+f.W, f.Y+f.H)
			if len(pts) < 3 {
				continue
			}
			if p == nil {
				p = &canvas.Path{}
			}
			p.MoveTo(pts[0][0], pts[0][1])
			for _, q := range pts[1:] {
				p.LineTo(q[0], q[1])
			}
			p.Close()
		}
	}
	return p
}

// clipRing clips a ring to the rectangle [x0,x1]×[y0,y1] (Sutherland–
// Hodgman); what it returns fills the same area inside the rectangle.
func clipRing(pts [][2]float64, x0, y0, x1, y1 float64) [][2]float64 {
	edges := []struct {
		inside func(p [2]float64) bool
		cross  func(a, b [2]float64) [2]float64
	}{
		{func(p [2]float64) bool { return p[0] >= x0 }, func(a, b [2]float64) [2]float64 { return atX(a, b, x0) }},
		{func(p [2]float64) bool { return p[0] <= x1 }, func(a, b [2]float64) [2]float64 { return atX(a, b, x1) }},
		{func(p [2]float64) bool { return p[1] >= y0 }, func(a, b [2]float64) [2]float64 { return atY(a, b, y0) }},
		{func(p [2]float64) bool { return p[1] <= y1 }, func(a, b [2]float64) [2]float64 { return atY(a, b, y1) }},
	}
	for _, e := range edges {
		if len(pts) == 0 {
			return nil
		}
		out := make([][2]float64, 0, len(pts)+4)
		prev := pts[len(pts)-1]
		for _, cur := range pts {
			switch in, prevIn := e.inside(cur), e.inside(prev); {
			case in && prevIn:
				out = append(out, cur)
			case in:
				out = append(out, e.cross(prev, cur), cur)
			case prevIn:
				out = append(out, e.cross(prev, cur))
			}
			prev = cur
		}
		pts = out
	}
	return pts
}

func atX(a, b [2]float64, x float64) [2]float64 {
	t := (x - a[0]) / (b[0] - a[0])
	return [2]float64{x, a[1] + t*(b[1]-a[1])}
}

func atY(a, b [2]float64, y float64) [2]float64 {
	t := (y - a[1]) / (b[1] - a[1])
	return [2]float64{a[0] + t*(b[0]-a[0]), y}
}

// drawMap draws the areas, the focus outline, the points and the frame.
func (d *Document) drawMap(ctx *canvas.Context, f frame, m *Map) {
	ctx.SetStrokeColor(areaLine)
	ctx.SetStrokeWidth(0.15)
	for _, a := range m.Areas {
		if p := f.path(a.Geometry); p != nil {
			ctx.SetFillColor(a.Fill)
			ctx.DrawPath(0, 0, p)
		}
	}
	d.drawLabels(ctx, f, m.Areas)
	if p := f.path(m.Focus); p != nil {
		ctx.SetFillColor(canvas.Transparent)
		ctx.SetStrokeColor(black)
		ctx.SetStrokeWidth(0.6)
		ctx.DrawPath(0, 0, p)
	}
	if len(m.Points) > 0 {
		dots := &canvas.Path{}
		for _, q := range m.Points {
			x, y := f.pt(q)
			if x < f.X || x > f.X+f.W || y < f.Y || y > f.Y+f.H {
				continue
			}
			dot(dots, x, y, 0.45)
		}
		ctx.SetFillColor(pointFill)
		ctx.SetStrokeColor(white)
		ctx.SetStrokeWidth(0.1)
		ctx.DrawPath(0, 0, dots)
	}
	ctx.SetFillColor(canvas.Transparent)
	ctx.SetStrokeColor(lineGrey)
	ctx.SetStrokeWidth(0.3)
	ctx.DrawPath(f.X, f.Y, canvas.Rectangle(f.W, f.H))
}

// dot adds a circle of radius r at (x, y) to p as four cubic Béziers: a
// path of arcs would make the PDF writer rewrite the whole path once per
// arc.
func dot(p *canvas.Path, x, y, r float64) {
	k := 0.5523 * r // the control distance of a quarter circle
	p.MoveTo(x+r, y)
	p.CubeTo(x+r, y+k, x+k, y+r, x, y+r)
	p.CubeTo(x-k, y+r, x-r, y+k, x-r, y)
	p.CubeTo(x-r, y-k, x-k, y-r, x, y-r)
	p.CubeTo(x+k, y-r, x+r, y-k, x+r, y)
	p.Close()
}

// luminance is the relative luminance of c, 0 (black) to 1 (white), to
// choose the ink of a label over it.
func luminance(c color.RGBA) float64 {
	return (0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)) / 255
}

// drawLabels names the areas that have a label at their label points,
// larger areas first, leaving out a label that would overlap one already
// placed or stand out of the frame.
func (d *Document) drawLabels(ctx *canvas.Context, f frame, areas []Area) {
	order := make([]int, 0, len(areas))
	for i, a := range areas {
		if a.Label.EN != "" || a.Label.BN != "" {
			order = append(order, i)
		}
	}
	size := func(a Area) float64 { b := a.Geometry.Bound(); return (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]) }
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(size(areas[j]), size(areas[i])) })
	var placed []canvas.Rect
	for _, i := range order {
		a := areas[i]
		name := a.Label.EN
		if name == "" || (d.Lang == Bangla && a.Label.BN != "") {
			name = a.Label.BN
		}
		ink := black
		if luminance(a.Fill) < 0.45 {
			ink = white
		}
		t := d.Fonts.text(name, textStyle{5.5, false, ink}, 0, canvas.Center)
		x, y := f.pt(a.LabelAt)
		w, h := t.Bounds().W(), t.Bounds().H()
		r := canvas.Rect{X0: x - w/2 - 0.5, Y0: y - 1 - 0.3, X1: x + w/2 + 0.5, Y1: y - 1 + h + 0.3}
		if r.X0 < f.X || r.X1 > f.X+f.W || r.Y0 < f.Y || r.Y1 > f.Y+f.H || slices.ContainsFunc(placed, r.Overlaps) {
			continue
		}
		placed = append(placed, r)
		ctx.DrawText(x, y-1, t)
	}
}
