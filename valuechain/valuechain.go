// Package valuechain models the value chains around microenterprise
// clusters: the actors (GIZ ValueLinks categories: operators, supporters and
// enablers), the links between them that carry goods, services or money,
// and a Graph to walk them; Read loads chains from files, Analyze computes
// centrality, stage flows and bottlenecks, and Store is the interface the
// stores implement to keep chains (every write checked with Check over the
// whole chain). Pure Go; stores and the API build on it.
package valuechain

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/guccho/guccho"
)

// Role is an actor's function in a value chain.
type Role string

// Operators move the product along the chain.
const (
	InputSupplier Role = "input_supplier"
	Producer      Role = "producer"
	Collector     Role = "collector" // collector or aggregator
	Processor     Role = "processor"
	Wholesaler    Role = "wholesaler"
	Retailer      Role = "retailer"
	Exporter      Role = "exporter"
)

// Supporters serve the operators.
const (
	Finance          Role = "finance" // MFI, bank, PKSF partner organisation
	BusinessServices Role = "business_services"
	ServiceCentre    Role = "common_service_centre"
	Training         Role = "training" // training and mentoring
)

// Enablers set the rules and the frame.
const (
	Regulator   Role = "regulator" // DoE, BSTI, …
	Association Role = "association"
	Programme   Role = "programme"
)

// Function groups roles as ValueLinks does.
type Function string

// The three functions.
const (
	Operator  Function = "operator"
	Supporter Function = "supporter"
	Enabler   Function = "enabler"
)

var roleFunction = map[Role]Function{
	InputSupplier: Operator, Producer: Operator, Collector: Operator, Processor: Operator,
	Wholesaler: Operator, Retailer: Operator, Exporter: Operator,
	Finance: Supporter, BusinessServices: Supporter, ServiceCentre: Supporter, Training: Supporter,
	Regulator: Enabler, Association: Enabler, Programme: Enabler,
}

// Function returns the role's function; "" for an unknown role.
func (r Role) Function() Function { return roleFunction[r] }

// Roles lists every known role, operators first in chain order.
func Roles() []Role {
	return []Role{InputSupplier, Producer, Collector, Processor, Wholesaler, Retailer, Exporter,
		Finance, BusinessServices, ServiceCentre, Training, Regulator, Association, Programme}
}

// Flow is what a link carries.
type Flow string

// The flows.
const (
	Goods    Flow = "goods"
	Services Flow = "services"
	Money    Flow = "money"
)

// Stage returns the operator role's place in the chain, counting from 1 for
// input suppliers to 7 for exporters: input_supplier, producer, collector,
// processor, wholesaler, retailer, exporter. Supporters and enablers have no
// stage and get 0. Goods flow from lower stages to the same or higher ones;
// retailers and exporters are the end markets.
func (r Role) Stage() int {
	for i, s := range Stages() {
		if s == r {
			return i + 1
		}
	}
	return 0
}

// Stages lists the operator roles in chain order, from inputs to end
// markets.
func Stages() []Role {
	return []Role{InputSupplier, Producer, Collector, Processor, Wholesaler, Retailer, Exporter}
}

// EndMarket reports whether the role sells to final buyers: retailers and
// exporters.
func (r Role) EndMarket() bool { return r == Retailer || r == Exporter }

// Chain is the scope of one value chain: a sector around a cluster or in an
// admin area. Either Cluster or Admin (or both) may be set.
type Chain struct {
	ID      string `json:"id"`                // letters, digits, '-', '_' or '.'; see Chain.Validate
	Name    string `json:"name,omitempty"`    // English (Latin script)
	NameBN  string `json:"name_bn,omitempty"` // Bangla
	Sector  string `json:"sector"`            // sector code from the catalogue (data/sectors.json)
	Cluster string `json:"cluster,omitempty"` // id of the cluster the chain is built around
	Admin   string `json:"admin,omitempty"`   // P-code of the admin area it covers
	// Synthetic marks made-up chains (the demo's), so no one mistakes them
	// for surveyed ones.
	Synthetic bool `json:"synthetic"`
}

