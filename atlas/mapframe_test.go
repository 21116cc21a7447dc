package atlas

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tdewolff/canvas"

	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/deck"
)

func TestFrameScaleIsTrueAtItsCentre(t *testing.T) {
	// One degree of longitude at 23° N fills the map box's width, less the
	// 4 % margin: its ground length, 111.32 km · cos 23° = 102.47 km, over
	// 138/1.04 mm of page.
	f := newFrame(orb.Bound{Min: orb.Point{90, 23}, Max: orb.Point{91, 23.001}}, pageLayout.Map)
	mm := pageLayout.Map.W / 1.04
	want := 6378137 * math.Cos(23*math.Pi/180) * math.Pi / 180
	if got := f.metresPerMM() * mm; math.Abs(got-want)/want > 0.001 {
		t.Errorf("1° at 23° N measures %.0f m on the scale, want %.0f m", got, want)
	}
	x0, _ := f.pt(orb.Point{90, 23})
	x1, _ := f.pt(orb.Point{91, 23})
	if math.Abs(x1-x0-mm) > 1e-9 {
		t.Errorf("1° spans %v mm of page, want %v", x1-x0, mm)
	}
}

func TestClipRingKeepsWhatIsInside(t *testing.T) {
	// A square from (-1,-1) to (1,1) clipped to [0,2]×[0,2] is the unit
	// square (0,0)–(1,1): its area is 1.
	sq := [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	got := clipRing(sq, 0, 0, 2, 2)
	area := 0.0
	for i := range got {
		a, b := got[i], got[(i+1)%len(got)]
		area += a[0]*b[1] - b[0]*a[1]
	}
	if math.Abs(math.Abs(area/2)-1) > 1e-12 {
		t.Errorf("clipped ring %v has area %v, want 1", got, area/2)
	}
	if out := clipRing(sq, 5, 5, 6, 6); len(out) != 0 {
		t.Errorf("a ring outside the rectangle clips to %v, want nothing", out)
	}
}

func TestLabelsDoNotOverlap(t *testing.T) {
	fonts, err := LoadFonts(data.Fonts())
	if err != nil {
		t.Fatal(err)
	}
	big := orb.MultiPolygon{{{{90, 23}, {91, 23}, {91, 24}, {90, 24}, {90, 23}}}}
	small := orb.MultiPolygon{{{{90.4, 23.4}, {90.6, 23.4}, {90.6, 23.6}, {90.4, 23.6}, {90.4, 23.4}}}}
	far := orb.MultiPolygon{{{{90.8, 23.1}, {90.9, 23.1}, {90.9, 23.2}, {90.8, 23.2}, {90.8, 23.1}}}}
	areas := []Area{ // the small one first: size, not order, decides
		{Geometry: small, Label: deck.Text{EN: "Small"}, LabelAt: orb.Point{90.5, 23.5}},
		{Geometry: big, Label: deck.Text{EN: "Big"}, LabelAt: orb.Point{90.5, 23.5}},
		{Geometry: far, Label: deck.Text{EN: "Far"}, LabelAt: orb.Point{90.85, 23.15}},
	}
	var rec recorder
	ctx := canvas.NewContext(&rec)
	ctx.SetCoordSystem(canvas.CartesianIV)
	d := &Document{Fonts: fonts}
	d.drawLabels(ctx, newFrame(big.Bound(), pageLayout.Map), areas)
	got := rec.b.String()
	if !strings.Contains(got, `"Big"`) || !strings.Contains(got, `"Far"`) || strings.Contains(got, `"Small"`) {
		t.Errorf("labels drawn:\n%s\nwant Big and Far, not Small (it would overlap Big)", got)
	}
}
