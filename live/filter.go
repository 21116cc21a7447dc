package live

import (
	"math"
	"slices"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
)

// Topics a subscriber may ask for. Each event type belongs to one topic (see
// topicOf); an event type no topic names reaches no subscriber.
const (
	TopicEnterprises = "enterprises" // guccho.EventEnterprisesChanged, filtered by Filter.Bound and Filter.Sectors
	TopicImports     = "imports"     // guccho.EventImportProgress (transient; names files, so editors only)
	TopicAdmin       = "admin"       // guccho.EventBoundariesReplaced
	TopicClusters    = "clusters"    // cluster events ("cluster…" types), none published yet
	TopicCentres     = "centres"     // guccho.EventCentresChanged: common service centres
	TopicValuechains = "valuechains" // guccho.EventValuechainsChanged
	TopicDecks       = "decks"       // deck.EventChanged: saved views and decks
	// TopicPresentations carries guccho.EventPresentationMoved and the
	// transient guccho.EventPresentationAudience, filtered by Filter.Deck.
	TopicPresentations = "presentations"
)

// topics is a set of topics as bits.
type topics uint8

const (
	topicEnterprises topics = 1 << iota
	topicImports
	topicAdmin
	topicClusters
	topicCentres
	topicValuechains
	topicDecks
	topicPresentations
)

// topicNames lists the topics in the order messages name them.
var topicNames = []struct {
	name string
	bit  topics
}{{TopicEnterprises, topicEnterprises}, {TopicImports, topicImports}, {TopicAdmin, topicAdmin}, {TopicClusters, topicClusters}, {TopicCentres, topicCentres}, {TopicValuechains, topicValuechains}, {TopicDecks, topicDecks}, {TopicPresentations, topicPresentations}}

// topicOf maps an event type to its topic; 0 for types no topic carries.
// A new event type reaches subscribers once it is named here.
func topicOf(eventType string) topics {
	switch {
	case eventType == guccho.EventEnterprisesChanged:
		return topicEnterprises
	case eventType == guccho.EventImportProgress:
		return topicImports
	case eventType == guccho.EventBoundariesReplaced:
		return topicAdmin
	case strings.HasPrefix(eventType, "cluster"):
		return topicClusters
	case eventType == guccho.EventCentresChanged:
		return topicCentres
	case eventType == guccho.EventValuechainsChanged:
		return topicValuechains
	case eventType == deck.EventChanged:
		return topicDecks
	case eventType == guccho.EventPresentationMoved, eventType == guccho.EventPresentationAudience:
		return topicPresentations
	}
	return 0
}

// Filter says which events a subscriber wants.
type Filter struct {
	// Topics names the topics (TopicEnterprises, …); at least one.
	Topics []string
	// Bound, when set, keeps only enterprise changes whose bbox intersects
	// it (edges touching count): west, south, east, north in degrees
	// (EPSG:4326). A change that placed no point never matches a Bound.
	Bound *[4]float64
	// Sectors, when set, keeps only enterprise changes that touched one of
	// these sectors.
	Sectors []string
	// Deck, when set, keeps only presentation events of this deck.
	Deck string
}

// filter is a compiled Filter.
type filter struct {
	topics  topics
	bound   *[4]float64
	sectors []string
	deck    string
}

// Validate returns an EINVALID error saying what is wrong with f: no
// topics, an unknown topic, or a Bound that is not [west, south, east,
// north] in degrees. Subscribe and SetFilter refuse the same filters.
func (f Filter) Validate() error {
	_, err := f.compile()
	return err
}

// Granted returns f without the topics a subscriber may not receive:
// TopicImports carries transient import progress, which names files, so it
// is granted to editors (and admins) only. It returns EINVALID when f names
// no topic, or only topics the subscriber is not granted. The other topics
// are left for Validate to check.
func (f Filter) Granted(editor bool) (Filter, error) {
	if len(f.Topics) == 0 {
		return f, guccho.Errorf(guccho.EINVALID, "topics: name at least one of %s", topicList())
	}
	granted := make([]string, 0, len(f.Topics))
	for _, t := range f.Topics {
		if t != TopicImports || editor {
			granted = append(granted, t)
		}
	}
	if len(granted) == 0 {
		return f, guccho.Errorf(guccho.EINVALID, "the imports topic needs an editor or admin token")
	}
	f.Topics = granted
	return f, nil
}

func (f Filter) compile() (filter, error) {
	var cf filter
	if len(f.Topics) == 0 {
		return cf, guccho.Errorf(guccho.EINVALID, "topics: name at least one of %s", topicList())
	}
	for _, t := range f.Topics {
		bit := topics(0)
		for _, n := range topicNames {
			if n.name == t {
				bit = n.bit
			}
		}
		if bit == 0 {
			return cf, guccho.Errorf(guccho.EINVALID, "unknown topic %q (topics: %s)", t, topicList())
		}
		cf.topics |= bit
	}
	if b := f.Bound; b != nil {
		for _, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return cf, guccho.Errorf(guccho.EINVALID, "bbox: want four finite numbers")
			}
		}
		if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
			return cf, guccho.Errorf(guccho.EINVALID, "bbox: want [west, south, east, north] in degrees with west ≤ east and south ≤ north")
		}
		bb := *b
		cf.bound = &bb
	}
	if len(f.Sectors) > 0 {
		cf.sectors = slices.Clone(f.Sectors)
	}
	if f.Deck != "" {
		if err := deck.CheckID("deck", f.Deck); err != nil {
			return cf, err
		}
		cf.deck = f.Deck
	}
	return cf, nil
}

func topicList() string {
	names := make([]string, len(topicNames))
	for i, n := range topicNames {
		names[i] = n.name
	}
	return strings.Join(names, ", ")
}

func (f filter) topicNames() []string {
	names := []string{}
	for _, n := range topicNames {
		if f.topics&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return names
}

// match reports whether the filter wants the item. An enterprise event
// whose payload did not decode matches any Bound and Sectors: a needless
// refresh is better than a missed one.
func (f filter) match(it *item) bool {
	if f.topics&it.topic == 0 {
		return false
	}
	if it.topic == topicPresentations {
		return f.deck == "" || f.deck == it.deck
	}
	if it.topic != topicEnterprises || it.change == nil {
		return true
	}
	c := it.change
	if b := f.bound; b != nil {
		if c.Bound == [4]float64{} {
			return false
		}
		if c.Bound[0] > b[2] || c.Bound[2] < b[0] || c.Bound[1] > b[3] || c.Bound[3] < b[1] {
			return false
		}
	}
	if len(f.sectors) > 0 && !slices.ContainsFunc(c.Sectors, func(s string) bool { return slices.Contains(f.sectors, s) }) {
		return false
	}
	return true
}