// Actor is one participant of a value chain.
type Actor struct {
	ID           string `json:"id"`
	Name         string `json:"name"`              // English (Latin script)
	NameBN       string `json:"name_bn,omitempty"` // Bangla
	Role         Role   `json:"role"`
	Sector       string `json:"sector,omitempty"`        // sector code, when the actor has one
	EnterpriseID string `json:"enterprise_id,omitempty"` // when the actor is a surveyed enterprise
	Admin        string `json:"admin,omitempty"`         // P-code of the unit it works in
	Location     string `json:"location,omitempty"`      // place as written, when no P-code is known
	// Lon and Lat place the actor on the map (degrees, WGS 84), for drawing
	// flows; both 0 when it is not placed. A placed actor lies inside
	// Bangladesh's extent (see Extent), end markets abroad included: place
	// an exporter at its port.
	Lon float64 `json:"lon,omitempty"`
	Lat float64 `json:"lat,omitempty"`
}

// Extent is the west, south, east and north bound (degrees) that placed
// actors must lie in: Bangladesh with a small margin.
var Extent = [4]float64{88.0, 20.5, 92.8, 26.7}

// Placed reports whether the actor has a map location.
func (a Actor) Placed() bool { return a.Lon != 0 || a.Lat != 0 }

// Link is a flow from one actor to another. Goods and services flow from
// seller to buyer, money from payer to payee. Volume is in Unit (tonnes,
// pairs, …) and Value in taka (BDT), both over Period (a year "2024", a
// month "2024-03", or a range "2024-01/2024-06"; "" means per year). Zero
// means unknown.
type Link struct {
	// ID names the link within its chain (letters, digits, '-', '_', '.').
	// Blank IDs are derived from From, To, Flow, Product and Period (see
	// LinkIDs), so the same link keeps the same ID across imports.
	ID      string  `json:"id"`
	From    string  `json:"from"`
	To      string  `json:"to"`
	Flow    Flow    `json:"flow"`
	Product string  `json:"product,omitempty"`
	Volume  float64 `json:"volume,omitempty"`
	Unit    string  `json:"unit,omitempty"`
	Value   float64 `json:"value,omitempty"`
	Period  string  `json:"period,omitempty"`
}

// Graph is a validated value chain: every link joins two known actors.
// It is read-only and safe for concurrent use.
type Graph struct {
	actors []Actor
	links  []Link
	index  map[string]int // actor id → position in actors
	out    [][]int32      // actor position → positions of its links out
	in     [][]int32      // actor position → positions of its links in
}

// Problem is one thing wrong with an actor or a link, as Check finds it.
type Problem struct {
	Link   bool   // false: Index is an actor's position; true: a link's
	Index  int    // position in the slice, from 0
	Field  string // the field at fault ("" for the record as a whole)
	Reason string
}

