package valuechain

import (
	"context"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
)

// Data is one stored chain whole: its scope, actors and links.
type Data struct {
	Chain  Chain   `json:"chain"`
	Actors []Actor `json:"actors"`
	Links  []Link  `json:"links"`
}

// Summary is a chain in a list: its scope and how many actors and links it
// has.
type Summary struct {
	Chain
	Actors int `json:"actors"`
	Links  int `json:"links"`
}

// Filter selects chains; empty fields match every chain.
type Filter struct {
	Sector  string // sector code
	Cluster string // cluster id
	Admin   string // P-code: chains whose Admin is this unit or inside it
}

// Store keeps value chains. Every write is validated over the chain it
// leaves (Data.Validate, so Check's rules), is all or nothing, and appends a
// guccho.EventValuechainsChanged event in its own transaction: a store never
// holds an invalid chain. Missing chains, actors and links are ENOTFOUND;
// creating one that exists is ECONFLICT; bad input is EINVALID naming the
// field.
type Store interface {
	// FindChains lists the chains f selects, by id.
	FindChains(ctx context.Context, f Filter) ([]Summary, error)
	// FindChainByID returns a chain with its actors and links, in the order
	// they were added.
	FindChainByID(ctx context.Context, id string) (*Data, error)
	// CreateChain stores a new, empty chain.
	CreateChain(ctx context.Context, c *Chain) error
	// UpdateChain replaces a chain's scope (names, sector, cluster, admin,
	// synthetic), keeping its actors and links.
	UpdateChain(ctx context.Context, c *Chain) error
	// DeleteChain removes a chain with its actors and links.
	DeleteChain(ctx context.Context, id string) error
	// ReplaceChain stores a chain whole, creating it or replacing its scope,
	// actors and links, all or nothing (imports). Links without an ID get
	// their derived one, in place.
	ReplaceChain(ctx context.Context, c *Chain, actors []Actor, links []Link) error
	// CreateActor adds an actor to a chain.
	CreateActor(ctx context.Context, chain string, a *Actor) error
	// UpdateActor replaces an actor (by id).
	UpdateActor(ctx context.Context, chain string, a *Actor) error
	// DeleteActor removes an actor and every link to or from it.
	DeleteActor(ctx context.Context, chain, actor string) error
	// CreateLink adds a link, setting its ID when blank (LinkIDs).
	CreateLink(ctx context.Context, chain string, l *Link) error
	// UpdateLink replaces a link (by ID).
	UpdateLink(ctx context.Context, chain string, l *Link) error
	// DeleteLink removes a link.
	DeleteLink(ctx context.Context, chain, link string) error
}

// ChainChange is the payload of guccho.EventValuechainsChanged.
type ChainChange struct {
	Action string `json:"action"` // "created", "updated", "deleted" or "replaced"
	Chain  string `json:"chain"`  // the chain's id
	Sector string `json:"sector"`
}

// Validate checks a chain's scope: an ID of 1 to 64 letters, digits, '-',
// '_' or '.', and a sector. The error is EINVALID naming the field.
func (c *Chain) Validate() error {
	c.ID = strings.TrimSpace(c.ID)
	if !validID(c.ID) {
		return guccho.Errorf(guccho.EINVALID, "chain: field \"id\": %q: use 1 to 64 letters, digits, '-', '_' or '.'", c.ID)
	}
	if strings.TrimSpace(c.Sector) == "" {
		return guccho.Errorf(guccho.EINVALID, "chain %s: field \"sector\": empty", c.ID)
	}
	return nil
}

// Validate checks the whole chain — its scope (Chain.Validate), then its
// actors and links (Check) — and sets the derived ID of links without one.
// The error is EINVALID naming the first problem's actor or link and field.
func (d *Data) Validate() error {
	if err := d.Chain.Validate(); err != nil {
		return err
	}
	if ps := Check(d.Actors, d.Links); len(ps) > 0 {
		p := ps[0]
		more := ""
		if len(ps) > 1 {
			more = " (and " + strconv.Itoa(len(ps)-1) + " more problems)"
		}
		if p.Link {
			l := d.Links[p.Index]
			id := l.ID
			if id == "" {
				id = LinkIDs(d.Links)[p.Index]
			}
			return guccho.Errorf(guccho.EINVALID, "link %s (%s → %s): field %q: %s%s", id, l.From, l.To, p.Field, p.Reason, more)
		}
		return guccho.Errorf(guccho.EINVALID, "actor %q: field %q: %s%s", d.Actors[p.Index].ID, p.Field, p.Reason, more)
	}
	for i, id := range LinkIDs(d.Links) {
		d.Links[i].ID = id
	}
	return nil
}

