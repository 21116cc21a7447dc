// Package data holds the data Guccho ships and embeds in the binary: the
// bilingual sector catalogue (sectors.json) and the default boundary set with
// its gazetteer, licences and provenance (bd/, see Boundaries). (The demo
// survey's profile lives with its generator, in demo/profile.go; survey column
// synonyms in survey/presets.json.)
package data

import (
	_ "embed"
)

// SectorsJSON is the built-in sector catalogue; see guccho.ParseSectors for
// its format.
//
//go:embed sectors.json
var SectorsJSON []byte
