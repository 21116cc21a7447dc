package atlas

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/pdf"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/profile"
)

// Lang is the language of a page's labels (its furniture and table); unit
// names in titles are always given in both.
type Lang int

// The languages of ParseLang.
const (
	English Lang = iota
	Bangla
	Both
)

// ParseLang parses "en", "bn" or "both"; anything else is an EINVALID
// error naming --lang.
func ParseLang(s string) (Lang, error) {
	switch s {
	case "en":
		return English, nil
	case "bn":
		return Bangla, nil
	case "both":
		return Both, nil
	}
	return 0, guccho.Errorf(guccho.EINVALID, "--lang %q: want en, bn or both", s)
}

// Page is one page of the atlas.
type Page struct {
	Title    deck.Text // the unit's (or view's) name, set in both languages
	Subtitle deck.Text
	Notes    deck.Text // a saved view's speaker notes, below the map
	Map      Map
	// Profile is printed as a table below the map when not nil; Sector is
	// the row of its sector mix set in bold.
	Profile *profile.Profile
	Sector  string
	// Remarks say what the page could not draw (a saved view's statistic
	// the atlas does not print, …).
	Remarks []deck.Text
}

// Map is a page's map: areas filled in their colours, the focus unit
// outlined, points as dots, in Web Mercator, north up.
type Map struct {
	// Bound is the extent (EPSG:4326) the map shows at least; it is
	// widened to the frame's proportions.
	Bound  orb.Bound
	Areas  []Area
	Focus  orb.MultiPolygon // drawn with a heavy outline; may be nil
	Points []orb.Point      // enterprises, as dots
	Legend Legend
}

// Area is one filled unit of a map.
type Area struct {
	Geometry orb.MultiPolygon // EPSG:4326
	Fill     color.RGBA
	// Label names the area at LabelAt (a point inside it); none when
	// empty.
	Label   deck.Text
	LabelAt orb.Point
}

// Legend explains a map's colours and dots.
type Legend struct {
	Title   deck.Text
	Classes []Class
}

// Class is one entry of a legend: a swatch (or a dot) and its label.
type Class struct {
	Label deck.Text
	Color color.RGBA
	Dot   bool // a dot rather than a swatch
}

// Document is what every page of an atlas shares.
type Document struct {
	Fonts *Fonts
	Lang  Lang
	// Title is the PDF's title (its metadata).
	Title string
	// Source names the data (the store, the survey) and Date when it was
	// printed; both go into every page's footer with Attribution, the
	// boundaries' attribution (data.BoundariesAttribution for the shipped
	// set).
	Source      string
	Date        time.Time
	Attribution string
	// SectorName names a sector code in the profile tables.
	SectorName func(code string) deck.Text
	// Subset embeds only the glyphs used of each font (smaller files);
	// false embeds whole fonts.
	Subset bool
}

// A4 portrait, in millimetres, and the page's boxes.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 12.0
)

// box is a rectangle of the page in millimetres from its top-left corner.
type box struct{ X, Y, W, H float64 }

// layout names the boxes of a page. Pages of every kind share it, so an
// atlas reads the same from page to page.
type layout struct {
	Title, Map, Legend, North, Scale, Table, Footer box
}

// pageLayout is the layout of every page.
var pageLayout = layout{
	Title:  box{margin, margin, pageW - 2*margin, 22},
	Map:    box{margin, 36, 138, 140},
	Legend: box{156, 36, pageW - margin - 156, 100},
	North:  box{170, 150, 14, 24},
	Scale:  box{margin, 178, 80, 8},
	Table:  box{margin, 190, pageW - 2*margin, 78},
	Footer: box{margin, 271, pageW - 2*margin, 14},
}

var (
	black     = color.RGBA{0x20, 0x20, 0x20, 0xff}
	grey      = color.RGBA{0x6b, 0x6b, 0x6b, 0xff}
	lineGrey  = color.RGBA{0xb0, 0xb0, 0xb0, 0xff}
	areaLine  = color.RGBA{0x8c, 0x8c, 0x8c, 0xff}
	white     = color.RGBA{0xff, 0xff, 0xff, 0xff}
	pointFill = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
)

