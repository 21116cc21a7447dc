// Package valuechain models the value chains around microenterprise
// clusters: the actors (GIZ ValueLinks categories: operators, supporters and
// enablers), the links between them that carry goods, services or money,
// and a Graph to walk them. Pure Go; stores and the API build on it.
package valuechain

import (
	"sort"

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

// Actor is one participant of a value chain.
type Actor struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Role         Role   `json:"role"`
	EnterpriseID string `json:"enterprise_id,omitempty"` // when the actor is a surveyed enterprise
	Admin        string `json:"admin,omitempty"`         // P-code of the unit it works in
}

// Link is a flow from one actor to another. Volume is in the chain's own
// unit (tonnes, pairs, …); Value in taka per year. Zero means unknown.
type Link struct {
	From   string  `json:"from"`
	To     string  `json:"to"`
	Flow   Flow    `json:"flow"`
	Volume float64 `json:"volume,omitempty"`
	Value  float64 `json:"value,omitempty"`
}

// Graph is a validated value chain: every link joins two known actors.
// It is read-only and safe for concurrent use.
type Graph struct {
	actors map[string]Actor
	out    map[string][]Link
	in     map[string][]Link
}

// NewGraph validates actors and links and indexes them. Errors are
// EINVALID and name the actor or link: duplicate or empty ids, unknown
// roles or flows, links to unknown actors, self-links, negative volume or
// value.
func NewGraph(actors []Actor, links []Link) (*Graph, error) {
	g := &Graph{actors: map[string]Actor{}, out: map[string][]Link{}, in: map[string][]Link{}}
	for i, a := range actors {
		switch {
		case a.ID == "":
			return nil, guccho.Errorf(guccho.EINVALID, "actor %d: field \"id\": empty", i)
		case a.Role.Function() == "":
			return nil, guccho.Errorf(guccho.EINVALID, "actor %s: field \"role\": unknown role %q", a.ID, a.Role)
		}
		if _, dup := g.actors[a.ID]; dup {
			return nil, guccho.Errorf(guccho.EINVALID, "actor %s: duplicate id", a.ID)
		}
		g.actors[a.ID] = a
	}
	for i, l := range links {
		switch {
		case l.Flow != Goods && l.Flow != Services && l.Flow != Money:
			return nil, guccho.Errorf(guccho.EINVALID, "link %d (%s → %s): field \"flow\": %q is not goods, services or money", i, l.From, l.To, l.Flow)
		case l.From == l.To:
			return nil, guccho.Errorf(guccho.EINVALID, "link %d: actor %s links to itself", i, l.From)
		case l.Volume < 0 || l.Value < 0:
			return nil, guccho.Errorf(guccho.EINVALID, "link %d (%s → %s): negative volume or value", i, l.From, l.To)
		}
		for _, end := range []string{l.From, l.To} {
			if _, ok := g.actors[end]; !ok {
				return nil, guccho.Errorf(guccho.EINVALID, "link %d: no actor %q", i, end)
			}
		}
		g.out[l.From] = append(g.out[l.From], l)
		g.in[l.To] = append(g.in[l.To], l)
	}
	return g, nil
}

// Actor returns one actor, or ENOTFOUND.
func (g *Graph) Actor(id string) (Actor, error) {
	a, ok := g.actors[id]
	if !ok {
		return Actor{}, guccho.Errorf(guccho.ENOTFOUND, "no actor %q", id)
	}
	return a, nil
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

func (g *Graph) walk(start string, edges map[string][]Link, next func(Link) string) []string {
	seen := map[string]bool{start: true}
	var out []string
	frontier := []string{start}
	for len(frontier) > 0 {
		var level []string
		for _, id := range frontier {
			for _, l := range edges[id] {
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

// ValueAdded returns, for an actor, the value of the goods it sells minus
// the value of the goods it buys (taka per year), from the links that state
// a value.
func (g *Graph) ValueAdded(id string) float64 {
	v := 0.0
	for _, l := range g.out[id] {
		if l.Flow == Goods {
			v += l.Value
		}
	}
	for _, l := range g.in[id] {
		if l.Flow == Goods {
			v -= l.Value
		}
	}
	return v
}