// ActorIndex returns the position of the actor with id, or -1.
func (d *Data) ActorIndex(id string) int {
	for i, a := range d.Actors {
		if a.ID == id {
			return i
		}
	}
	return -1
}

// LinkIndex returns the position of the link with id, or -1.
func (d *Data) LinkIndex(id string) int {
	for i, l := range d.Links {
		if l.ID == id {
			return i
		}
	}
	return -1
}

// AddActor appends a, then validates the chain (ECONFLICT when the id is
// taken). On error d is unchanged.
func (d *Data) AddActor(a Actor) error {
	if a.ID != "" && d.ActorIndex(a.ID) >= 0 {
		return guccho.Errorf(guccho.ECONFLICT, "chain %s: actor %q exists already", d.Chain.ID, a.ID)
	}
	return d.try(func(n *Data) { n.Actors = append(n.Actors, a) })
}

// SetActor replaces the actor with a.ID, then validates the chain
// (ENOTFOUND when there is none). On error d is unchanged.
func (d *Data) SetActor(a Actor) error {
	i := d.ActorIndex(a.ID)
	if i < 0 {
		return guccho.Errorf(guccho.ENOTFOUND, "chain %s: no actor %q", d.Chain.ID, a.ID)
	}
	return d.try(func(n *Data) { n.Actors[i] = a })
}

// RemoveActor removes an actor and every link to or from it, and returns
// those links' IDs (ENOTFOUND when there is no such actor).
func (d *Data) RemoveActor(id string) ([]string, error) {
	i := d.ActorIndex(id)
	if i < 0 {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "chain %s: no actor %q", d.Chain.ID, id)
	}
	var gone []string
	keep := d.Links[:0:0]
	for _, l := range d.Links {
		if l.From == id || l.To == id {
			gone = append(gone, l.ID)
		} else {
			keep = append(keep, l)
		}
	}
	err := d.try(func(n *Data) {
		n.Actors = append(n.Actors[:i:i], n.Actors[i+1:]...)
		n.Links = keep
	})
	return gone, err
}

// AddLink appends l, setting its derived ID when blank, then validates the
// chain (ECONFLICT when the ID is taken). On error d is unchanged.
func (d *Data) AddLink(l *Link) error {
	if l.ID != "" && d.LinkIndex(l.ID) >= 0 {
		return guccho.Errorf(guccho.ECONFLICT, "chain %s: link %q exists already", d.Chain.ID, l.ID)
	}
	if l.ID == "" {
		l.ID = LinkIDs(append(append([]Link(nil), d.Links...), *l))[len(d.Links)]
	}
	return d.try(func(n *Data) { n.Links = append(n.Links, *l) })
}

// SetLink replaces the link with l.ID, then validates the chain (ENOTFOUND
// when there is none). On error d is unchanged.
func (d *Data) SetLink(l Link) error {
	i := d.LinkIndex(l.ID)
	if i < 0 || l.ID == "" {
		return guccho.Errorf(guccho.ENOTFOUND, "chain %s: no link %q", d.Chain.ID, l.ID)
	}
	return d.try(func(n *Data) { n.Links[i] = l })
}

// RemoveLink removes a link (ENOTFOUND when there is none).
func (d *Data) RemoveLink(id string) error {
	i := d.LinkIndex(id)
	if i < 0 {
		return guccho.Errorf(guccho.ENOTFOUND, "chain %s: no link %q", d.Chain.ID, id)
	}
	d.Links = append(d.Links[:i:i], d.Links[i+1:]...)
	return nil
}

// try applies edit to a copy of d and keeps the copy when it validates.
func (d *Data) try(edit func(*Data)) error {
	n := &Data{Chain: d.Chain, Actors: append([]Actor(nil), d.Actors...), Links: append([]Link(nil), d.Links...)}
	edit(n)
	if err := n.Validate(); err != nil {
		return err
	}
	*d = *n
	return nil
}
