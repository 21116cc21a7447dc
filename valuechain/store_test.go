package valuechain_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/valuechain"
)

func TestLinkIDsAreStableAndUnique(t *testing.T) {
	ls := []valuechain.Link{
		{From: "a", To: "b", Flow: valuechain.Goods, Product: "shoes"},
		{From: "a", To: "b", Flow: valuechain.Goods, Product: "shoes"}, // same key: suffixed
		{ID: "mine", From: "a", To: "b", Flow: valuechain.Money},
		{From: "a", To: "b", Flow: valuechain.Goods, Product: "shoes", Volume: 5, Unit: "pairs"}, // volume is not in the key
	}
	ids := valuechain.LinkIDs(ls)
	if !strings.HasPrefix(ids[0], "l-") || len(ids[0]) != 12 {
		t.Errorf("derived id %q, want l- and 10 hex digits", ids[0])
	}
	if ids[1] != ids[0]+"-2" || ids[2] != "mine" || ids[3] != ids[0]+"-3" {
		t.Errorf("ids %q, want the derived one, -2, mine, -3", ids)
	}
	if again := valuechain.LinkIDs(ls[:1]); again[0] != ids[0] {
		t.Errorf("the same link derived %q, then %q", ids[0], again[0])
	}
	other := valuechain.LinkIDs([]valuechain.Link{{From: "a", To: "b", Flow: valuechain.Goods, Product: "shoes", Period: "2025"}})
	if other[0] == ids[0] {
		t.Error("a link of another period got the same id")
	}
}

func TestCheckPlacesAndLinkIDs(t *testing.T) {
	as := []valuechain.Actor{
		{ID: "a", Role: valuechain.Producer, Lon: 90.4, Lat: 23.7},
		{ID: "b", Role: valuechain.Retailer, Lon: 2.35, Lat: 48.85}, // Paris
		{ID: "c", Role: valuechain.Retailer, Lon: 90.4, Lat: 30},    // lat only
	}
	ls := []valuechain.Link{
		{ID: "x", From: "a", To: "b", Flow: valuechain.Goods},
		{ID: "x", From: "a", To: "c", Flow: valuechain.Goods},
		{ID: "a b", From: "a", To: "c", Flow: valuechain.Money},
	}
	var got []string
	for _, p := range valuechain.Check(as, ls) {
		got = append(got, strings.Join([]string{map[bool]string{false: "actor", true: "link"}[p.Link], strconv.Itoa(p.Index), p.Field}, " "))
	}
	want := "actor 1 lon, actor 2 lat, link 1 id, link 2 id"
	if strings.Join(got, ", ") != want {
		t.Errorf("problems %q, want %q", strings.Join(got, ", "), want)
	}
}

func fiveData() *valuechain.Data {
	return &valuechain.Data{
		Chain: valuechain.Chain{ID: "vc", Sector: "footwear_leather"},
		Actors: []valuechain.Actor{
			{ID: "leather", Role: valuechain.InputSupplier, Lon: 90.37, Lat: 23.73, Name: "Leather <&> trader", NameBN: "চামড়া"},
			{ID: "w1", Role: valuechain.Producer, Lon: 90.99, Lat: 24.05},
			{ID: "w2", Role: valuechain.Producer},
			{ID: "shop", Role: valuechain.Retailer, Lon: 90.41, Lat: 23.71},
			{ID: "mfi", Role: valuechain.Finance},
		},
		Links: []valuechain.Link{
			{From: "leather", To: "w1", Flow: valuechain.Goods, Product: "leather", Volume: 500, Unit: "sq ft", Value: 40000},
			{From: "w1", To: "shop", Flow: valuechain.Goods, Product: "shoes", Volume: 600, Unit: "pairs", Value: 120000},
			{From: "w1", To: "shop", Flow: valuechain.Goods, Product: "shoes", Period: "2025"},
			{From: "w2", To: "shop", Flow: valuechain.Goods, Product: "shoes"},
			{From: "mfi", To: "w1", Flow: valuechain.Money, Value: 20000},
		},
	}
}

func TestDataEditsKeepTheChainValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *valuechain.Data) error
		code string
		want string
	}{
		{"actor id taken", func(d *valuechain.Data) error {
			return d.AddActor(valuechain.Actor{ID: "w1", Role: valuechain.Producer})
		}, guccho.ECONFLICT, "w1"},
		{"role that turns goods backwards", func(d *valuechain.Data) error {
			return d.SetActor(valuechain.Actor{ID: "shop", Role: valuechain.InputSupplier})
		}, guccho.EINVALID, `field "to": goods run backwards`},
		{"link to an unknown actor", func(d *valuechain.Data) error {
			return d.AddLink(&valuechain.Link{From: "w1", To: "ghost", Flow: valuechain.Goods})
		}, guccho.EINVALID, `field "to": no actor "ghost"`},
		{"missing link", func(d *valuechain.Data) error { return d.RemoveLink("nope") }, guccho.ENOTFOUND, "nope"},
		{"chain without sector", func(d *valuechain.Data) error { d.Chain.Sector = ""; return d.Validate() }, guccho.EINVALID, `field "sector"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := fiveData()
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			before, _ := json.Marshal(d)
			err := tc.edit(d)
			if guccho.ErrorCode(err) != tc.code || !strings.Contains(guccho.ErrorMessage(err), tc.want) {
				t.Errorf("error %v, want %s naming %s", err, tc.code, tc.want)
			}
			if after, _ := json.Marshal(d); tc.code != guccho.EINVALID || tc.name != "chain without sector" {
				if !bytes.Equal(before, after) {
					t.Errorf("a refused edit changed the chain")
				}
			}
		})
	}
	d := fiveData()
	gone, err := d.RemoveActor("w1")
	if err != nil || len(gone) != 4 || len(d.Links) != 1 || len(d.Actors) != 4 {
		t.Errorf("RemoveActor(w1): %d links gone (%v), %d left, %d actors; want 4, 1, 4", len(gone), err, len(d.Links), len(d.Actors))
	}
}

func TestAnalysisJSON(t *testing.T) {
	g := bhairab(t)
	a, err := g.Analyze(valuechain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	for _, key := range []string{"actors", "stages", "missing", "producers", "connected", "bottlenecks", "pivots"} {
		if _, ok := got[key]; !ok {
			t.Errorf("no %q in %s", key, b)
		}
	}
	actor := got["actors"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "in_degree", "out_degree", "degree_centrality", "betweenness", "betweenness_normalized", "cuts_off_producers"} {
		if _, ok := actor[key]; !ok {
			t.Errorf("no %q in actor %v", key, actor)
		}
	}
	retail := got["stages"].([]any)[5].(map[string]any)
	if retail["role"] != "retailer" || retail["value_added"] != nil || retail["margin"] != nil || retail["stage"] != 6.0 {
		t.Errorf("retail stage %v, want role retailer, stage 6, value_added and margin null", retail)
	}
	bn := got["bottlenecks"].([]any)
	var link map[string]any
	for _, x := range bn {
		if m := x.(map[string]any); m["kind"] == "link" && link == nil {
			link = m
		}
	}
	if link == nil || link["from"] != "dhaka" || link["to"] != "shop" || !strings.HasPrefix(link["id"].(string), "l-") || link["producers_cut"] != 3.0 {
		t.Errorf("link bottleneck %v, want dhaka → shop with its id, cutting 3", link)
	}
}

// graphML is what the tests read back from WriteGraphML.
type graphML struct {
	Keys []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
		} `xml:"edge"`
	} `xml:"graph"`
}

func TestGraphMLReadsBack(t *testing.T) {
	d := fiveData()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.WriteGraphML(&buf); err != nil {
		t.Fatal(err)
	}
	var g graphML
	if err := xml.Unmarshal(buf.Bytes(), &g); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.Bytes())
	}
	var keys []string
	for _, k := range g.Keys {
		keys = append(keys, k.For+":"+k.ID)
	}
	if got, want := strings.Join(keys, " "), "node:role node:stage node:name node:name_bn node:lon node:lat edge:flow edge:product edge:volume edge:unit edge:value_bdt"; got != want {
		t.Errorf("keys %q, want %q", got, want)
	}
	if g.Graph.EdgeDefault != "directed" || len(g.Graph.Nodes) != 5 || len(g.Graph.Edges) != 5 {
		t.Fatalf("graph %s with %d nodes, %d edges; want directed, 5, 5", g.Graph.EdgeDefault, len(g.Graph.Nodes), len(g.Graph.Edges))
	}
	n := g.Graph.Nodes[0]
	vals := map[string]string{}
	for _, x := range n.Data {
		vals[x.Key] = x.Value
	}
	if n.ID != "leather" || vals["name"] != "Leather <&> trader" || vals["name_bn"] != "চামড়া" || vals["lon"] != "90.37" || vals["stage"] != "1" {
		t.Errorf("node 1 %s %v", n.ID, vals)
	}
	if e := g.Graph.Edges[1]; e.ID != d.Links[1].ID || e.Source != "w1" || e.Target != "shop" {
		t.Errorf("edge 2 %+v, want %s w1 → shop", e, d.Links[1].ID)
	}
}

// TestNetworkxReadsGraphML reads the GraphML with networkx.read_graphml;
// it skips without networkx, except under CI=true.
func TestNetworkxReadsGraphML(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import networkx").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("networkx is not installed (python3-networkx): %v", err)
		}
		t.Skip("networkx is not installed (python3-networkx)")
	}
	d := fiveData()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "chain.graphml")
	var buf bytes.Buffer
	d.WriteGraphML(&buf)
	os.WriteFile(path, buf.Bytes(), 0o644)
	script := `import sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
print(type(g).__name__, g.number_of_nodes(), g.number_of_edges(), g.nodes["leather"]["lon"], g.nodes["w1"]["stage"], g.nodes["leather"]["name_bn"],
      sorted(d["value_bdt"] for _, _, d in g.edges(data=True) if "value_bdt" in d))`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("networkx: %v\n%s", err, out)
	}
	want := "MultiDiGraph 5 5 90.37 2 চামড়া [20000.0, 40000.0, 120000.0]"
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("networkx read %q, want %q", got, want)
	}
}

func TestGeoJSONDrawsPlacedActorsAndTheirLinks(t *testing.T) {
	d := fiveData()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.WriteGeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID       string
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fc.Features {
		got = append(got, f.Geometry.Type+" "+f.Properties["id"].(string))
	}
	// w2 and mfi are not placed: their links are left out.
	want := "Point leather, Point w1, Point shop, LineString " + d.Links[0].ID + ", LineString " + d.Links[1].ID + ", LineString " + d.Links[2].ID
	if strings.Join(got, ", ") != want {
		t.Errorf("features %q, want %q", strings.Join(got, ", "), want)
	}
	if c := string(fc.Features[3].Geometry.Coordinates); c != "[[90.37,23.73],[90.99,24.05]]" {
		t.Errorf("first line %s", c)
	}
}