// Check validates actors and links and returns every problem, actors first,
// each in slice order: empty or duplicate actor ids; unknown roles; unknown
// flows; links to unknown actors or to themselves; negative volumes or
// values; a volume without a unit; a goods link that runs backwards through
// the stages (from an operator to one of a lower stage, see Role.Stage);
// and mixed units within one flow, that is a link whose unit differs from
// the first unit given for the same flow and product.
func Check(actors []Actor, links []Link) []Problem {
	var ps []Problem
	index := make(map[string]int, len(actors))
	for i, a := range actors {
		bad := func(field, format string, args ...any) {
			ps = append(ps, Problem{Index: i, Field: field, Reason: fmt.Sprintf(format, args...)})
		}
		if a.ID == "" {
			bad("id", "empty")
		} else if err := guccho.CheckPathID("id", a.ID); err != nil {
			bad("id", "%s", guccho.FieldReason(err))
		} else if _, dup := index[a.ID]; dup {
			bad("id", "duplicate id %q", a.ID)
		} else {
			index[a.ID] = i
		}
		for _, f := range [...]struct {
			name, value string
			max         int
		}{{"name", a.Name, guccho.MaxNameBytes}, {"name_bn", a.NameBN, guccho.MaxNameBytes}, {"sector", a.Sector, guccho.MaxTextBytes},
			{"enterprise_id", a.EnterpriseID, guccho.MaxIDBytes}, {"admin", a.Admin, guccho.MaxTextBytes}, {"location", a.Location, guccho.MaxTextBytes}} {
			if err := guccho.CheckText(f.name, f.value, f.max); err != nil {
				bad(f.name, "%s", guccho.FieldReason(err))
			}
		}
		if a.Role.Function() == "" {
			bad("role", "unknown role %q (one of %s)", a.Role, roleList())
		}
		if bad2 := checkPlace(a.Lon, a.Lat); bad2 != "" {
			field := "lon"
			if a.Lon >= Extent[0] && a.Lon <= Extent[2] {
				field = "lat"
			}
			bad(field, "%s", bad2)
		}
	}
	linkIDs := make(map[string]int, len(links))
	for i, l := range links {
		if l.ID == "" {
			continue
		}
		if !validID(l.ID) {
			ps = append(ps, Problem{Link: true, Index: i, Field: "id", Reason: fmt.Sprintf("%q: use letters, digits, '-', '_' or '.' (at most 64)", l.ID)})
		} else if j, dup := linkIDs[l.ID]; dup {
			ps = append(ps, Problem{Link: true, Index: i, Field: "id", Reason: fmt.Sprintf("duplicate id %q (link %d has it)", l.ID, j+1)})
		} else {
			linkIDs[l.ID] = i
		}
	}
	type flowKey struct {
		flow    Flow
		product string
	}
	units := map[flowKey]string{}
	for i, l := range links {
		bad := func(field, format string, args ...any) {
			ps = append(ps, Problem{Link: true, Index: i, Field: field, Reason: fmt.Sprintf(format, args...)})
		}
		for _, f := range [...]struct{ name, value string }{{"product", l.Product}, {"unit", l.Unit}, {"period", l.Period}} {
			if err := guccho.CheckText(f.name, f.value, guccho.MaxTextBytes); err != nil {
				bad(f.name, "%s", guccho.FieldReason(err))
			}
		}
		if l.Flow != Goods && l.Flow != Services && l.Flow != Money {
			bad("flow", "%q is not goods, services or money", l.Flow)
		}
		from, okFrom := index[l.From]
		to, okTo := index[l.To]
		if !okFrom {
			bad("from", "no actor %q", l.From)
		}
		if !okTo {
			bad("to", "no actor %q", l.To)
		}
		if l.From == l.To && l.From != "" {
			bad("to", "actor %s links to itself", l.From)
		}
		if l.Volume < 0 || math.IsNaN(l.Volume) || math.IsInf(l.Volume, 0) {
			bad("volume", "negative or not a number: %g", l.Volume)
		}
		if l.Value < 0 || math.IsNaN(l.Value) || math.IsInf(l.Value, 0) {
			bad("value", "negative or not a number: %g taka", l.Value)
		}
		if l.Volume > 0 && l.Unit == "" {
			bad("unit", "a volume needs a unit")
		}
		if okFrom && okTo && l.Flow == Goods {
			sf, st := actors[from].Role.Stage(), actors[to].Role.Stage()
			if sf > 0 && st > 0 && st < sf {
				bad("to", "goods run backwards: %s (%s, stage %d) sells to %s (%s, stage %d)",
					l.From, actors[from].Role, sf, l.To, actors[to].Role, st)
			}
		}
		if l.Unit != "" {
			k := flowKey{l.Flow, l.Product}
			if u, ok := units[k]; !ok {
				units[k] = l.Unit
			} else if u != l.Unit {
				bad("unit", "unit %q differs from %q used before for %s of %q", l.Unit, u, l.Flow, l.Product)
			}
		}
	}
	return ps
}

