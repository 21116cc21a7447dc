package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/gpkg"
	"github.com/guccho/guccho/survey"
)

// statsFormats are the values of the format parameter of GET /api/stats/….
var statsFormats = []string{"json", "csv", "geojson", "gpkg"}

// statsFormat takes the format parameter out of q: "json" when absent.
func statsFormat(q url.Values) (string, error) {
	f := q.Get("format")
	q.Del("format")
	if f == "" {
		return "json", nil
	}
	for _, ok := range statsFormats {
		if f == ok {
			return f, nil
		}
	}
	return "", badParam("format", "%q: want %s", f, strings.Join(statsFormats, ", "))
}

// statsColumn is one per-unit column of a statistics export.
type statsColumn struct {
	name string
	typ  gpkg.FieldType
	get  func(u *statsUnit) any // a string, a float64, or a *float64 (nil: no value)
}

// statsColumns returns the columns of an export of statistic: the unit, its
// value, and what the statistic gives each unit (as in the JSON answer).
func statsColumns(statistic string) []statsColumn {
	cols := []statsColumn{
		{"pcode", gpkg.Text, func(u *statsUnit) any { return u.PCode }},
		{"level", gpkg.Text, func(u *statsUnit) any { return u.LevelName }},
		{"name_en", gpkg.Text, func(u *statsUnit) any { return u.NameEN }},
		{"name_bn", gpkg.Text, func(u *statsUnit) any { return u.NameBN }},
		{"value", gpkg.Real, func(u *statsUnit) any { return u.Value }},
	}
	local := []statsColumn{
		{"stat", gpkg.Real, func(u *statsUnit) any { return u.Stat }},
		{"expected", gpkg.Real, func(u *statsUnit) any { return u.Expected }},
		{"z", gpkg.Real, func(u *statsUnit) any { return u.Z }},
		{"p_norm", gpkg.Real, func(u *statsUnit) any { return u.PNorm }},
		{"p_sim", gpkg.Real, func(u *statsUnit) any { return u.PSim }},
		{"p_adj", gpkg.Real, func(u *statsUnit) any { return u.PAdj }},
	}
	class := statsColumn{"class", gpkg.Text, func(u *statsUnit) any { return u.Class }}
	switch statistic {
	case "lq":
		cols = append(cols,
			statsColumn{"total", gpkg.Real, func(u *statsUnit) any { return u.Total }},
			statsColumn{"lq", gpkg.Real, func(u *statsUnit) any { return u.LQ }})
	case "local-moran":
		cols = append(append(cols, local...), statsColumn{"quadrant", gpkg.Text, func(u *statsUnit) any { return u.Quadrant }}, class)
	case "hotspots":
		cols = append(append(cols, local...), class)
	}
	return cols
}

// jsonValue returns a column value for JSON: a number, a string, or nil.
func jsonValue(v any) any {
	if p, ok := v.(*float64); ok {
		if p == nil {
			return nil
		}
		return *p
	}
	return v
}

