package valuechain

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 15, 64) }

// WriteGraphML writes the chain as GraphML that Gephi, Cytoscape and
// networkx read: a directed graph, one node per actor (keys role, stage,
// name, name_bn, lon, lat; lon and lat only for placed actors) and one edge
// per link with the link's ID (keys flow, product, volume, unit,
// value_bdt; unknown volumes and values left out).
func (d *Data) WriteGraphML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	bw.WriteString(xml.Header)
	bw.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	for _, k := range []struct{ id, on, typ string }{
		{"role", "node", "string"}, {"stage", "node", "int"}, {"name", "node", "string"}, {"name_bn", "node", "string"},
		{"lon", "node", "double"}, {"lat", "node", "double"},
		{"flow", "edge", "string"}, {"product", "edge", "string"}, {"volume", "edge", "double"}, {"unit", "edge", "string"},
		{"value_bdt", "edge", "double"},
	} {
		bw.WriteString(`  <key id="` + k.id + `" for="` + k.on + `" attr.name="` + k.id + `" attr.type="` + k.typ + `"/>` + "\n")
	}
	bw.WriteString(`  <graph id="` + esc(d.Chain.ID) + `" edgedefault="directed">` + "\n")
	data := func(key, val string) {
		bw.WriteString(`      <data key="` + key + `">` + esc(val) + "</data>\n")
	}
	for _, a := range d.Actors {
		bw.WriteString(`    <node id="` + esc(a.ID) + `">` + "\n")
		data("role", string(a.Role))
		data("stage", strconv.Itoa(a.Role.Stage()))
		data("name", a.Name)
		if a.NameBN != "" {
			data("name_bn", a.NameBN)
		}
		if a.Placed() {
			data("lon", fmtNum(a.Lon))
			data("lat", fmtNum(a.Lat))
		}
		bw.WriteString("    </node>\n")
	}
	for _, l := range d.Links {
		bw.WriteString(`    <edge id="` + esc(l.ID) + `" source="` + esc(l.From) + `" target="` + esc(l.To) + `">` + "\n")
		data("flow", string(l.Flow))
		if l.Product != "" {
			data("product", l.Product)
		}
		if l.Volume > 0 {
			data("volume", fmtNum(l.Volume))
		}
		if l.Unit != "" {
			data("unit", l.Unit)
		}
		if l.Value > 0 {
			data("value_bdt", fmtNum(l.Value))
		}
		bw.WriteString("    </edge>\n")
	}
	bw.WriteString("  </graph>\n</graphml>\n")
	return bw.Flush()
}

// WriteGeoJSON writes the chain as a GeoJSON FeatureCollection: each placed
// actor a Point (properties kind "actor", id, name, name_bn, role, stage,
// function, admin, enterprise_id), then each link between two placed
// actors a LineString from seller (or payer) to buyer (or payee)
// (properties kind "link", id, from, to, flow, product, volume, unit,
// value_bdt, period). Actors and links that cannot be drawn are left out.
func (d *Data) WriteGeoJSON(w io.Writer) error {
	type feature struct {
		Type       string         `json:"type"`
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fs := []feature{}
	at := map[string][2]float64{}
	for _, a := range d.Actors {
		if !a.Placed() {
			continue
		}
		at[a.ID] = [2]float64{a.Lon, a.Lat}
		fs = append(fs, feature{Type: "Feature", ID: "actor:" + a.ID,
			Geometry: map[string]any{"type": "Point", "coordinates": [2]float64{a.Lon, a.Lat}},
			Properties: map[string]any{"kind": "actor", "id": a.ID, "name": a.Name, "name_bn": a.NameBN, "role": a.Role,
				"stage": a.Role.Stage(), "function": a.Role.Function(), "admin": a.Admin, "enterprise_id": a.EnterpriseID}})
	}
	for _, l := range d.Links {
		p, okp := at[l.From]
		q, okq := at[l.To]
		if !okp || !okq {
			continue
		}
		fs = append(fs, feature{Type: "Feature", ID: "link:" + l.ID,
			Geometry: map[string]any{"type": "LineString", "coordinates": [][2]float64{p, q}},
			Properties: map[string]any{"kind": "link", "id": l.ID, "from": l.From, "to": l.To, "flow": l.Flow,
				"product": l.Product, "volume": l.Volume, "unit": l.Unit, "value_bdt": l.Value, "period": l.Period}})
	}
	return json.NewEncoder(w).Encode(map[string]any{"type": "FeatureCollection", "features": fs})
}

// CSVHeader is the header row of WriteCSV.
var CSVHeader = []string{"id", "from", "from_name", "from_role", "to", "to_name", "to_role", "flow", "product", "volume", "unit", "value_bdt", "period"}

// WriteCSV writes the links as CSV, one row each with both actors' names
// and roles (columns CSVHeader; unknown volumes and values blank).
func (d *Data) WriteCSV(w io.Writer) error {
	byID := make(map[string]Actor, len(d.Actors))
	for _, a := range d.Actors {
		byID[a.ID] = a
	}
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	opt := func(x float64) string {
		if x == 0 {
			return ""
		}
		return fmtNum(x)
	}
	for _, l := range d.Links {
		f, t := byID[l.From], byID[l.To]
		cw.Write([]string{l.ID, l.From, f.Name, string(f.Role), l.To, t.Name, string(t.Role), string(l.Flow), l.Product,
			opt(l.Volume), l.Unit, opt(l.Value), l.Period})
	}
	cw.Flush()
	return cw.Error()
}
