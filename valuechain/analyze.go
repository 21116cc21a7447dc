package valuechain

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/graph/flow"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/guccho/guccho"
)

// Options tune Analyze. The zero value computes exact betweenness over
// links of every flow.
type Options struct {
	// Pivots is the number of source actors sampled for betweenness. 0 (or
	// at least the number of actors) computes it exactly with gonum's
	// network.Betweenness (Brandes 2001, O(n·m)). Otherwise the
	// shortest-path dependencies of Pivots sources drawn without
	// replacement are summed and scaled by n/Pivots: the unbiased
	// random-pivot estimator of Brandes & Pich (2007), the same as
	// networkx's betweenness_centrality(k=Pivots).
	Pivots int
	// Rand draws the pivots; required when Pivots is used.
	Rand *rand.Rand
	// Flows are the flows whose links make the network for degree and
	// betweenness; nil means all three.
	Flows []Flow
}

// Analysis is what Analyze finds in a chain.
//
// It encodes as JSON with snake_case names (the API's analysis object);
// figures that are unknown (NaN) encode as null.
type Analysis struct {
	Actors []ActorStats `json:"actors"` // one per actor, in graph order
	Stages []StageStats `json:"stages"` // one per operator stage, from inputs to end markets
	// Missing lists the operator stages with no actor in the chain.
	Missing []Role `json:"missing"`
	// Producers counts producers; Connected those with a path of goods
	// links to an end market (a retailer or an exporter).
	Producers int `json:"producers"`
	Connected int `json:"connected"`
	// Bottlenecks are the actors and goods links whose removal cuts
	// connected producers off from every end market, most producers cut
	// first, then actors before links, then by id.
	Bottlenecks []Bottleneck `json:"bottlenecks"`
	// Pivots is the number of sampled sources behind Betweenness; 0 when it
	// is exact.
	Pivots int `json:"pivots"`
}

// ActorStats are one actor's figures. The network is directed (from → to)
// over the links of Options.Flows, with the links between one ordered pair
// of actors merged into one edge; n is the number of actors.
type ActorStats struct {
	ID    string `json:"id"`
	Role  Role   `json:"role"`
	Stage int    `json:"stage"` // Role.Stage(): 1..7 for operators, 0 otherwise
	// In and Out count the distinct actors linked to and from this one.
	In  int `json:"in_degree"`
	Out int `json:"out_degree"`
	// Degree is (In+Out)/(n−1), networkx's degree_centrality of a DiGraph.
	Degree float64 `json:"degree_centrality"`
	// Betweenness is Σ_{s≠v≠t} σ_st(v)/σ_st over ordered pairs (directed,
	// unnormalised); BetweennessNorm divides it by (n−1)(n−2), as networkx
	// does with normalized=True for a DiGraph.
	Betweenness     float64 `json:"betweenness"`
	BetweennessNorm float64 `json:"betweenness_normalized"`
	// CutsOff counts the other producers that lose every path of goods to
	// an end market when this actor is removed (see Bottleneck).
	CutsOff int `json:"cuts_off_producers"`
}

// StageStats are the goods flows of one operator stage. Values are taka
// (BDT) as given on the links; links without a value count in
// Unvalued, so a reader knows how partial the totals are.
type StageStats struct {
	Stage  int // Role.Stage(), 1..7
	Role   Role
	Actors int
	// Sold and Bought are the values of goods links out of and into actors
	// of this stage; SoldLinks, BoughtLinks count those links, Unvalued
	// those among them without a value.
	Sold, Bought           float64
	SoldLinks, BoughtLinks int
	Unvalued               int
	// Volumes are the volumes sold, per product and unit, never added
	// across units.
	Volumes []Volume
	// ValueAdded is Σ (sold − bought) over the stage's actors that have at
	// least one valued sale, and Margin that sum over those actors' sales
	// (a share, 0..1); NaN when no actor of the stage has a valued sale
	// (end markets, whose sales to consumers are not links). An actor with
	// sales but no recorded purchases adds all its sales.
	ValueAdded, Margin float64
	// Geographic reach: the share of this stage's purchases (InputsOutside)
	// and sales (SalesOutside) of goods made with an actor in another
	// district than the buyer's or seller's own, by value, over the valued
	// links whose two actors both have an Admin P-code of district level or
	// finer (the district is its first six characters, "BD3048"). NaN when
	// there is no such link. The …Links fields are the same shares by count
	// of links.
	InputsOutside, InputsOutsideLinks float64
	SalesOutside, SalesOutsideLinks   float64
}

