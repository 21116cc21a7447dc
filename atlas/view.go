package atlas

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

// ViewSpec is what the atlas prints of a saved view, read from its state
// by ReadView: the camera's extent, the units to draw, the sectors and
// statistic, and remarks on what it leaves out.
type ViewSpec struct {
	// Bound is the extent the web app's camera (z, lon, lat) shows in a
	// frame the size of the page's map, MapLibre's 512-pixel tiles at
	// 96 pixels per inch; Camera is false when the view has no valid
	// camera, and the map then shows all of Units.
	Bound  orb.Bound
	Camera bool
	// Level is the level of the units drawn: the clusters view's level,
	// else chosen from the zoom as the web app shows admin units.
	Level geo.Level
	// Sectors are the view's sectors: the explore view's filter (drawn as
	// dots) or the clusters view's sector (its LQ colours the units when
	// LQ).
	Sectors []string
	LQ      bool
	Select  string // a unit to outline (the view's "sel")
	Remarks []deck.Text
}

// cameraParams are the shell's parameters, which every view has.
var cameraParams = []string{"z", "lon", "lat", "bearing", "pitch"}

// clustersParams are the clusters view's parameters that change only
// statistics the atlas does not print (hot spots, Moran, point clusters).
var clustersParams = []string{"weights", "k", "band_km", "perm", "fdr", "sig", "method", "radius_km", "min_units", "eps_m", "min_points", "cluster"}

