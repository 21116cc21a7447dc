package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/server"
)

func assembleServer(t *testing.T) (string, string) {
	t.Helper()
	ts, token := fullServer(t, func(cfg *server.Config) { storetest.LoadAssembleFixture(t, cfg.Store) })
	return ts.URL, token
}

func postJSON(t *testing.T, url, token, body string) response {
	t.Helper()
	return do(t, http.MethodPost, url, token, "application/json", strings.NewReader(body))
}

// assembledReport is the answer of POST /api/valuechains/assemble.
type assembledReport struct {
	Chain struct {
		ID, Name, Sector, Cluster, Admin string
		Synthetic                        bool
		Actors, Links                    int
	}
	Report struct {
		Producers, Suppliers, Buyers, Reused, Supporters int
		Skipped                                          []struct {
			EnterpriseID         string `json:"enterprise_id"`
			Field, Value, Reason string
		}
	}
}

// TestAssembleChain assembles the value chain of the footwear cluster fa of
// storetest.AssembleFixture, checked by hand there: 60 workshops, leather
// traders of Barishal district and rubber dealers of Amtali, the Amtali
// paikars (reusing the neighbour chain's wholesaler) and Bhola exporters,
// the neighbour's MFI, and 15 dealers named as buyers skipped.
func TestAssembleChain(t *testing.T) {
	url, token := assembleServer(t)
	const cluster = "smef:footwear_leather:fa-00"
	r := postJSON(t, url+"/api/valuechains/assemble", token, `{"cluster": "`+cluster+`"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("assemble: %d %s", r.status, r.body)
	}
	var got assembledReport
	decode(t, r, &got)
	if strings.Contains(string(r.body), `"Actors"`) || len(r.body) > 5000 {
		t.Errorf("the report carries the chain's actors (%d bytes); GET /api/valuechains/{id} serves them", len(r.body))
	}
	c := got.Chain
	if c.ID != "cluster-smef-footwear_leather-fa-00" || c.Cluster != cluster || c.Sector != "footwear_leather" || c.Admin != "BD100409" ||
		c.Synthetic || c.Actors != 65 || c.Links != 90 || c.Name != "Footwear and leather value chain around Amtali (from the survey)" {
		t.Errorf("chain = %+v", c)
	}
	rep := got.Report
	if rep.Producers != 60 || rep.Suppliers != 2 || rep.Buyers != 2 || rep.Reused != 1 || rep.Supporters != 1 || len(rep.Skipped) != 15 {
		t.Errorf("report: %d producers, %d suppliers, %d buyers, %d reused, %d supporters, %d skipped; want 60, 2, 2, 1, 1, 15",
			rep.Producers, rep.Suppliers, rep.Buyers, rep.Reused, rep.Supporters, len(rep.Skipped))
	}
	if s := rep.Skipped[0]; s.EnterpriseID != "fa-02" || s.Field != "buyer_type" || s.Value != "dealer" || !strings.Contains(s.Reason, "backwards") {
		t.Errorf("first skipped = %+v", s)
	}

	var chain struct {
		Actors []struct {
			ID, Name, Role, Admin string
		}
		Links []struct{ From, To, Flow string }
	}
	decode(t, get(t, url+"/api/valuechains/"+c.ID), &chain)
	var others []string
	for _, a := range chain.Actors {
		if a.Role != "producer" {
			others = append(others, fmt.Sprintf("%s %s %q %s", a.ID, a.Role, a.Name, a.Admin))
		}
	}
	want := []string{
		`in-1 input_supplier "Leather traders, Barishal" BD1006`,
		`buy-1 wholesaler "Amtali Bazar traders" BD100409`,
		`in-2 input_supplier "Rubber dealer, Amtali" BD100409`,
		`buy-2 exporter "Exporter, Bhola" BD1009`,
		`near-1 finance "Amtali MFI" BD10040911`,
	}
	if strings.Join(others, "\n") != strings.Join(want, "\n") {
		t.Errorf("actors:\n%s\nwant:\n%s", strings.Join(others, "\n"), strings.Join(want, "\n"))
	}
	// Links per supplier and buyer: fa-i with i mod 3 = 0 buy leather (20),
	// the others rubber (40); i mod 4 = 0 sell to paikars, 1 to exporters.
	count := map[string]int{}
	for _, l := range chain.Links {
		if !strings.HasPrefix(l.From, "p-") || strings.HasPrefix(l.To, "p-") || l.Flow != "goods" {
			count[l.From]++
		} else {
			count[l.To]++
		}
	}
	if got, want := fmt.Sprint(count), "map[buy-1:15 buy-2:15 in-1:20 in-2:40]"; got != want {
		t.Errorf("links per supplier and buyer = %s, want %s", got, want)
	}

	// Re-assembling replaces the chain: one chain for the cluster.
	if r := postJSON(t, url+"/api/valuechains/assemble", token, `{"cluster": "`+cluster+`", "method": "smef", "radius_km": 5}`); r.status != http.StatusCreated {
		t.Fatalf("re-assemble: %d %s", r.status, r.body)
	}
	var list struct{ Chains []struct{ ID string } }
	decode(t, get(t, url+"/api/valuechains?cluster="+cluster), &list)
	if len(list.Chains) != 1 {
		t.Errorf("chains of the cluster = %+v, want one", list.Chains)
	}
}

func TestAssembleChainErrors(t *testing.T) {
	url, token := assembleServer(t)
	for _, tc := range []struct {
		name, token, body string
		status            int
		code, want        string
	}{
		{"no token", "", `{"cluster": "smef:footwear_leather:fa-00"}`, 401, "unauthorized", "editor"},
		{"no cluster", token, `{}`, 400, "invalid", `field "cluster": missing`},
		{"unknown cluster", token, `{"cluster": "smef:footwear_leather:zz-01"}`, 404, "not_found", `cluster "smef:footwear_leather:zz-01"`},
		{"other parameters", token, `{"cluster": "smef:footwear_leather:fa-00", "min_units": 61}`, 404, "not_found", `cluster "smef:footwear_leather:fa-00"`},
		{"bad method", token, `{"cluster": "x:y:z"}`, 400, "invalid", `field method`},
		{"bad radius", token, `{"cluster": "smef:dairy:dc-00", "radius_km": 99}`, 400, "invalid", `field radius_km`},
		{"mixed sectors", token, `{"cluster": "dbscan:all:da-00"}`, 400, "invalid", `field "sector": cluster "dbscan:all:da-00" mixes sectors`},
		{"unknown sector", token, `{"cluster": "smef:dairy:dc-00", "sector": "zzz"}`, 400, "invalid", `field "sector": unknown sector "zzz"`},
		{"unknown field", token, `{"cluster": "smef:dairy:dc-00", "colour": 1}`, 400, "invalid", `colour`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, postJSON(t, url+"/api/valuechains/assemble", tc.token, tc.body), tc.status, tc.code, tc.want)
		})
	}
}
