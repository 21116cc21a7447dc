package atlas

import (
	"io/fs"

	"github.com/tdewolff/canvas"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
)

// Fonts are the four faces a page is set in: Bangla text in the Bengali
// family, everything else in the Latin one, each regular and bold.
type Fonts struct {
	bengali, latin *canvas.FontFamily
}

// LoadFonts reads the fonts from fsys under the file names of the fonts
// shipped in the binary (data.FontBengali, data.FontBengaliBold,
// data.FontLatin, data.FontLatinBold); data.Fonts() is the default. A file
// that is missing or not a TrueType/OpenType font is an EINVALID error
// naming it.
func LoadFonts(fsys fs.FS) (*Fonts, error) {
	f := &Fonts{bengali: canvas.NewFontFamily("bengali"), latin: canvas.NewFontFamily("latin")}
	for _, face := range []struct {
		family *canvas.FontFamily
		name   string
		style  canvas.FontStyle
	}{
		{f.bengali, data.FontBengali, canvas.FontRegular},
		{f.bengali, data.FontBengaliBold, canvas.FontBold},
		{f.latin, data.FontLatin, canvas.FontRegular},
		{f.latin, data.FontLatinBold, canvas.FontBold},
	} {
		b, err := fs.ReadFile(fsys, face.name)
		if err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "font %s: %v", face.name, err)
		}
		if err := face.family.LoadFont(b, 0, face.style); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "font %s: not a font canvas can read: %v", face.name, err)
		}
	}
	return f, nil
}
