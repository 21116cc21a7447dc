package tiles

import (
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestCacheCountsTheFilterInItsSize(t *testing.T) {
	const limit = 64 << 10
	c := NewCache(limit)
	filter := "sector=" + strings.Repeat("dairy,", 6000) // 36 KB of key
	for x := uint32(0); x < 20; x++ {
		k := Key{Layer: "enterprises", Tile: maptile.New(x, 0, 10), Filter: filter}
		if _, err := c.Put(k, nil); err != nil {
			t.Fatal(err)
		}
	}
	if st := c.Stats(); st.Bytes > limit || st.Entries > 1 {
		t.Errorf("after 20 empty tiles with a 36 KB filter: %d entries, %d bytes counted; want at most 1 entry within %d bytes", st.Entries, st.Bytes, limit)
	}
}

func TestRequestFilterNamesEachSectorOnce(t *testing.T) {
	tests := []struct {
		name    string
		sectors []string
		want    string
	}{
		{"none", nil, ""},
		{"sorted", []string{"footwear_leather", "dairy"}, "sector=dairy,footwear_leather"},
		{"repeated", []string{"dairy", "dairy", "footwear_leather", "dairy"}, "sector=dairy,footwear_leather"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Request{Sectors: tt.sectors}).Filter(); got != tt.want {
				t.Errorf("Filter() = %q, want %q", got, tt.want)
			}
		})
	}
}
