// Package data holds the small data Guccho owns and embeds in the binary:
// the bilingual sector catalogue (sectors.json), and the profile the demo
// survey is generated from.
package data

import (
	_ "embed"
)

// SectorsJSON is the built-in sector catalogue; see guccho.ParseSectors for
// its format.
//
//go:embed sectors.json
var SectorsJSON []byte