// Volume is a total volume of one product in one unit.
type Volume struct {
	Product string  `json:"product"`
	Unit    string  `json:"unit"`
	Volume  float64 `json:"volume"`
}

// Bottleneck is an actor or a goods link whose removal leaves some
// producers with no path of goods links to any end market. Precisely: in
// the directed goods network (parallel links merged), add a virtual market
// fed by every retailer and exporter; actor v cuts off producer p ≠ v when
// every path from p to the market passes through v (v dominates p in the
// reversed network rooted at the market, Lengauer–Tarjan via gonum's
// flow.Dominators), and a link cuts off p when every such path uses it.
// This is the directed form of articulation points and bridges, restricted
// to producer → end-market paths. End markets themselves count: a single
// retailer that all goods reach is a bottleneck.
//
// It encodes as JSON as {"kind": "actor" or "link", "id": the actor's or
// link's id, "from", "to" (links only), "producers_cut"}.
type Bottleneck struct {
	Actor    string // the actor, or "" for a link
	From, To string // the link, or "" for an actor
	Link     string // the link's ID (the first goods link from From to To)
	CutsOff  int    // producers cut off
}

// Analyze computes the chain's figures: degree and betweenness of every
// actor, flows and value added per stage, missing stages, bottlenecks and
// geographic reach. It returns EINVALID when Pivots is set without Rand.
func (g *Graph) Analyze(opt Options) (*Analysis, error) {
	n := len(g.actors)
	pivots := opt.Pivots
	if pivots >= n || pivots < 0 {
		pivots = 0
	}
	if pivots > 0 && opt.Rand == nil {
		return nil, guccho.Errorf(guccho.EINVALID, "option Pivots needs a Rand")
	}
	flows := opt.Flows
	if flows == nil {
		flows = []Flow{Goods, Services, Money}
	}
	a := &Analysis{Actors: make([]ActorStats, n), Pivots: pivots}
	for i, x := range g.actors {
		a.Actors[i] = ActorStats{ID: x.ID, Role: x.Role, Stage: x.Role.Stage()}
	}
	net := g.network(flows)
	for v := 0; v < n; v++ {
		a.Actors[v].Out = net.out.degree(v)
		a.Actors[v].In = net.in.degree(v)
		if n > 1 {
			a.Actors[v].Degree = float64(a.Actors[v].In+a.Actors[v].Out) / float64(n-1)
		}
	}
	var bc []float64
	if pivots == 0 {
		bc = exactBetweenness(n, net.out)
	} else {
		bc = pivotBetweenness(net.out, samplePivots(n, pivots, opt.Rand))
		for v := range bc {
			bc[v] *= float64(n) / float64(pivots)
		}
	}
	for v := range bc {
		a.Actors[v].Betweenness = bc[v]
		if n > 2 {
			a.Actors[v].BetweennessNorm = bc[v] / float64((n-1)*(n-2))
		}
	}
	a.Stages = g.stages()
	for _, s := range a.Stages {
		if s.Actors == 0 {
			a.Missing = append(a.Missing, s.Role)
		}
	}
	g.bottlenecks(a)
	return a, nil
}

// csr is a directed adjacency in compressed rows: the neighbours of v are
// adj[start[v]:start[v+1]], sorted, without repeats.
type csr struct {
	start []int
	adj   []int32
}

func (c csr) degree(v int) int         { return c.start[v+1] - c.start[v] }
func (c csr) neighbours(v int) []int32 { return c.adj[c.start[v]:c.start[v+1]] }

