package demo_test

import (
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/demo"
)

// The demo's centres sit in the upazilas of the demo survey's anchors, are
// valid, and say they are synthetic.
func TestCentresSitAtTheDemoAnchors(t *testing.T) {
	a := realAtlas(t)
	want := map[string]string{
		"demo-csc-bhairab-footwear":       "BD304811", // Bhairab
		"demo-csc-dholaikhal-engineering": "BD302688", // Sutrapur, Old Dhaka
		"demo-csc-bogura-engineering":     "BD501020", // Bogura Sadar
		"demo-csc-shahjadpur-dairy":       "BD508867", // Shahjadpur
	}
	cs := demo.Centres()
	if err := guccho.ValidateCentres(cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(want) {
		t.Fatalf("%d centres, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		p, err := a.Reverse(c.Point)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		if p.Upazila == nil || p.Upazila.PCode != want[c.ID] {
			t.Errorf("%s at %v lies in %v, want upazila %s", c.ID, c.Point, p.Units(), want[c.ID])
		}
		if !c.Synthetic || c.Operator != "synthetic demo data" {
			t.Errorf("%s is not labelled synthetic: %+v", c.ID, c)
		}
	}
}
