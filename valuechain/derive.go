package valuechain

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Party is one side of a producer's trade as a survey records it: where
// its main input comes from, or who buys most of what it makes.
type Party struct {
	Type  string // as written: "leather trader", "পাইকার", "exporter"
	Place string // as written: "Savar", "Chawk Bazar"; "" when not asked
	// Admin is the P-code Place resolved to, "" when it did not resolve;
	// PlaceName the unit's English name, and Lon, Lat its label point (0, 0
	// when not placed). The caller resolves places: Derive is pure.
	Admin     string
	PlaceName string
	Lon, Lat  float64
}

// empty reports whether the survey recorded nothing for the party.
func (p Party) empty() bool {
	return strings.TrimSpace(p.Type) == "" && strings.TrimSpace(p.Place) == ""
}

// Enterprise is one surveyed enterprise that Derive turns into a producer
// actor, with its main input source and main buyer.
type Enterprise struct {
	EnterpriseID string
	Name         string
	Sector       string
	Admin        string  // finest P-code of the enterprise, "" when none
	Lon, Lat     float64 // its GPS point; 0, 0 when it has none
	Input, Buyer Party
}

// Skipped is a survey answer Derive could not turn into a link.
type Skipped struct {
	EnterpriseID string `json:"enterprise_id"`
	Field        string `json:"field"` // "buyer_type", "input_source_type", …
	Value        string `json:"value"`
	Reason       string `json:"reason"`
}

// Derived is what Derive makes: actors and links that pass Check, and
// what it counted and skipped on the way.
//
// As JSON (the report of POST /api/valuechains/assemble) it holds the
// counts and skipped answers only.
type Derived struct {
	Actors []Actor `json:"-"`
	Links  []Link  `json:"-"`
	// Producers, Suppliers and Buyers count the actors of each kind;
	// Reused those of the suppliers and buyers taken from nearby actors
	// (and Supporters the nearby supporters and enablers added as they are).
	Producers  int       `json:"producers"`
	Suppliers  int       `json:"suppliers"`
	Buyers     int       `json:"buyers"`
	Reused     int       `json:"reused"`
	Supporters int       `json:"supporters"`
	Skipped    []Skipped `json:"skipped"`
}

