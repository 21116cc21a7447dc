package data

import (
	"embed"
	"io/fs"
)

// fonts holds the Noto fonts exports draw text with; see fonts/README.md.
//
//go:embed fonts
var fonts embed.FS

// Font names of the fonts Fonts holds.
const (
	FontBengali     = "NotoSansBengali-Regular.ttf"
	FontBengaliBold = "NotoSansBengali-Bold.ttf"
	FontLatin       = "NotoSans-Regular.ttf"
	FontLatinBold   = "NotoSans-Bold.ttf"
)

// Fonts returns the fonts shipped in the binary (Noto Sans Bengali and Noto
// Sans, regular and bold, under the SIL Open Font License 1.1) with their
// README.md and OFL.txt, by file name (FontBengali, …).
func Fonts() fs.FS {
	sub, err := fs.Sub(fonts, "fonts")
	if err != nil {
		panic("data: " + err.Error()) // unreachable: "fonts" is a valid path
	}
	return sub
}

// Font returns the bytes of the named font file (FontBengali, …).
func Font(name string) ([]byte, error) {
	return fs.ReadFile(Fonts(), name)
}