// csvValue formats a column value as the CSV files of the commands do: 15
// significant digits, "" for no value.
func csvValue(v any) string {
	switch x := jsonValue(v).(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', 15, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// statsSummary is what an export carries besides the units: in GeoJSON as
// members of the FeatureCollection, in a GeoPackage as the layer's
// description.
type statsSummary struct {
	Parameters statsParams     `json:"parameters"`
	Weights    *weightsSummary `json:"weights,omitempty"`
	Global     *statsGlobal    `json:"global,omitempty"`
	Unassigned float64         `json:"unassigned"`
}

// exportStats writes a statistics answer as CSV, GeoJSON or a GeoPackage,
// one row or feature per unit, with the unit's boundary as geometry
// (GeoJSON and GeoPackage).
func (s *Server) exportStats(w http.ResponseWriter, r *http.Request, p statsParams, format string) {
	ans, err := s.computeStats(r, s.statsVersions(), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cols := statsColumns(p.Statistic)
	sector := p.Sector
	if sector == "" {
		sector = "all"
	}
	name := fmt.Sprintf("guccho-%s-%s-%s-%s", p.Statistic, sector, p.Measure, p.Level)
	summary := statsSummary{Parameters: p, Weights: ans.Weights, Global: ans.Global, Unassigned: ans.Unassigned}

	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		head := make([]string, len(cols))
		for i, c := range cols {
			head[i] = c.name
		}
		cw := survey.NewCSVWriter(w, head)
		for i := range ans.Units {
			row := make([]string, len(cols))
			for j, c := range cols {
				row[j] = csvValue(c.get(&ans.Units[i]))
			}
			if err := cw.Write(row); err != nil {
				break
			}
		}
		cw.Flush()
		return
	}

	geoms, err := s.unitGeometries(r, p.level)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if format == "geojson" {
		doc := struct {
			Type string `json:"type"`
			statsSummary
			Features []*geojson.Feature `json:"features"`
		}{Type: "FeatureCollection", statsSummary: summary, Features: make([]*geojson.Feature, len(ans.Units))}
		for i := range ans.Units {
			u := &ans.Units[i]
			f := &geojson.Feature{Type: "Feature", ID: u.FeatureID, Properties: geojson.Properties{}}
			if g := geoms[u.PCode]; len(g) > 0 {
				f.Geometry = g
			}
			for _, c := range cols {
				f.Properties[c.name] = jsonValue(c.get(u))
			}
			doc.Features[i] = f
		}
		w.Header().Set("Content-Type", "application/geo+json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.geojson"`)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(doc)
		return
	}

	desc, _ := json.Marshal(summary)
	s.sendGPKG(w, r, name, func(gw *gpkg.Writer) error {
		return writeStatsLayer(gw, strings.ReplaceAll(p.Statistic, "-", "_"), string(desc), cols, ans.Units, geoms)
	})
}

// unitGeometries returns the boundaries of the units of level lv by P-code.
func (s *Server) unitGeometries(r *http.Request, lv geo.Level) (map[string]orb.MultiPolygon, error) {
	us, err := s.cfg.Geo.FindUnits(r.Context(), geo.UnitFilter{Level: &lv, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	out := make(map[string]orb.MultiPolygon, len(us))
	for _, u := range us {
		out[u.PCode] = u.Geometry
	}
	return out, nil
}

// sendGPKG answers with a GeoPackage named name.gpkg that write fills: the
// file is written in the server's temporary directory first (SQLite needs
// a file), then sent with its length, and removed. An error from write
// answers as an error; nothing has been sent by then.
func (s *Server) sendGPKG(w http.ResponseWriter, r *http.Request, name string, write func(*gpkg.Writer) error) {
	tmp, err := os.CreateTemp(s.cfg.TempDir, "guccho-export-*.gpkg")
	if err != nil {
		s.writeError(w, r, guccho.WrapError(err, guccho.EUNAVAILABLE, "no room for the GeoPackage"))
		return
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	gw, err := gpkg.Create(r.Context(), path)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := write(gw); err != nil {
		gw.Discard()
		s.writeError(w, r, err)
		return
	}
	if err := gw.Close(); err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.writeError(w, r, guccho.WrapError(err, guccho.EINTERNAL, "reading the GeoPackage"))
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		w.Header().Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	}
	w.Header().Set("Content-Type", "application/geopackage+sqlite3")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.gpkg"`)
	if _, err := io.Copy(w, f); err != nil {
		s.cfg.Logger.Warn("gpkg export stopped", "err", err)
	}
}

// writeStatsLayer adds the units as one layer named layer, with the unit
// boundaries as geometry.
func writeStatsLayer(gw *gpkg.Writer, layer, desc string, cols []statsColumn, units []statsUnit, geoms map[string]orb.MultiPolygon) error {
	fields := make([]gpkg.Field, len(cols))
	for i, c := range cols {
		fields[i] = gpkg.Field{Name: c.name, Type: c.typ}
	}
	l, err := gw.AddLayer(gpkg.Schema{Name: layer, Description: desc, Geometry: gpkg.MultiPolygon, Fields: fields})
	if err != nil {
		return err
	}
	values := make([]any, len(cols))
	for i := range units {
		u := &units[i]
		for j, c := range cols {
			values[j] = c.get(u)
		}
		var g orb.Geometry
		if mp := geoms[u.PCode]; len(mp) > 0 {
			g = mp
		}
		if err := l.Add(g, values...); err != nil {
			return err
		}
	}
	return nil
}