// newCSR builds rows from edges (u, v), dropping repeats.
func newCSR(n int, from, to []int32) csr {
	c := csr{start: make([]int, n+1)}
	for _, u := range from {
		c.start[u+1]++
	}
	for v := 0; v < n; v++ {
		c.start[v+1] += c.start[v]
	}
	adj := make([]int32, len(from))
	fill := append([]int(nil), c.start[:n]...)
	for i, u := range from {
		adj[fill[u]] = to[i]
		fill[u]++
	}
	// sort and deduplicate each row, compacting in place
	w := 0
	for v := 0; v < n; v++ {
		row := adj[c.start[v]:c.start[v+1]]
		sort.Slice(row, func(i, j int) bool { return row[i] < row[j] })
		c.start[v] = w
		for i, x := range row {
			if i == 0 || x != row[i-1] {
				adj[w] = x
				w++
			}
		}
	}
	c.start[n] = w
	c.adj = adj[:w]
	return c
}

// flowNet is the merged directed network over some flows, both ways.
type flowNet struct{ out, in csr }

func (g *Graph) network(flows []Flow) flowNet {
	var from, to []int32
	for _, l := range g.links {
		for _, f := range flows {
			if l.Flow == f {
				from = append(from, int32(g.index[l.From]))
				to = append(to, int32(g.index[l.To]))
				break
			}
		}
	}
	n := len(g.actors)
	return flowNet{out: newCSR(n, from, to), in: newCSR(n, to, from)}
}

// exactBetweenness runs gonum's network.Betweenness on the directed graph.
func exactBetweenness(n int, out csr) []float64 {
	dg := simple.NewDirectedGraph()
	for v := 0; v < n; v++ {
		dg.AddNode(simple.Node(v))
	}
	for v := 0; v < n; v++ {
		for _, w := range out.neighbours(v) {
			dg.SetEdge(simple.Edge{F: simple.Node(v), T: simple.Node(w)})
		}
	}
	bc := make([]float64, n)
	for id, x := range network.Betweenness(dg) {
		bc[id] = x
	}
	return bc
}

