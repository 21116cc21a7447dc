package profile_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
)

func TestNearestCentre(t *testing.T) {
	bhairab := &guccho.Centre{ID: "bhairab", Point: orb.Point{90.98, 24.05}}
	bogura := &guccho.Centre{ID: "bogura", Point: orb.Point{89.37, 24.85}}
	// One degree of latitude on a sphere of radius 6,371,008.8 m is
	// 111,195.08 m; so are two centres equally far along a meridian.
	north := &guccho.Centre{ID: "north", Point: orb.Point{90, 24}}
	south := &guccho.Centre{ID: "south", Point: orb.Point{90, 22}}
	tests := []struct {
		name   string
		pt     orb.Point
		cs     []*guccho.Centre
		wantID string
		wantM  float64
	}{
		{"one degree north along a meridian", orb.Point{90, 23}, []*guccho.Centre{north}, "north", 111195.08},
		{"a tie goes to the first listed", orb.Point{90, 23}, []*guccho.Centre{south, north}, "south", 111195.08},
		{"at the centre itself", orb.Point{90.98, 24.05}, []*guccho.Centre{bogura, bhairab}, "bhairab", 0},
		{"the closer of two", orb.Point{90.9, 24.0}, []*guccho.Centre{bogura, bhairab}, "bhairab", 9845.09}, // Python: haversine on the same radius
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, m, ok := profile.NearestCentre(tt.pt, tt.cs)
			if !ok || c.ID != tt.wantID {
				t.Fatalf("NearestCentre = %v, %v; want %s", c, ok, tt.wantID)
			}
			if math.Abs(m-tt.wantM) > 1 {
				t.Errorf("distance = %.2f m, want %.2f m (±1)", m, tt.wantM)
			}
		})
	}
	t.Run("no centres", func(t *testing.T) {
		if c, _, ok := profile.NearestCentre(orb.Point{90, 23}, nil); ok || c != nil {
			t.Errorf("NearestCentre(no centres) = %v, %v; want nil, false", c, ok)
		}
	})
}