func roleList() string {
	names := make([]string, 0, 14)
	for _, r := range Roles() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// NewGraph validates actors and links (see Check) and indexes them. The
// error is EINVALID and names the first problem's actor or link and field.
// Links without an ID get their derived one (LinkIDs), in place. The graph
// keeps the slices; the caller must not change them afterwards.
func NewGraph(actors []Actor, links []Link) (*Graph, error) {
	if ps := Check(actors, links); len(ps) > 0 {
		p := ps[0]
		if p.Link {
			l := links[p.Index]
			return nil, guccho.Errorf(guccho.EINVALID, "link %d (%s → %s): field %q: %s", p.Index+1, l.From, l.To, p.Field, p.Reason)
		}
		return nil, guccho.Errorf(guccho.EINVALID, "actor %d (%s): field %q: %s", p.Index+1, actors[p.Index].ID, p.Field, p.Reason)
	}
	for i, id := range LinkIDs(links) {
		links[i].ID = id
	}
	g := &Graph{actors: actors, links: links, index: make(map[string]int, len(actors)),
		out: make([][]int32, len(actors)), in: make([][]int32, len(actors))}
	for i, a := range actors {
		g.index[a.ID] = i
	}
	for i, l := range links {
		from, to := g.index[l.From], g.index[l.To]
		g.out[from] = append(g.out[from], int32(i))
		g.in[to] = append(g.in[to], int32(i))
	}
	return g, nil
}

// Actors returns the actors in the order given to NewGraph. The slice is
// the graph's own: do not change it.
func (g *Graph) Actors() []Actor { return g.actors }

// Links returns the links in the order given to NewGraph. The slice is the
// graph's own: do not change it.
func (g *Graph) Links() []Link { return g.links }

// Actor returns one actor, or ENOTFOUND.
func (g *Graph) Actor(id string) (Actor, error) {
	i, ok := g.index[id]
	if !ok {
		return Actor{}, guccho.Errorf(guccho.ENOTFOUND, "no actor %q", id)
	}
	return g.actors[i], nil
}

// Downstream returns the ids of every actor that goods from id reach, in
// breadth-first order (nearest first, then by id).
func (g *Graph) Downstream(id string) []string {
	return g.walk(id, g.out, func(l Link) string { return l.To })
}

// Upstream returns the ids of every actor whose goods reach id, nearest
// first.
func (g *Graph) Upstream(id string) []string {
	return g.walk(id, g.in, func(l Link) string { return l.From })
}

func (g *Graph) walk(start string, edges [][]int32, next func(Link) string) []string {
	seen := map[string]bool{start: true}
	var out []string
	frontier := []string{start}
	for len(frontier) > 0 {
		var level []string
		for _, id := range frontier {
			for _, li := range g.linksOf(edges, id) {
				l := g.links[li]
				if n := next(l); l.Flow == Goods && !seen[n] {
					seen[n] = true
					level = append(level, n)
				}
			}
		}
		sort.Strings(level)
		out = append(out, level...)
		frontier = level
	}
	return out
}

// linksOf returns an actor's links out or in; none for an unknown id.
func (g *Graph) linksOf(edges [][]int32, id string) []int32 {
	i, ok := g.index[id]
	if !ok {
		return nil
	}
	return edges[i]
}

// ValueAdded returns, for an actor, the value of the goods it sells minus
// the value of the goods it buys (taka per year), from the links that state
// a value.
func (g *Graph) ValueAdded(id string) float64 {
	v := 0.0
	for _, li := range g.linksOf(g.out, id) {
		if l := g.links[li]; l.Flow == Goods {
			v += l.Value
		}
	}
	for _, li := range g.linksOf(g.in, id) {
		if l := g.links[li]; l.Flow == Goods {
			v -= l.Value
		}
	}
	return v
}
