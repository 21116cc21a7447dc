package data

import (
	"bytes"
	"testing"
)

func TestFontsAreTrueTypeFiles(t *testing.T) {
	for _, name := range []string{FontBengali, FontBengaliBold, FontLatin, FontLatinBold} {
		b, err := Font(name)
		if err != nil {
			t.Fatalf("Font(%q): %v", name, err)
		}
		if !bytes.HasPrefix(b, []byte{0, 1, 0, 0}) {
			t.Errorf("%s does not start with the TrueType version tag", name)
		}
	}
	if _, err := Font("OFL.txt"); err != nil {
		t.Errorf("the licence is missing: %v", err)
	}
}