// ReadView reads what the atlas can print of a saved view. It never fails:
// what it cannot print (another view than explore and clusters, a
// statistic other than the LQ, a rotated or tilted camera, parameters it
// does not know) becomes a remark for the page.
func ReadView(v deck.View) ViewSpec {
	p := v.State.Params
	spec := ViewSpec{Level: geo.District}
	var unknown []string
	used := map[string]bool{}
	for _, k := range cameraParams {
		used[k] = true
	}
	z, zerr := strconv.ParseFloat(p["z"], 64)
	lon, lonerr := strconv.ParseFloat(p["lon"], 64)
	lat, laterr := strconv.ParseFloat(p["lat"], 64)
	if zerr == nil && lonerr == nil && laterr == nil && z >= 0 && z <= 24 && math.Abs(lon) <= 180 && math.Abs(lat) <= 85 {
		spec.Camera = true
		spec.Bound = cameraBound(z, orb.Point{lon, lat}, pageLayout.Map)
		switch {
		case z >= 10:
			spec.Level = geo.Union
		case z >= 8:
			spec.Level = geo.Upazila
		}
	} else {
		spec.Remarks = append(spec.Remarks, deck.Text{EN: "the view's camera (z, lon, lat), so the map shows the whole country",
			BN: "ভিউয়ের ক্যামেরা (z, lon, lat); তাই মানচিত্রে পুরো দেশ"})
	}
	for _, k := range []string{"bearing", "pitch"} {
		if s := p[k]; s != "" && s != "0" {
			spec.Remarks = append(spec.Remarks, deck.Text{EN: fmt.Sprintf("%s %s° (printed north up and flat)", k, s),
				BN: fmt.Sprintf("%s %s° (উত্তর উপরে, সমতলে ছাপা)", k, s)})
		}
	}
	used["sel"] = true
	if s := strings.ToUpper(strings.TrimSpace(p["sel"])); s != "" { // as the app reads it
		if l, err := geo.PCodeLevel(s); err == nil && l > geo.Country {
			spec.Select = s
		}
	}
	switch view := v.State.View; view {
	case "", "explore":
		used["sectors"] = true
		for _, c := range strings.Split(p["sectors"], ",") {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(spec.Sectors, c) {
				spec.Sectors = append(spec.Sectors, c)
			}
		}
		if len(spec.Sectors) == 0 {
			spec.Remarks = append(spec.Remarks, deck.Text{EN: "enterprises of every sector (dots are drawn for a sector filter only)",
				BN: "সব খাতের উদ্যোগ (কেবল খাত বাছাই করলে বিন্দু আঁকা হয়)"})
		}
	case "clusters":
		for _, k := range append([]string{"sector", "mode", "level", "measure"}, clustersParams...) {
			used[k] = true
		}
		if s := p["sector"]; s != "" {
			spec.Sectors = []string{s}
		}
		spec.Level = geo.Upazila // the clusters view's default
		if l, err := geo.ParseLevel(p["level"]); err == nil && l >= geo.District && l <= geo.Union {
			spec.Level = l
		}
		switch mode := p["mode"]; mode {
		case "", "lq":
			spec.LQ = true
			if p["measure"] == "jobs" {
				spec.Remarks = append(spec.Remarks, deck.Text{EN: "the LQ of jobs (the map shows the LQ of enterprises)",
					BN: "কর্মসংস্থানের এলকিউ (মানচিত্রে উদ্যোগের এলকিউ)"})
			}
		default:
			spec.Remarks = append(spec.Remarks, deck.Text{EN: "the statistic " + mode + " (the atlas prints location quotients only)",
				BN: "পরিসংখ্যান " + mode + " (অ্যাটলাসে কেবল এলকিউ ছাপা হয়)"})
		}
	default:
		spec.Remarks = append(spec.Remarks, deck.Text{EN: "the " + view + " view's own layers (the map shows the admin units of the camera's extent)",
			BN: view + " ভিউয়ের নিজস্ব স্তর (মানচিত্রে ক্যামেরার এলাকার প্রশাসনিক একক)"})
	}
	for k := range p {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if v.State.View != "" && v.State.View != "explore" && v.State.View != "clusters" {
		unknown = nil // the view's remark covers its parameters
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		spec.Remarks = append(spec.Remarks, deck.Text{EN: "parameters " + strings.Join(unknown, ", "),
			BN: "প্যারামিটার " + strings.Join(unknown, ", ")})
	}
	return spec
}

// cameraBound returns the lon/lat extent a camera at zoom z centred on c
// shows in a frame of the box's size: 2^z 512-pixel tiles around the
// world, at 96 CSS pixels per inch.
func cameraBound(z float64, c orb.Point, bx box) orb.Bound {
	world := 512 * math.Pow(2, z) // pixels around the equator
	pxPerMM := 96 / 25.4
	hw := bx.W * pxPerMM / world * math.Pi // half the width, in Mercator units (2π around)
	hh := bx.H * pxPerMM / world * math.Pi
	x, y := mercator(c)
	return orb.Bound{Min: unmercator(x-hw, y-hh), Max: unmercator(x+hw, y+hh)}
}

// ViewData is what ViewPage draws a view with; the caller reads it from a
// store as the ViewSpec asks.
type ViewData struct {
	// Units are the units of the spec's level (with geometry); those
	// outside the extent are left out.
	Units []*geo.Unit
	// Sectors are the catalogue entries of the spec's sectors, in its
	// order; a code the catalogue lacks is not drawn.
	Sectors []guccho.Sector
	// Aggregates are the store's sums at the spec's level (for the LQ).
	Aggregates []profile.Aggregate
	Points     []orb.Point // the sectors' surveyed GPS points
	Selected   *geo.Unit   // the spec's Select, when found
	MinCount   float64
}

// ViewPage composes the page of a saved view: its title, subtitle and
// notes, the map of its camera with units in plain colours or their
// sector's LQ classes, the sectors' points and the selected unit outlined,
// and remarks on what it left out.
func ViewPage(v deck.View, spec ViewSpec, d ViewData) (Page, error) {
	page := Page{Title: v.Title, Subtitle: v.Subtitle, Notes: v.Notes, Remarks: slices.Clone(spec.Remarks)}
	if page.Title.EN == "" && page.Title.BN == "" {
		page.Title = deck.Text{EN: "Saved view " + v.ID, BN: "সংরক্ষিত ভিউ " + v.ID}
	}
	m := &page.Map
	m.Bound = spec.Bound
	if !spec.Camera {
		m.Bound = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
		for _, u := range d.Units {
			m.Bound = m.Bound.Union(u.Bound)
		}
	}
	shown := newFrame(m.Bound, pageLayout.Map).bound()
	level := levelName(spec.Level)
	var values map[string]float64
	var classes classing
	if spec.LQ && len(d.Sectors) > 0 {
		var err error
		values, classes, err = childClasses(Data{Sector: d.Sectors[0], Children: d.Units, ChildAggregates: d.Aggregates, Stat: LQ, MinCount: d.MinCount})
		if err != nil {
			return Page{}, err
		}
		name := deck.Text{EN: d.Sectors[0].NameEN, BN: d.Sectors[0].NameBN}
		m.Legend = Legend{Title: legendTitle(LQ, name, spec.Level), Classes: classes.legend}
	} else {
		if spec.LQ {
			page.Remarks = append(page.Remarks, deck.Text{EN: "the LQ map (the view names no sector of the catalogue)",
				BN: "এলকিউ মানচিত্র (ভিউতে ক্যাটালগের কোনো খাত নেই)"})
		}
		m.Legend = Legend{Title: deck.Text{EN: "Admin units: " + level.EN, BN: "প্রশাসনিক একক: " + level.BN},
			Classes: []Class{{Label: deck.Text{EN: level.EN, BN: level.BN}, Color: plainFill}}}
	}
	for _, u := range d.Units {
		if !u.Bound.Intersects(shown) {
			continue
		}
		fill := plainFill
		if values != nil {
			fill = classes.color(values[u.PCode])
		}
		m.Areas = append(m.Areas, Area{Geometry: u.Geometry, Fill: fill, Label: deck.Text{EN: u.DisplayName(), BN: u.NameBN}, LabelAt: u.Label})
	}
	if d.Selected != nil {
		m.Focus = d.Selected.Geometry
	}
	if len(d.Points) > 0 || (!spec.LQ && len(d.Sectors) > 0) {
		for _, q := range d.Points {
			if shown.Contains(q) {
				m.Points = append(m.Points, q)
			}
		}
		var en, bn []string
		for _, s := range d.Sectors {
			en, bn = append(en, s.NameEN), append(bn, s.NameBN)
		}
		m.Legend.Classes = append(m.Legend.Classes, Class{Dot: true, Color: pointFill,
			Label: deck.Text{EN: "Enterprise (surveyed GPS point): " + strings.Join(en, ", "), BN: "উদ্যোগ (জরিপের জিপিএস বিন্দু): " + strings.Join(bn, ", ")}})
	}
	return page, nil
}