// Derive assembles a chain's actors and links from surveyed producers:
//
//   - every producer becomes a producer actor "p-<enterprise id>" with
//     EnterpriseID set, placed at its GPS point when it lies in Extent;
//   - every distinct (type, place) of main input sources becomes one
//     input_supplier actor ("in-1", "in-2", … in order of first mention)
//     named by type and place ("Leather traders, Savar"), with a goods link
//     supplier → producer. Whatever the word, who sells a producer its
//     inputs is an input supplier of this chain (a leather wholesaler is
//     the footwear chain's input supplier);
//   - every distinct (type, place) of main buyers becomes one actor
//     ("buy-1", …) whose role is BuyerRole of its type, with a goods link
//     producer → buyer. A buyer whose type is unknown, or names an input
//     supplier (goods would run backwards), is skipped and reported;
//   - a supplier or buyer whose place resolved to a unit is placed at the
//     unit's label point; when an actor of nearby has the same role and the
//     same Admin P-code, it is reused instead: its name, names, location and
//     point (keeping the derived id), and every other answer that matches
//     the same nearby actor ("paikar" and "পাইকার" in one upazila) joins
//     that one actor;
//   - nearby supporters and enablers (MFIs, training, regulators, …) join
//     the chain as they are, without links, since surveys do not name
//     them; nearby operators that no answer matches are left out.
//
// Two places are the same when they resolved to the same P-code, or else
// are written alike (case, spaces and punctuation aside); so are two types,
// ignoring a plural "s". Links carry goods with no product, volume or value:
// the survey fields do not say them. Actors get scope's sector. The result
// passes Check.
func Derive(scope Chain, producers []Enterprise, nearby []Actor) *Derived {
	d := &Derived{Skipped: []Skipped{}}
	byKey := map[string]string{} // party key → actor id
	type near struct {
		a  Actor
		id string // the derived actor it became, once reused
	}
	var operators []*near
	for _, a := range nearby {
		if a.Role.Function() == Operator && a.Admin != "" {
			operators = append(operators, &near{a: a})
		}
	}
	party := func(role Role, p Party, prefix string, n *int) string {
		key := string(role) + "\x00" + wordKey(p.Type) + "\x00" + placeKey(p)
		if id, ok := byKey[key]; ok {
			return id
		}
		var match *near
		for _, o := range operators {
			if p.Admin != "" && o.a.Role == role && o.a.Admin == p.Admin {
				match = o
				break
			}
		}
		if match != nil && match.id != "" { // another answer reused it already
			byKey[key] = match.id
			return match.id
		}
		*n++
		a := Actor{ID: prefix + strconv.Itoa(*n), Role: role, Sector: scope.Sector, Admin: p.Admin,
			Name: partyName(role, p)}
		if p.Admin == "" {
			a.Location = strings.TrimSpace(p.Place)
		}
		if checkPlace(p.Lon, p.Lat) == "" {
			a.Lon, a.Lat = p.Lon, p.Lat
		}
		if match != nil {
			a.Name, a.NameBN, a.Location, a.Lon, a.Lat = match.a.Name, match.a.NameBN, match.a.Location, match.a.Lon, match.a.Lat
			match.id = a.ID
			d.Reused++
		}
		byKey[key] = a.ID
		d.Actors = append(d.Actors, a)
		return a.ID
	}
	for _, p := range producers {
		id := "p-" + p.EnterpriseID
		a := Actor{ID: id, Name: p.Name, Role: Producer, Sector: scope.Sector, EnterpriseID: p.EnterpriseID, Admin: p.Admin}
		if a.Name == "" {
			a.Name = "Enterprise " + p.EnterpriseID
		}
		if checkPlace(p.Lon, p.Lat) == "" {
			a.Lon, a.Lat = p.Lon, p.Lat
		}
		d.Actors = append(d.Actors, a)
		d.Producers++
		if !p.Input.empty() {
			if strings.TrimSpace(p.Input.Type) == "" {
				d.skip(p.EnterpriseID, "input_source_type", "", "a place ("+strings.TrimSpace(p.Input.Place)+") without a type")
			} else {
				from := party(InputSupplier, p.Input, "in-", &d.Suppliers)
				d.Links = append(d.Links, Link{From: from, To: id, Flow: Goods})
			}
		}
		if !p.Buyer.empty() {
			t := strings.TrimSpace(p.Buyer.Type)
			role, ok := BuyerRole(t)
			switch {
			case t == "":
				d.skip(p.EnterpriseID, "buyer_type", "", "a place ("+strings.TrimSpace(p.Buyer.Place)+") without a type")
			case !ok:
				d.skip(p.EnterpriseID, "buyer_type", t, "not a known type of buyer (paikar, aratdar, wholesaler, retailer, local market, processor, exporter, …)")
			case role.Stage() < Producer.Stage():
				d.skip(p.EnterpriseID, "buyer_type", t, fmt.Sprintf("names an %s (stage %d): goods sold to it would run backwards from the producer (stage %d)", role, role.Stage(), Producer.Stage()))
			default:
				to := party(role, p.Buyer, "buy-", &d.Buyers)
				d.Links = append(d.Links, Link{From: id, To: to, Flow: Goods})
			}
		}
	}
	n := 0
	for _, a := range nearby {
		if f := a.Role.Function(); f == Supporter || f == Enabler {
			n++
			a.ID = "near-" + strconv.Itoa(n)
			a.EnterpriseID = ""
			d.Actors = append(d.Actors, a)
			d.Supporters++
		}
	}
	return d
}

func (d *Derived) skip(enterprise, field, value, reason string) {
	d.Skipped = append(d.Skipped, Skipped{EnterpriseID: enterprise, Field: field, Value: value, Reason: reason})
}

// partyName names a derived actor by type and place: "Leather traders,
// Savar", using the resolved unit's name when there is one.
func partyName(role Role, p Party) string {
	name := strings.Join(strings.Fields(p.Type), " ")
	if name == "" {
		name = string(role)
	}
	if r := []rune(name); unicode.IsLower(r[0]) {
		r[0] = unicode.ToUpper(r[0])
		name = string(r)
	}
	place := p.PlaceName
	if place == "" {
		place = strings.Join(strings.Fields(p.Place), " ")
	}
	if place != "" {
		name += ", " + place
	}
	return name
}