// Write draws the pages as one PDF on w. It fails when w does, with an
// EINVALID error when there are no pages, and with ctx's error when ctx
// ends before the last page (w then holds a partial file).
func (d *Document) Write(ctx context.Context, w io.Writer, pages []Page) error {
	if len(pages) == 0 {
		return guccho.Errorf(guccho.EINVALID, "atlas: no pages to print")
	}
	opts := pdf.DefaultOptions
	opts.SubsetFonts = d.Subset
	r := pdf.New(w, pageW, pageH, &opts)
	r.SetInfo(d.Title, "Guccho atlas", "", "Guccho", "Guccho (guccho atlas)")
	r.SetLang(map[Lang]string{English: "en", Bangla: "bn", Both: "en"}[d.Lang])
	for i := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		if i > 0 {
			r.NewPage(pageW, pageH)
		}
		ctx := canvas.NewContext(r)
		ctx.SetCoordSystem(canvas.CartesianIV) // y down from the top-left corner, as Layout
		d.drawPage(ctx, &pages[i], i+1, len(pages))
	}
	return r.Close()
}

// say picks the text of t for the document's language, falling back to
// the other language when one is empty.
func (d *Document) say(t deck.Text) string {
	en, bn := t.EN, t.BN
	switch {
	case en == "":
		return bn
	case bn == "":
		return en
	case d.Lang == English:
		return en
	case d.Lang == Bangla:
		return bn
	case en == bn:
		return en
	}
	return en + " / " + bn
}

func (d *Document) drawPage(ctx *canvas.Context, p *Page, n, of int) {
	L := pageLayout
	y := L.Title.Y
	for _, line := range []struct {
		s    string
		size float64
		bold bool
	}{{p.Title.EN, 17, true}, {p.Title.BN, 15, true}} {
		if line.s == "" {
			continue
		}
		t := d.Fonts.text(line.s, textStyle{line.size, line.bold, black}, 0, canvas.Left)
		ctx.DrawText(L.Title.X, y, t)
		y += t.Bounds().H() + 1
	}
	if s := d.say(p.Subtitle); s != "" {
		ctx.DrawText(L.Title.X, y+0.5, d.Fonts.text(s, textStyle{9, false, grey}, L.Title.W, canvas.Left))
	}

	fr := newFrame(p.Map.Bound, L.Map)
	d.drawMap(ctx, fr, &p.Map)
	d.drawLegend(ctx, &p.Map.Legend, L.Legend)
	d.drawNorth(ctx, L.North)
	d.drawScale(ctx, fr, L.Scale)

	if p.Profile != nil {
		d.drawProfile(ctx, p.Profile, p.Sector, L.Table)
		d.drawNotes(ctx, deck.Text{}, p.Remarks, box{L.Table.X, L.Table.Y + L.Table.H - 8, L.Table.W, 8})
	} else {
		d.drawNotes(ctx, p.Notes, p.Remarks, L.Table)
	}

	foot := fmt.Sprintf("%s: %s · %s: %s", d.say(label["source"]), d.Source, d.say(label["printed"]), d.Date.Format("2006-01-02"))
	ctx.DrawText(L.Footer.X, L.Footer.Y, d.Fonts.line(foot, textStyle{7, false, grey}, L.Footer.W-20, canvas.Left))
	ctx.DrawText(L.Footer.X, L.Footer.Y+4, d.Fonts.text(d.Attribution, textStyle{6, false, grey}, L.Footer.W-20, canvas.Left))
	ctx.DrawText(L.Footer.X+L.Footer.W, L.Footer.Y, d.Fonts.text(fmt.Sprintf("%d / %d", n, of), textStyle{8, false, grey}, 0, canvas.Right))
}

// drawLegend draws the legend's title, then one swatch or dot per class.
func (d *Document) drawLegend(ctx *canvas.Context, lg *Legend, b box) {
	y := b.Y
	if s := d.say(lg.Title); s != "" {
		t := d.Fonts.text(s, textStyle{8, true, black}, b.W, canvas.Left)
		ctx.DrawText(b.X, y, t)
		y += t.Bounds().H() + 2
	}
	for _, c := range lg.Classes {
		ctx.SetStrokeColor(grey)
		ctx.SetStrokeWidth(0.15)
		ctx.SetFillColor(c.Color)
		if c.Dot {
			ctx.DrawPath(b.X+2.5, y+1.8, canvas.Circle(0.7))
		} else {
			ctx.DrawPath(b.X, y, canvas.Rectangle(5, 3.6))
		}
		t := d.Fonts.text(d.say(c.Label), textStyle{7.5, false, black}, b.W-7, canvas.Left)
		ctx.DrawText(b.X+7, y, t)
		y += math.Max(t.Bounds().H(), 3.6) + 1.6
	}
}