// samplePivots draws k distinct actors by a partial Fisher–Yates shuffle.
func samplePivots(n, k int, rng *rand.Rand) []int32 {
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := 0; i < k; i++ {
		j := i + rng.IntN(n-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	return perm[:k]
}

// pivotBetweenness sums the dependencies δ_s(v) = Σ_t σ_st(v)/σ_st of the
// given sources on every other actor (Brandes 2001, one breadth-first
// search and one accumulation per source; Brandes & Pich 2007 for sampled
// sources). gonum offers only the all-sources sum, so the per-source pass
// is here; it walks only out-neighbours, taking predecessors as the
// neighbours one level further, and allocates nothing per source.
func pivotBetweenness(out csr, sources []int32) []float64 {
	n := len(out.start) - 1
	bc := make([]float64, n)
	dist := make([]int32, n)
	sigma := make([]float64, n)
	delta := make([]float64, n)
	order := make([]int32, 0, n) // visit order; a queue, then read backwards
	for i := range dist {
		dist[i] = -1
	}
	for _, s := range sources {
		order = order[:0]
		dist[s], sigma[s] = 0, 1
		order = append(order, s)
		for head := 0; head < len(order); head++ {
			v := order[head]
			for _, w := range out.neighbours(int(v)) {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					order = append(order, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
				}
			}
		}
		for i := len(order) - 1; i >= 0; i-- {
			v := order[i]
			d := 0.0
			for _, w := range out.neighbours(int(v)) {
				if dist[w] == dist[v]+1 {
					d += sigma[v] / sigma[w] * (1 + delta[w])
				}
			}
			delta[v] = d
			if v != s {
				bc[v] += d
			}
		}
		for _, v := range order {
			dist[v], sigma[v], delta[v] = -1, 0, 0
		}
	}
	return bc
}

// stages sums goods flows per operator stage.
func (g *Graph) stages() []StageStats {
	roles := Stages()
	st := make([]StageStats, len(roles))
	type vkey struct{ product, unit string }
	vols := make([]map[vkey]float64, len(roles))
	type counts struct{ outside, known, outsideN, knownN float64 }
	ins, sales := make([]counts, len(roles)), make([]counts, len(roles))
	sold := make([]float64, len(g.actors))
	bought := make([]float64, len(g.actors))
	valuedSale := make([]bool, len(g.actors))
	for i, r := range roles {
		st[i].Role, st[i].Stage = r, i+1
		vols[i] = map[vkey]float64{}
	}
	for _, a := range g.actors {
		if s := a.Role.Stage(); s > 0 {
			st[s-1].Actors++
		}
	}
	reach := func(c *counts, l Link, a, b Actor) {
		da, db := district(a.Admin), district(b.Admin)
		if da == "" || db == "" {
			return
		}
		c.knownN++
		if l.Value > 0 {
			c.known += l.Value
		}
		if da != db {
			c.outsideN++
			c.outside += l.Value
		}
	}
	for _, l := range g.links {
		if l.Flow != Goods {
			continue
		}
		fi, ti := g.index[l.From], g.index[l.To]
		from, to := g.actors[fi], g.actors[ti]
		sold[fi] += l.Value
		bought[ti] += l.Value
		if l.Value > 0 {
			valuedSale[fi] = true
		}
		if s := from.Role.Stage(); s > 0 {
			x := &st[s-1]
			x.Sold += l.Value
			x.SoldLinks++
			if l.Value == 0 {
				x.Unvalued++
			}
			if l.Volume > 0 {
				vols[s-1][vkey{l.Product, l.Unit}] += l.Volume
			}
			reach(&sales[s-1], l, from, to)
		}
		if s := to.Role.Stage(); s > 0 {
			x := &st[s-1]
			x.Bought += l.Value
			x.BoughtLinks++
			if l.Value == 0 {
				x.Unvalued++
			}
			reach(&ins[s-1], l, to, from)
		}
	}
	va := make([]float64, len(roles))
	vaSold := make([]float64, len(roles))
	for i, a := range g.actors {
		if s := a.Role.Stage(); s > 0 && valuedSale[i] {
			va[s-1] += sold[i] - bought[i]
			vaSold[s-1] += sold[i]
		}
	}
	share := func(part, whole float64) float64 {
		if whole == 0 {
			return math.NaN()
		}
		return part / whole
	}
	for i := range st {
		st[i].ValueAdded, st[i].Margin = math.NaN(), math.NaN()
		if vaSold[i] > 0 {
			st[i].ValueAdded = va[i]
			st[i].Margin = va[i] / vaSold[i]
		}
		st[i].InputsOutside = share(ins[i].outside, ins[i].known)
		st[i].InputsOutsideLinks = share(ins[i].outsideN, ins[i].knownN)
		st[i].SalesOutside = share(sales[i].outside, sales[i].known)
		st[i].SalesOutsideLinks = share(sales[i].outsideN, sales[i].knownN)
		for k, v := range vols[i] {
			st[i].Volumes = append(st[i].Volumes, Volume{Product: k.product, Unit: k.unit, Volume: v})
		}
		sort.Slice(st[i].Volumes, func(a, b int) bool {
			x, y := st[i].Volumes[a], st[i].Volumes[b]
			return x.Product < y.Product || x.Product == y.Product && x.Unit < y.Unit
		})
	}
	return st
}

// district returns the district part of a P-code ("BD3048" of
// "BD304811"), or "" when the code is shorter.
func district(pcode string) string {
	if len(pcode) < 6 {
		return ""
	}
	return pcode[:6]
}

// bottlenecks fills Producers, Connected, Bottlenecks and each actor's
// CutsOff from the dominator tree of the reversed goods network rooted at
// a virtual market (node n).
func (g *Graph) bottlenecks(a *Analysis) {
	n := len(g.actors)
	goods := g.network([]Flow{Goods})
	root := n
	rev := simple.NewDirectedGraph()
	for v := 0; v <= n; v++ {
		rev.AddNode(simple.Node(v))
	}
	for v := 0; v < n; v++ {
		if g.actors[v].Role.EndMarket() {
			rev.SetEdge(simple.Edge{F: simple.Node(root), T: simple.Node(v)})
		}
		for _, w := range goods.out.neighbours(v) {
			rev.SetEdge(simple.Edge{F: simple.Node(w), T: simple.Node(v)})
		}
	}
	tree := flow.Dominators(simple.Node(root), rev)
	idom := make([]int, n+1) // -1: unreachable from the market
	for v := 0; v < n; v++ {
		idom[v] = -1
		if d := tree.DominatorOf(int64(v)); d != nil {
			idom[v] = int(d.ID())
		}
	}
	idom[root] = root
	// children lists, then pre/post order and producer counts per subtree
	kids := make([][]int32, n+1)
	for v := 0; v < n; v++ {
		if idom[v] >= 0 {
			kids[idom[v]] = append(kids[idom[v]], int32(v))
		}
	}
	pre, post := make([]int, n+1), make([]int, n+1)
	prods := make([]int, n+1)
	type frame struct{ v, next int }
	clock := 0
	stack := []frame{{root, 0}}
	pre[root] = clock
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next < len(kids[f.v]) {
			c := int(kids[f.v][f.next])
			f.next++
			clock++
			pre[c] = clock
			stack = append(stack, frame{c, 0})
			continue
		}
		v := f.v
		post[v] = clock
		if v < n && g.actors[v].Role == Producer {
			prods[v]++
		}
		stack = stack[:len(stack)-1]
		if len(stack) > 0 {
			prods[stack[len(stack)-1].v] += prods[v]
		}
	}
	dominates := func(u, w int) bool { return pre[u] <= pre[w] && post[w] <= post[u] }
	for v := 0; v < n; v++ {
		if g.actors[v].Role == Producer {
			a.Producers++
			if idom[v] >= 0 {
				a.Connected++
			}
		}
		if idom[v] < 0 {
			continue
		}
		cut := prods[v]
		if g.actors[v].Role == Producer {
			cut--
		}
		a.Actors[v].CutsOff = cut
		if cut > 0 {
			a.Bottlenecks = append(a.Bottlenecks, Bottleneck{Actor: g.actors[v].ID, CutsOff: cut})
		}
	}
	// A goods link u → w (reversed: w → u) cuts off the producers below u
	// when every path from the market to u ends with it: w reaches the
	// market without u, and every other buyer of u that reaches the market
	// does so only through u.
	for u := 0; u < n; u++ {
		if idom[u] < 0 || prods[u] == 0 {
			continue
		}
		buyers := goods.out.neighbours(u)
		var only int32 = -1
		ok := !g.actors[u].Role.EndMarket() // an end market is fed by the root itself
		for _, w := range buyers {
			if !ok {
				break
			}
			switch {
			case idom[w] < 0 || dominates(u, int(w)):
				// w reaches the market only through u, or not at all
			case only < 0:
				only = w
			default:
				ok = false
			}
		}
		if ok && only >= 0 {
			b := Bottleneck{From: g.actors[u].ID, To: g.actors[only].ID, CutsOff: prods[u]}
			for _, li := range g.out[u] {
				if l := g.links[li]; l.Flow == Goods && l.To == b.To {
					b.Link = l.ID
					break
				}
			}
			a.Bottlenecks = append(a.Bottlenecks, b)
		}
	}
	sort.SliceStable(a.Bottlenecks, func(i, j int) bool {
		x, y := a.Bottlenecks[i], a.Bottlenecks[j]
		if x.CutsOff != y.CutsOff {
			return x.CutsOff > y.CutsOff
		}
		if (x.Actor == "") != (y.Actor == "") {
			return x.Actor != ""
		}
		return x.Actor+"\x00"+x.From+"\x00"+x.To < y.Actor+"\x00"+y.From+"\x00"+y.To
	})
}
