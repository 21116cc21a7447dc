package storetest

import (
	"context"
	"math"
	"testing"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/store"
)

// testLabels checks that the units a store gives back with their geometry
// carry what place labels are computed from (geo.Labels, which the server's
// GET /api/labels runs over FindUnits): the same points, room, names and
// ranks as the imported units give, at every level.
func testLabels(t *testing.T, s store.Store) {
	ctx := context.Background()
	imported := gridUnits(t)
	for _, level := range geo.Levels {
		var want []*geo.Unit
		for _, u := range imported {
			if u.Level == level {
				want = append(want, u)
			}
		}
		got, err := s.FindUnits(ctx, geo.UnitFilter{Level: &level, WithGeometry: true})
		if err != nil {
			t.Fatalf("FindUnits(%s, with geometry): %v", level, err)
		}
		if len(got) != len(want) {
			t.Fatalf("FindUnits(%s) gave %d units, want %d", level, len(got), len(want))
		}
		gl, wl := geo.Labels(got), geo.Labels(want)
		for i := range wl {
			g, w := gl[i], wl[i]
			if g.PCode != w.PCode || g.NameEN != w.NameEN || g.NameBN != w.NameBN || g.Rank != w.Rank {
				t.Errorf("%s label %d = %s %q %q rank %d, want %s %q %q rank %d", level, i, g.PCode, g.NameEN, g.NameBN, g.Rank, w.PCode, w.NameEN, w.NameBN, w.Rank)
			}
			if math.Abs(g.Point[0]-w.Point[0]) > 1e-6 || math.Abs(g.Point[1]-w.Point[1]) > 1e-6 || math.Abs(g.RoomKM-w.RoomKM) > 1e-3 {
				t.Errorf("%s %s labelled at %v (room %.4f km), want %v (%.4f km)", level, g.PCode, g.Point, g.RoomKM, w.Point, w.RoomKM)
			}
			if g.RoomKM <= 0 {
				t.Errorf("%s %s: no room around its label point, want its geometry back", level, g.PCode)
			}
		}
	}
}