// drawNorth draws a north arrow: a triangle split dark and light, and N.
func (d *Document) drawNorth(ctx *canvas.Context, b box) {
	cx, top, bottom := b.X+b.W/2, b.Y+6, b.Y+b.H
	half := b.W / 3
	left := &canvas.Path{}
	left.MoveTo(cx, top)
	left.LineTo(cx-half, bottom)
	left.LineTo(cx, bottom-4)
	left.Close()
	right := &canvas.Path{}
	right.MoveTo(cx, top)
	right.LineTo(cx+half, bottom)
	right.LineTo(cx, bottom-4)
	right.Close()
	ctx.SetStrokeColor(black)
	ctx.SetStrokeWidth(0.2)
	ctx.SetFillColor(black)
	ctx.DrawPath(0, 0, left)
	ctx.SetFillColor(white)
	ctx.DrawPath(0, 0, right)
	n := "N"
	if d.Lang == Bangla {
		n = "উ"
	}
	ctx.DrawText(cx, b.Y, d.Fonts.text(n, textStyle{9, true, black}, 0, canvas.Center))
}

// drawScale draws a scale bar of a round length in km, at most half the box
// wide, true at the map's central latitude.
func (d *Document) drawScale(ctx *canvas.Context, fr frame, b box) {
	km := round125(fr.metresPerMM() * b.W / 2 / 1000)
	w := km * 1000 / fr.metresPerMM()
	ctx.SetStrokeColor(black)
	ctx.SetStrokeWidth(0.2)
	for i := 0; i < 4; i++ {
		if i%2 == 0 {
			ctx.SetFillColor(black)
		} else {
			ctx.SetFillColor(white)
		}
		ctx.DrawPath(b.X+float64(i)*w/4, b.Y, canvas.Rectangle(w/4, 1.5))
	}
	st := textStyle{7, false, black}
	ctx.DrawText(b.X, b.Y+2.2, d.Fonts.text("0", st, 0, canvas.Center))
	ctx.DrawText(b.X+w, b.Y+2.2, d.Fonts.text(formatKM(km)+" "+d.say(label["km"]), st, 0, canvas.Left))
}

// round125 rounds v down to 1, 2 or 5 times a power of ten (1 for v ≤ 0):
// the scale bar's lengths in km and the count classes' bounds.
func round125(v float64) float64 {
	if !(v > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= v {
			return m * p
		}
	}
	return p
}

func formatKM(km float64) string { return strconv.FormatFloat(km, 'f', -1, 64) }

