package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
)

// importChain posts the chain files and fields to /api/valuechains/import.
func importChain(t *testing.T, url, token, actors, links string, fields map[string]string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, path := range map[string]string{"actors": actors, "links": links} {
		content, err := os.ReadFile(path)
		if err != nil {
			content = []byte(path) // the content itself
			path = name + ".csv"
		}
		fw, _ := mw.CreateFormFile(name, path[strings.LastIndex(path, "/")+1:])
		fw.Write(content)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return do(t, http.MethodPost, url+"/api/valuechains/import", token, mw.FormDataContentType(), &body)
}

const (
	bhairabActors = "../valuechain/testdata/bhairab_actors.csv"
	bhairabLinks  = "../valuechain/testdata/bhairab_links.csv"
)

func bhairabServer(t *testing.T) (string, string) {
	t.Helper()
	ts, token := fullServer(t, nil)
	r := importChain(t, ts.URL, token, bhairabActors, bhairabLinks,
		map[string]string{"id": "bhairab", "name": "Bhairab footwear", "sector": "footwear_leather", "cluster": "c1", "admin": "BD304811"})
	if r.status != http.StatusOK {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	return ts.URL, token
}

func TestValuechainImportListAndGet(t *testing.T) {
	url, _ := bhairabServer(t)
	for _, tc := range []struct{ query, want string }{
		{"", "bhairab 10 11"},
		{"?sector=footwear_leather", "bhairab 10 11"},
		{"?sector=dairy", ""},
		{"?cluster=c1", "bhairab 10 11"},
		{"?admin=BD3048", "bhairab 10 11"},
		{"?admin=BD10", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var list struct {
				Chains []struct {
					ID, Name, Sector, Cluster, Admin string
					Synthetic                        bool
					Actors, Links                    int
				}
			}
			decode(t, get(t, url+"/api/valuechains"+tc.query), &list)
			var parts []string
			for _, c := range list.Chains {
				parts = append(parts, c.ID+" "+itoa64(int64(c.Actors))+" "+itoa64(int64(c.Links)))
			}
			if got := strings.Join(parts, ", "); got != tc.want {
				t.Errorf("chains = %q, want %q", got, tc.want)
			}
		})
	}
	wantError(t, get(t, url+"/api/valuechains?sector=zzz"), 400, "invalid", "parameter sector")
	wantError(t, get(t, url+"/api/valuechains?admin=XX"), 400, "invalid", "parameter admin")

	var got struct {
		Chain struct {
			ID, Sector string
		}
		Actors []struct {
			ID, Role, Function string
			Stage              int
		}
		Links    []struct{ ID, From, To, Flow string }
		Stages   []string
		Analysis struct {
			Actors []struct {
				ID               string
				InDegree         int     `json:"in_degree"`
				Betweenness      float64 `json:"betweenness"`
				CutsOffProducers int     `json:"cuts_off_producers"`
			}
			Stages []struct {
				Stage      int
				Role       string
				ValueAdded *float64 `json:"value_added"`
				Volumes    []struct{ Product, Unit string }
			}
			Missing     []string
			Producers   int
			Connected   int
			Bottlenecks []struct {
				Kind         string
				ID           string
				ProducersCut int `json:"producers_cut"`
			}
		}
	}
	r := get(t, url+"/api/valuechains/bhairab")
	decode(t, r, &got)
	if got.Chain.ID != "bhairab" || got.Chain.Sector != "footwear_leather" || len(got.Actors) != 10 || len(got.Links) != 11 {
		t.Fatalf("GET: chain %+v with %d actors, %d links", got.Chain, len(got.Actors), len(got.Links))
	}
	if a := got.Actors[2]; a.ID != "w1" || a.Function != "operator" || a.Stage != 2 {
		t.Errorf("actor 3 = %+v, want w1, operator, stage 2", a)
	}
	if got.Links[0].ID == "" {
		t.Error("links have no id")
	}
	if s := strings.Join(got.Stages, ","); s != "input_supplier,producer,collector,processor,wholesaler,retailer,exporter" {
		t.Errorf("stages = %s", s)
	}
	an := got.Analysis
	if strings.Join(an.Missing, ",") != "processor,exporter" || an.Producers != 3 || an.Connected != 3 {
		t.Errorf("missing %v, producers %d, connected %d; want processor,exporter, 3, 3", an.Missing, an.Producers, an.Connected)
	}
	if b := an.Bottlenecks; len(b) == 0 || b[0].Kind != "actor" || b[0].ID != "dhaka" || b[0].ProducersCut != 3 {
		t.Errorf("first bottleneck %+v, want actor dhaka cutting 3", b)
	}
	links := 0
	for _, b := range an.Bottlenecks {
		if b.Kind == "link" {
			links++
			if !strings.HasPrefix(b.ID, "l-") {
				t.Errorf("link bottleneck id %q, want a link id", b.ID)
			}
		}
	}
	if links == 0 {
		t.Error("no link among the bottlenecks, want dhaka → shop")
	}
	if st := an.Stages[5]; st.Role != "retailer" || st.Stage != 6 || st.ValueAdded != nil {
		t.Errorf("stage 6 = %+v, want retailer with value_added null", st)
	}
	if !strings.Contains(string(r.body), `"value_added":null`) {
		t.Error("unknown value added is not null in the JSON")
	}
	if an.Actors[6].ID != "dhaka" || an.Actors[6].CutsOffProducers != 3 || an.Actors[6].InDegree != 2 {
		t.Errorf("dhaka's figures %+v", an.Actors[6])
	}
	wantError(t, get(t, url+"/api/valuechains/nope"), 404, "not_found", "nope")
	wantError(t, get(t, url+"/api/valuechains/bhairab?format=pdf"), 400, "invalid", "parameter format")
}

func TestValuechainImportIsAllOrNothing(t *testing.T) {
	ts, token := fullServer(t, nil)
	links := "from,to,flow,volume\nw1,ghost,goods,\nshop,w1,goods,\nw1,shop,goods,-1\n"
	actors := "id,role\nw1,producer\nshop,retailer\n"
	r := importChain(t, ts.URL, token, actors, links, map[string]string{"id": "x", "sector": "footwear_leather"})
	if r.status != 400 {
		t.Fatalf("status %d, want 400 (%s)", r.status, r.body)
	}
	var e struct {
		Error struct {
			Code string
			Rows []struct {
				File   string
				Row    int
				Field  string
				Reason string
			}
		}
	}
	decode(t, r, &e)
	var rows []string
	for _, b := range e.Error.Rows {
		rows = append(rows, b.File+":"+itoa64(int64(b.Row))+":"+b.Field)
	}
	if got, want := strings.Join(rows, " "), "links.csv:1:to links.csv:2:to links.csv:3:volume"; got != want {
		t.Errorf("bad rows %q, want %q", got, want)
	}
	wantError(t, get(t, ts.URL+"/api/valuechains/x"), 404, "not_found", "x")
	for _, tc := range []struct {
		name   string
		fields map[string]string
		token  string
		status int
		want   string
	}{
		{"no token", map[string]string{"sector": "footwear_leather"}, "", 401, ""},
		{"no sector", map[string]string{"id": "x"}, token, 400, `field "sector"`},
		{"bad admin", map[string]string{"sector": "footwear_leather", "admin": "Dhaka"}, token, 400, `field "admin"`},
		{"bad id", map[string]string{"sector": "footwear_leather", "id": "a/b"}, token, 400, `field "id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := importChain(t, ts.URL, tc.token, "id,role\nw1,producer\nshop,retailer\n", "from,to,flow\nw1,shop,goods\n", tc.fields)
			if tc.status == 400 {
				wantError(t, r, 400, "invalid", tc.want)
			} else if r.status != tc.status {
				t.Errorf("%d %s; want %d", r.status, r.body, tc.status)
			}
		})
	}
}

func TestValuechainEditing(t *testing.T) {
	ts, token := fullServer(t, nil)
	url := ts.URL + "/api/valuechains"
	send := func(method, path, body string, tok string) response {
		t.Helper()
		return do(t, method, url+path, tok, "application/json", strings.NewReader(body))
	}
	if r := send("POST", "", `{"id":"dairy-1","sector":"dairy"}`, ""); r.status != 401 {
		t.Errorf("POST without a token: %d, want 401", r.status)
	}
	if r := send("POST", "", `{"id":"dairy-1","name":"Milk","sector":"dairy","admin":"BD5088"}`, token); r.status != 201 {
		t.Fatalf("POST chain: %d %s", r.status, r.body)
	}
	wantError(t, send("POST", "", `{"id":"dairy-1","sector":"dairy"}`, token), 409, "conflict", "dairy-1")
	wantError(t, send("POST", "", `{"id":"d2","sector":"milkshake"}`, token), 400, "invalid", `field "sector"`)
	for _, a := range []string{
		`{"id":"farm","name":"Farm","role":"producer","lon":89.7,"lat":24.4}`,
		`{"id":"chilling","role":"collector"}`,
		`{"id":"shop","role":"retailer"}`,
	} {
		if r := send("POST", "/dairy-1/actors", a, token); r.status != 201 {
			t.Fatalf("POST actor %s: %d %s", a, r.status, r.body)
		}
	}
	wantError(t, send("POST", "/dairy-1/actors", `{"id":"x","role":"producer","lon":2.3,"lat":48.8}`, token), 400, "invalid", `field "lon"`)
	wantError(t, send("POST", "/dairy-1/actors", `{"id":"x","role":"milkman"}`, token), 400, "invalid", `field "role"`)
	wantError(t, send("POST", "/nope/actors", `{"id":"x","role":"producer"}`, token), 404, "not_found", "nope")
	r := send("POST", "/dairy-1/links", `{"from":"farm","to":"chilling","flow":"goods","product":"milk","volume":100,"unit":"litres"}`, token)
	var l struct{ ID string }
	decode(t, r, &l)
	if r.status != 201 || l.ID == "" {
		t.Fatalf("POST link: %d %s", r.status, r.body)
	}
	wantError(t, send("POST", "/dairy-1/links", `{"from":"shop","to":"farm","flow":"goods"}`, token), 400, "invalid", "goods run backwards")
	wantError(t, send("POST", "/dairy-1/links", `{"from":"farm","to":"ghost","flow":"goods"}`, token), 400, "invalid", `field "to"`)
	wantError(t, send("PUT", "/dairy-1/actors/chilling", `{"id":"chilling","role":"input_supplier"}`, token), 400, "invalid", "goods run backwards")
	wantError(t, send("PUT", "/dairy-1/actors/chilling", `{"id":"other","role":"collector"}`, token), 400, "invalid", `field "id"`)
	if r := send("PUT", "/dairy-1/actors/chilling", `{"role":"collector","name":"Chilling centre","function":"operator","stage":3}`, token); r.status != 200 {
		t.Errorf("PUT actor: %d %s", r.status, r.body)
	}
	if r := send("PUT", "/dairy-1/links/"+l.ID, `{"from":"farm","to":"chilling","flow":"goods","product":"milk","volume":120,"unit":"litres"}`, token); r.status != 200 {
		t.Errorf("PUT link: %d %s", r.status, r.body)
	}
	if r := send("PUT", "/dairy-1", `{"name":"Sirajganj milk","sector":"dairy"}`, token); r.status != 200 {
		t.Errorf("PUT chain: %d %s", r.status, r.body)
	}
	var got struct {
		Chain  struct{ Name string }
		Actors []struct{ ID, Name string }
		Links  []struct{ Volume float64 }
	}
	decode(t, get(t, url+"/dairy-1"), &got)
	if got.Chain.Name != "Sirajganj milk" || len(got.Actors) != 3 || got.Actors[1].Name != "Chilling centre" || len(got.Links) != 1 || got.Links[0].Volume != 120 {
		t.Errorf("after edits: %+v", got)
	}
	if r := send("DELETE", "/dairy-1/links/"+l.ID, "", token); r.status != 204 {
		t.Errorf("DELETE link: %d", r.status)
	}
	if r := send("DELETE", "/dairy-1/actors/shop", "", token); r.status != 204 {
		t.Errorf("DELETE actor: %d", r.status)
	}
	if r := send("DELETE", "/dairy-1", "", token); r.status != 204 {
		t.Errorf("DELETE chain: %d", r.status)
	}
	wantError(t, get(t, url+"/dairy-1"), 404, "not_found", "dairy-1")
}

func TestValuechainExports(t *testing.T) {
	url, _ := bhairabServer(t)
	r := get(t, url+"/api/valuechains/bhairab?format=csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 12 {
		t.Fatalf("csv: %d rows (%v), want a header and 11 links", len(rows), err)
	}
	if got := strings.Join(rows[1][1:5], ","); got != "leather,Hazaribagh leather trader,input_supplier,w1" {
		t.Errorf("first link row %v", rows[1])
	}
	r = get(t, url+"/api/valuechains/bhairab?format=geojson")
	var fc struct {
		Type     string
		Features []json.RawMessage
	}
	decode(t, r, &fc)
	if r.status != 200 || fc.Type != "FeatureCollection" || len(fc.Features) != 0 {
		t.Errorf("geojson of an unplaced chain: %d, %s with %d features; want 0 features", r.status, fc.Type, len(fc.Features))
	}
	r = get(t, url+"/api/valuechains/bhairab?format=graphml")
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "graphml") || !bytes.Contains(r.body, []byte(`<node id="dhaka">`)) {
		t.Errorf("graphml: %d %s", r.status, r.header.Get("Content-Type"))
	}
}