// placeKey is what makes two places the same: the resolved P-code, or the
// place as written, folded.
func placeKey(p Party) string {
	if p.Admin != "" {
		return p.Admin
	}
	return strings.Join(words(p.Place), " ")
}

// wordKey folds a type for comparison: words, lower case, a plural "s"
// dropped from Latin words.
func wordKey(s string) string {
	w := words(s)
	for i, x := range w {
		if len(x) > 3 && x[len(x)-1] == 's' && x[len(x)-2] != 's' {
			w[i] = x[:len(x)-1]
		}
	}
	return strings.Join(w, " ")
}

// words splits s into lower-case words (letters, digits and Bangla marks),
// in Unicode NFC.
func words(s string) []string {
	s = norm.NFC.String(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r == '\u200c' || r == '\u200d')
	})
}

// typeWords are the words BuyerRole knows, each role's in order; a word
// matches a word of the text that begins with it ("trader" matches
// "traders", "পাইকার" matches "পাইকারি"), and a phrase of several words
// matches them in a row. Roles are tried in this order, so "wholesale
// market" is a wholesaler and "local market" a retailer.
var typeWords = []struct {
	role  Role
	words []string
}{
	{Exporter, []string{"export", "buying house", "রপ্তানি"}},
	// An aratdar is a commission agent of the primary market who gathers
	// producers' goods for bigger traders: a collector.
	{Collector, []string{"aratdar", "arotdar", "aratder", "collector", "collection", "aggregator", "ghosh", "gosh", "faria", "foria", "middleman", "bepari", "আড়তদার", "আড়ত", "সংগ্রহকারী", "ঘোষ", "ফড়িয়া", "বেপারী", "দালাল"}},
	{Processor, []string{"processor", "processing", "factory", "factories", "plant", "mill", "manufacturer", "milk vita", "company", "প্রক্রিয়াজাত", "কারখানা", "মিল্ক ভিটা", "কোম্পানি"}},
	{Wholesaler, []string{"paikar", "paikari", "wholesale", "trader", "mohajan", "mahajan", "distributor", "পাইকার", "ব্যবসায়ী", "মহাজন", "পরিবেশক"}},
	{InputSupplier, []string{"dealer", "supplier", "input", "tannery", "ডিলার", "সরবরাহকারী", "ট্যানারি"}},
	{Retailer, []string{"retail", "shop", "local market", "market", "haat", "bazar", "bazaar", "consumer", "customer", "household", "খুচরা", "দোকান", "হাট", "বাজার", "ভোক্তা"}},
	{Producer, []string{"producer", "workshop", "উৎপাদনকারী"}},
}

// BuyerRole returns the value-chain role a type of buyer as written in a
// survey names, in English or Bangla: "paikar", "paikari", "trader" and
// "distributor" are wholesalers; "aratdar" (a commission agent of the
// primary market) and "collector" collectors; "factory", "processor" and
// "Milk Vita" processors; "retailer", "shop", "local market", "haat" and
// "consumer" retailers; "exporter" and "buying house" exporters; "dealer"
// and "supplier" input suppliers (never a producer's buyer: Derive skips
// them). The words are matched in typeWords' order; false when none
// matches.
func BuyerRole(s string) (Role, bool) {
	w := words(s)
	for _, tw := range typeWords {
		for _, phrase := range tw.words {
			if matchPhrase(w, words(phrase)) {
				return tw.role, true
			}
		}
	}
	return "", false
}

// matchPhrase reports whether the words p occur in a row in w, each a
// prefix of its word.
func matchPhrase(w, p []string) bool {
	for i := 0; i+len(p) <= len(w); i++ {
		ok := true
		for j, x := range p {
			if !strings.HasPrefix(w[i+j], x) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// ClusterChainID is the ID of the chain assembled for a cluster:
// "cluster-" and the cluster's id, characters other than letters, digits,
// '-', '_' and '.' turned into '-' ("smef:dairy:E-1" gives
// "cluster-smef-dairy-E-1"). An ID longer than 64 characters keeps its first
// 53 and ends in '-' and 10 hex digits of the cluster id's SHA-1.
func ClusterChainID(cluster string) string {
	b := []byte("cluster-" + cluster)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			b[i] = '-'
		}
	}
	if len(b) > 64 {
		h := sha1.Sum([]byte(cluster))
		b = append(b[:53], "-"+hex.EncodeToString(h[:5])...)
	}
	return string(b)
}
