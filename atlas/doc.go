// Package atlas composes the printable atlas: vector A4 pages, one per admin
// unit or per saved view, each with a map (the unit and its child units
// coloured in classes of a sector's enterprise count or location quotient,
// neighbouring units in grey, the sector's enterprises as dots), its title
// in English and Bangla, a legend, a scale bar, a north arrow, the unit's
// profile (package profile) as a table, and the data source, date and the
// boundaries' attribution; `guccho atlas` writes them as one PDF.
//
// Pages are drawn with github.com/tdewolff/canvas and written as PDF with
// the fonts embedded (subset). Bangla is shaped by go-text/typesetting's
// HarfBuzz port, which canvas uses when built without the cgo "harfbuzz"
// tag, so conjuncts and vowel signs come out as HarfBuzz itself gives them
// (atlas's tests compare the glyphs of the PDF with hb-shape's).
//
// The package reads no store: UnitPages and ViewPage compose pages from
// units, aggregates and points the caller read, and Document.Write draws
// them.
package atlas