// drawProfile prints a profile: the area's figures on the left, its sector
// mix and the barriers named on the right.
func (d *Document) drawProfile(ctx *canvas.Context, p *profile.Profile, sector string, b box) {
	head := textStyle{8.5, true, black}
	body := textStyle{7.5, false, black}
	const row = 4.2
	leftW := 84.0
	ctx.DrawText(b.X, b.Y, d.Fonts.text(d.say(label["profile"]), head, 0, canvas.Left))
	y := b.Y + 6
	if p.Enterprises == 0 {
		ctx.DrawText(b.X, y, d.Fonts.text(d.say(label["none"]), body, leftW, canvas.Left))
	} else {
		for _, f := range []struct {
			key, value string
		}{
			{"enterprises", count(p.Enterprises)},
			{"jobs", count(p.Jobs)},
			{"meanJobs", decimal(p.MeanJobs, 1)},
			{"self", percent(p.SelfShare)},
			{"wage", percent(p.WageShare)},
			{"women", percent(p.FemaleShare)},
			{"ownersWomen", percent(p.OwnerFemaleShare)},
			{"recpAware", percent(p.AwareShare)},
			{"recpAdopted", percent(p.AdoptedShare)},
		} {
			v := f.value
			if v == "" {
				v = d.say(label["notReported"])
			}
			val := d.Fonts.text(v, body, 0, canvas.Right)
			ctx.DrawText(b.X, y, d.Fonts.line(d.say(label[f.key]), body, leftW-val.Bounds().W()-3, canvas.Left))
			ctx.DrawText(b.X+leftW, y, val)
			y += row
		}
	}

	x := b.X + leftW + 8
	w := b.X + b.W - x
	cols := []float64{x, x + w - 38, x + w - 18, x + w} // right edges after the first (left) column
	ctx.DrawText(x, b.Y, d.Fonts.text(d.say(label["sectors"]), head, 0, canvas.Left))
	y = b.Y + 6
	hdr := textStyle{7, true, grey}
	ctx.DrawText(cols[0], y, d.Fonts.line(d.say(label["sector"]), hdr, cols[1]-cols[0]-30, canvas.Left))
	ctx.DrawText(cols[1], y, d.Fonts.line(d.say(label["enterprises"]), hdr, 28, canvas.Right))
	ctx.DrawText(cols[2], y, d.Fonts.line(d.say(label["share"]), hdr, 18, canvas.Right))
	ctx.DrawText(cols[3], y, d.Fonts.line(d.say(label["lq"]), hdr, 16, canvas.Right))
	y += row
	for i, s := range p.Sectors {
		if i == 7 {
			break
		}
		st := body
		st.bold = s.Code == sector
		name := s.Code
		if d.SectorName != nil {
			name = d.say(d.SectorName(s.Code))
		}
		ctx.DrawText(cols[0], y, d.Fonts.line(name, st, cols[1]-cols[0]-14, canvas.Left))
		ctx.DrawText(cols[1], y, d.Fonts.text(count(s.Enterprises), st, 0, canvas.Right))
		ctx.DrawText(cols[2], y, d.Fonts.text(percent(s.Share), st, 0, canvas.Right))
		lq := decimal(s.LQ, 2)
		if lq == "" {
			lq = "–"
		}
		ctx.DrawText(cols[3], y, d.Fonts.text(lq, st, 0, canvas.Right))
		y += row
	}
	if len(p.Barriers) == 0 {
		return
	}
	y += 2
	ctx.DrawText(x, y, d.Fonts.text(d.say(label["barriers"]), head, 0, canvas.Left))
	y += 5
	for i, br := range p.Barriers {
		if i == 4 {
			break
		}
		ctx.DrawText(cols[0], y, d.Fonts.line(br.Barrier, body, cols[1]-cols[0]-14, canvas.Left))
		ctx.DrawText(cols[1], y, d.Fonts.text(count(br.Enterprises), body, 0, canvas.Right))
		ctx.DrawText(cols[2], y, d.Fonts.text(percent(br.Share), body, 0, canvas.Right))
		y += row
	}
}

// drawNotes prints a saved view's notes and the page's remarks on what it
// did not draw.
func (d *Document) drawNotes(ctx *canvas.Context, notes deck.Text, remarks []deck.Text, b box) {
	y := b.Y
	if s := d.say(notes); s != "" {
		ctx.DrawText(b.X, y, d.Fonts.text(d.say(label["notes"]), textStyle{8.5, true, black}, 0, canvas.Left))
		t := d.Fonts.text(s, textStyle{8.5, false, black}, b.W, canvas.Left)
		ctx.DrawText(b.X, y+5.5, t)
		y += 5.5 + t.Bounds().H() + 3
	}
	if len(remarks) > 0 {
		parts := make([]string, len(remarks))
		for i, r := range remarks {
			parts[i] = d.say(r)
		}
		s := d.say(label["notDrawn"]) + " " + strings.Join(parts, "; ")
		ctx.DrawText(b.X, y, d.Fonts.text(s, textStyle{7.5, false, grey}, b.W, canvas.Left))
	}
}

// count formats n with thousands separators.
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// percent formats a share as a percentage with one decimal; "" for nil.
func percent(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v*100, 'f', 1, 64) + " %"
}

// decimal formats v with prec decimals; "" for nil.
func decimal(v *float64, prec int) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', prec, 64)
}
