package postgis

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/tiles"
)

// TestTileSQLClipsEachUnitOnce checks the plan of an admin tile: ST_AsMVTGeom
// appears once, in the aggregate's input, and in no filter, so PostgreSQL
// clips and quantises each unit once. The union tile over Dhaka at z8 holds
// hundreds of units, every one of which a second call would clip again.
func TestTileSQLClipsEachUnitOnce(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.Units(t)); err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(orb.Point{90.41, 23.81}, 8)
	args, err := tileArgs("unions", tile)
	if err != nil {
		t.Fatal(err)
	}
	var plan string
	if err := s.pool.QueryRow(ctx, "EXPLAIN (VERBOSE, FORMAT JSON) "+tileSQL, args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.ToLower(plan), "st_asmvtgeom("); n != 1 {
		t.Errorf("ST_AsMVTGeom appears %d times in the plan, want 1:\n%s", n, plan)
	}
	raw, err := s.Tile(ctx, tiles.Request{Layer: "unions", Tile: tile})
	if err != nil || len(raw) == 0 {
		t.Fatalf("Tile(unions %v) = %d bytes, %v; want a tile", tile, len(raw), err)
	}
}
