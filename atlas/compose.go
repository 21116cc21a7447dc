package atlas

import (
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/geo/stats"
	"github.com/guccho/guccho/profile"
)

// Stat is what a map colours its units by.
type Stat int

// The statistics of ParseStat.
const (
	Count Stat = iota // the sector's enterprises per unit, in quantile classes
	LQ                // the sector's location quotient of enterprises, in the web app's classes
)

// ParseStat parses "count" or "lq"; anything else is an EINVALID error
// naming --stat.
func ParseStat(s string) (Stat, error) {
	switch s {
	case "count":
		return Count, nil
	case "lq":
		return LQ, nil
	}
	return 0, guccho.Errorf(guccho.EINVALID, "--stat %q: want count or lq", s)
}

// Data is what UnitPages composes pages from; the caller reads it from a
// store.
type Data struct {
	Sector guccho.Sector
	// Level is the level of the pages (one page per unit of it); Units are
	// all its units and Children all units of the level below, with
	// geometry. Units outside the pages are drawn as neighbours.
	Level    geo.Level
	Units    []*geo.Unit
	Children []*geo.Unit
	// Aggregates are the store's sums at Level (for the profiles) and
	// ChildAggregates at the level below (for the map), as
	// profile.Aggregator returns them.
	Aggregates      []profile.Aggregate
	ChildAggregates []profile.Aggregate
	// Points are the surveyed GPS points of the sector's enterprises.
	Points   []orb.Point
	Stat     Stat
	MinCount float64 // the least count a location quotient is given for
}

// Colours of the map's classes: a sequential yellow–brown ramp for counts,
// the web app's LQ classes (static/src/views/clusters/classes.ts), grey
// for neighbouring units.
var (
	countColors = []color.RGBA{hex(0xfee391), hex(0xfec44f), hex(0xfe9929), hex(0xd95f0e), hex(0x993404)}
	zeroColor   = hex(0xfbfbf7)
	lqColors    = []color.RGBA{hex(0xf1eef6), hex(0xbdc9e1), hex(0x74a9cf), hex(0x045a8d)}
	noDataColor = hex(0xffffff)
	neighbour   = hex(0xd4d4d4)
	plainFill   = hex(0xf3f1ea)
)

// lqBreaks are the upper bounds of the first three LQ classes, as the web
// app's.
var lqBreaks = []float64{0.8, 1.25, 2}

func hex(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// UnitPages returns one page per unit of d.Level whose P-code starts with
// within ("" for all), in P-code order: the unit outlined over its child
// units coloured by d.Stat and named (in Bangla on pages in Bangla, else in
// English), neighbours in grey, the sector's enterprises as dots, and the
// unit's profile (profile.OfUnit over d.Aggregates). The
// count classes are the same on every page: logarithmic steps up to the
// largest count of any child unit (logBreaks). No unit within is an
// ENOTFOUND error.
func UnitPages(d Data, within string) ([]Page, error) {
	childLevel := d.Level + 1
	values, classes, err := childClasses(d)
	if err != nil {
		return nil, err
	}
	byParent := map[string][]*geo.Unit{}
	for _, c := range d.Children {
		byParent[c.Parent] = append(byParent[c.Parent], c)
	}
	sectorName := deck.Text{EN: d.Sector.NameEN, BN: d.Sector.NameBN}
	legend := legendTitle(d.Stat, sectorName, childLevel)
	var pages []Page
	for _, u := range d.Units {
		if !strings.HasPrefix(u.PCode, within) {
			continue
		}
		p, err := profile.OfUnit(d.Aggregates, u.PCode, d.MinCount)
		if err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "profile of %s", u.PCode)
		}
		page := Page{
			Title:   deck.Text{EN: u.DisplayName(), BN: u.NameBN},
			Profile: p,
			Sector:  d.Sector.Code,
			Subtitle: deck.Text{
				EN: levelName(d.Level).EN + " " + u.PCode + " · " + sectorName.EN,
				BN: levelName(d.Level).BN + " " + u.PCode + " · " + sectorName.BN,
			},
		}
		shown := newFrame(u.Bound, pageLayout.Map).bound()
		m := &page.Map
		m.Bound = u.Bound
		m.Focus = u.Geometry
		for _, n := range d.Units {
			if n != u && n.Bound.Intersects(shown) {
				m.Areas = append(m.Areas, Area{Geometry: n.Geometry, Fill: neighbour})
			}
		}
		for _, c := range byParent[u.PCode] {
			m.Areas = append(m.Areas, Area{Geometry: c.Geometry, Fill: classes.color(values[c.PCode]),
				Label: deck.Text{EN: c.DisplayName(), BN: c.NameBN}, LabelAt: c.Label})
		}
		for _, q := range d.Points {
			if u.Bound.Contains(q) {
				m.Points = append(m.Points, q)
			}
		}
		m.Legend = Legend{Title: legend, Classes: append(slices.Clone(classes.legend),
			Class{Label: label["neighbours"], Color: neighbour},
			Class{Label: label["gps"], Color: pointFill, Dot: true})}
		pages = append(pages, page)
	}
	if len(pages) == 0 {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no %s within %s", d.Level, within)
	}
	return pages, nil
}

