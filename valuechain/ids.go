package valuechain

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// validID reports whether id may name a chain or a link: 1 to 64 letters,
// digits, '-', '_' or '.', but not "." or "..", so that it fits in a URL
// path as it is.
func validID(id string) bool {
	if id == "" || len(id) > 64 || id == "." || id == ".." {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// checkPlace returns why lon, lat is not a valid actor location, or "".
// Both 0 means not placed.
func checkPlace(lon, lat float64) string {
	if lon == 0 && lat == 0 {
		return ""
	}
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < Extent[0] || lon > Extent[2] || lat < Extent[1] || lat > Extent[3] {
		return fmt.Sprintf("%g, %g is outside Bangladesh (lon %g to %g, lat %g to %g)", lon, lat, Extent[0], Extent[2], Extent[1], Extent[3])
	}
	return ""
}

// LinkIDs returns each link's ID: its own, or one derived from From, To,
// Flow, Product and Period — "l-" and 10 hex digits of their SHA-1 — so the
// same link gets the same ID in every import of a file. When two links
// derive the same ID (or a given one is taken), the later ones get "-2",
// "-3", … in slice order.
func LinkIDs(links []Link) []string {
	ids := make([]string, len(links))
	taken := make(map[string]bool, len(links))
	for _, l := range links {
		if l.ID != "" {
			taken[l.ID] = true
		}
	}
	for i, l := range links {
		if l.ID != "" {
			ids[i] = l.ID
			continue
		}
		h := sha1.Sum([]byte(l.From + "\x00" + l.To + "\x00" + string(l.Flow) + "\x00" + l.Product + "\x00" + l.Period))
		base := "l-" + hex.EncodeToString(h[:5])
		id := base
		for n := 2; taken[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		taken[id] = true
		ids[i] = id
	}
	return ids
}

// NewChainID proposes an ID for a chain that has none: its sector and its
// cluster (or admin P-code), lower case, other characters turned into '-':
// "footwear-bhairab" for sector footwear around cluster bhairab.
func NewChainID(c Chain) string {
	s := c.Sector
	if c.Cluster != "" {
		s += "-" + c.Cluster
	} else if c.Admin != "" {
		s += "-" + c.Admin
	}
	b := []byte(strings.ToLower(s))
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			b[i] = '-'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	if len(b) == 0 {
		return "chain"
	}
	return string(b)
}
