package geo_test

import (
	"math"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho/geo"
)

func square(x0, y0, side float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}}}
}

// degKM is a degree of latitude in km, as LabelPoint measures.
const degKM = 6371.0088 * math.Pi / 180

func TestLabelPoint(t *testing.T) {
	// A "U" open to the north: its centroid (90.5, ~22.4) lies in the gap.
	u := orb.Polygon{{{90, 22}, {91, 22}, {91, 23}, {90.8, 23}, {90.8, 22.2}, {90.2, 22.2}, {90.2, 23}, {90, 23}, {90, 22}}}
	withHole := orb.Polygon{square(90, 22, 1)[0], {{90.2, 22.2}, {90.2, 22.8}, {90.8, 22.8}, {90.8, 22.2}, {90.2, 22.2}}}
	cases := []struct {
		name     string
		mp       orb.MultiPolygon
		want     orb.Point // within tol degrees
		tol      float64
		wantRoom float64 // km, within 0.2 %
	}{
		{"a square's centre, half its (shortened) width from the border",
			orb.MultiPolygon{square(90, 22, 1)}, orb.Point{90.5, 22.5}, 0.002, 0.5 * math.Cos(22.5*math.Pi/180) * degKM},
		{"the larger part of two",
			orb.MultiPolygon{square(88, 21, 0.2), square(90, 22, 1)}, orb.Point{90.5, 22.5}, 0.002, 0.5 * math.Cos(22.5*math.Pi/180) * degKM},
		{"a U's pole is in an arm or its base, never in the gap", orb.MultiPolygon{u}, orb.Point{}, 0, 0},
		{"a hole is border", orb.MultiPolygon{withHole}, orb.Point{}, 0, 0},
		{"empty", nil, orb.Point{}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, room := geo.LabelPoint(c.mp)
			if len(c.mp) == 0 {
				if got != (orb.Point{}) || room != 0 {
					t.Errorf("LabelPoint(empty) = %v, %v; want the zero point and 0", got, room)
				}
				return
			}
			if !planar.MultiPolygonContains(c.mp, got) {
				t.Fatalf("LabelPoint = %v, outside the polygon", got)
			}
			if d := geo.BorderDistanceKM(c.mp, got); math.Abs(d-room) > 1e-6*room+1e-9 {
				t.Errorf("room = %v km, but the point is %v km from the border", room, d)
			}
			if c.tol > 0 && (math.Abs(got[0]-c.want[0]) > c.tol || math.Abs(got[1]-c.want[1]) > c.tol) {
				t.Errorf("LabelPoint = %v, want %v", got, c.want)
			}
			if c.wantRoom > 0 && math.Abs(room-c.wantRoom) > 0.002*c.wantRoom {
				t.Errorf("room = %.3f km, want %.3f", room, c.wantRoom)
			}
			if room <= 0 {
				t.Errorf("room = %v km, want > 0", room)
			}
		})
	}
}

func TestLabelsRankEachLevelByArea(t *testing.T) {
	units := []*geo.Unit{
		{PCode: "BD10", Level: geo.Division, NameEN: "Barisal", NameENCurrent: "Barishal", NameBN: "বরিশাল", AreaKM2: 100, Geometry: orb.MultiPolygon{square(90, 22, 1)}},
		{PCode: "BD1004", Level: geo.District, NameEN: "Small", AreaKM2: 10, Geometry: orb.MultiPolygon{square(90, 22, 0.1)}},
		{PCode: "BD1006", Level: geo.District, NameEN: "Large", AreaKM2: 90, Geometry: orb.MultiPolygon{square(90.1, 22, 0.9)}},
		{PCode: "BD1009", Level: geo.District, NameEN: "Stored", AreaKM2: 10, Label: orb.Point{91.5, 23.5}},
	}
	got := geo.Labels(units)
	want := []struct {
		pcode, en string
		rank      int
	}{{"BD10", "Barishal", 1}, {"BD1004", "Small", 2}, {"BD1006", "Large", 1}, {"BD1009", "Stored", 3}}
	for i, w := range want {
		if got[i].PCode != w.pcode || got[i].NameEN != w.en || got[i].Rank != w.rank {
			t.Errorf("label %d = %s %q rank %d, want %s %q rank %d", i, got[i].PCode, got[i].NameEN, got[i].Rank, w.pcode, w.en, w.rank)
		}
	}
	if got[0].NameBN != "বরিশাল" {
		t.Errorf("NameBN = %q, want বরিশাল", got[0].NameBN)
	}
	if got[3].Point != (orb.Point{91.5, 23.5}) || got[3].RoomKM != 0 {
		t.Errorf("a unit without geometry: %v room %v, want its stored label point and no room", got[3].Point, got[3].RoomKM)
	}
}

// TestLabelsOfTheRealBoundaries places every unit's label inside it and at
// least as far from its border as the gazetteer's representative point.
func TestLabelsOfTheRealBoundaries(t *testing.T) {
	units := bdtestUnits(t)
	labels := geo.Labels(units)
	var gains []float64
	for i, u := range units {
		l := labels[i]
		if !planar.MultiPolygonContains(u.Geometry, l.Point) {
			t.Errorf("%s %s: label %v is outside the unit", u.PCode, u.DisplayName(), l.Point)
			continue
		}
		old := geo.BorderDistanceKM(u.Geometry, u.Label)
		if l.RoomKM < old*0.999-1e-6 {
			t.Errorf("%s %s: label %.3f km from the border, the gazetteer's point %.3f km", u.PCode, u.DisplayName(), l.RoomKM, old)
		}
		if old > 0 {
			gains = append(gains, l.RoomKM/old)
		}
	}
	sort.Float64s(gains)
	if len(gains) > 0 {
		t.Logf("%d units: room over the gazetteer point's, median ×%.2f, 90th percentile ×%.2f", len(gains), gains[len(gains)/2], gains[len(gains)*9/10])
	}
}