// classing assigns a unit's value to a class colour.
type classing struct {
	// breaks are the upper bounds of all classes but the last: inclusive
	// for counts (1–3, 4–9, …), exclusive for LQs ([0.8, 1.25), …).
	breaks    []float64
	inclusive bool
	colors    []color.RGBA
	below     float64 // values below it (or NaN) take none: zero or no data
	none      color.RGBA
	legend    []Class
}

func (c classing) color(v float64) color.RGBA {
	if math.IsNaN(v) || v < c.below {
		return c.none
	}
	for i, b := range c.breaks {
		if v < b || (c.inclusive && v == b) {
			return c.colors[i]
		}
	}
	return c.colors[len(c.breaks)]
}

// childClasses returns the value of d.Stat for every child unit that has
// one (a count of 0 and an LQ of NaN when absent) and the classes they fall
// into.
func childClasses(d Data) (map[string]float64, classing, error) {
	counts := map[string]float64{}
	totals := map[string]float64{}
	for _, a := range d.ChildAggregates {
		if a.Unit == "" {
			continue
		}
		totals[a.Unit] += float64(a.Enterprises)
		if a.Sector == d.Sector.Code {
			counts[a.Unit] += float64(a.Enterprises)
		}
	}
	values := map[string]float64{}
	if d.Stat == LQ {
		// The LQ of one sector needs only its count and the rest of each
		// unit: stats.LQ over two columns gives the full table's values.
		units := make([]string, 0, len(totals))
		for u := range totals {
			units = append(units, u)
		}
		slices.Sort(units)
		table := make([][]float64, len(units))
		for i, u := range units {
			table[i] = []float64{counts[u], totals[u] - counts[u]}
		}
		lq, err := stats.LQ(table, d.MinCount)
		if err != nil {
			return nil, classing{}, err
		}
		for i, u := range units {
			values[u] = lq[i][0]
		}
		for _, c := range d.Children {
			if _, ok := values[c.PCode]; !ok {
				values[c.PCode] = math.NaN()
			}
		}
		legend := []Class{}
		for i, k := range []string{"lq1", "lq2", "lq3", "lq4"} {
			legend = append(legend, Class{Label: label[k], Color: lqColors[i]})
		}
		legend = append(legend, Class{Label: label["noLQ"], Color: noDataColor})
		return values, classing{breaks: lqBreaks, colors: lqColors, below: 0, none: noDataColor, legend: legend}, nil
	}
	var positive []float64
	for _, c := range d.Children {
		values[c.PCode] = counts[c.PCode]
		if v := counts[c.PCode]; v > 0 {
			positive = append(positive, v)
		}
	}
	top := 0.0
	if len(positive) > 0 {
		top = slices.Max(positive)
	}
	breaks := logBreaks(top, len(countColors))
	cl := classing{breaks: breaks, inclusive: true, colors: countColors[:len(breaks)+1], below: 1, none: zeroColor}
	cl.legend = []Class{{Label: label["zero"], Color: zeroColor}}
	lo := 1.0
	for i := range len(breaks) + 1 {
		hi := top
		if i < len(breaks) {
			hi = breaks[i]
		}
		if len(positive) == 0 {
			break
		}
		text := count(int(lo))
		if hi > lo {
			text += " – " + count(int(hi))
		}
		cl.legend = append(cl.legend, Class{Label: deck.Text{EN: text}, Color: cl.colors[i]})
		lo = hi + 1
	}
	return values, cl, nil
}

// logBreaks returns up to classes-1 increasing whole-number upper bounds
// for counts up to max, equal steps of the logarithm rounded down to 1, 2
// or 5 times a power of ten (for 471 and 5 classes: 2, 10, 20, 100), so
// that a few large clusters do not squeeze every other unit into the first
// class; fewer where steps round to the same number.
func logBreaks(max float64, classes int) []float64 {
	var out []float64
	for k := 1; k < classes; k++ {
		b := round125(math.Pow(max, float64(k)/float64(classes)))
		if b < max && b >= 1 && (len(out) == 0 || b > out[len(out)-1]) {
			out = append(out, b)
		}
	}
	return out
}

// legendTitle names what the map's colours show.
func legendTitle(st Stat, sector deck.Text, level geo.Level) deck.Text {
	lv := levelName(level)
	if st == LQ {
		return deck.Text{EN: "Location quotient of " + sector.EN + " enterprises, per " + lv.EN,
			BN: lv.BN + "ভিত্তিক " + sector.BN + " উদ্যোগের এলকিউ"}
	}
	return deck.Text{EN: sector.EN + " enterprises per " + lv.EN, BN: lv.BN + "প্রতি " + sector.BN + " উদ্যোগ"}
}

// levelName names an admin level in both languages.
func levelName(l geo.Level) deck.Text {
	if t, ok := label[l.String()]; ok {
		return t
	}
	return deck.Text{EN: l.String(), BN: l.String()}
}
