package tiles

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// randomPoints draws n points over Bangladesh's box, a quarter of them on
// the edges of tiles of zoom 12–16 (the hardest case for a key range).
func randomPoints(rng *rand.Rand, n int) []orb.Point {
	pts := make([]orb.Point, n)
	for i := range pts {
		p := orb.Point{88 + 5*rng.Float64(), 20.5 + 6*rng.Float64()}
		if i%4 == 0 {
			b := maptile.At(p, maptile.Zoom(PointZoom+rng.IntN(5))).Bound()
			p = b.Min
		}
		pts[i] = p
	}
	return pts
}

func TestTileKeysHoldExactlyTheTilesPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	pts := randomPoints(rng, 20000)
	for z := PointZoom; z <= 16; z++ {
		for i, p := range pts {
			// The tile holding the point and its neighbours: the point's key
			// is in its own tile's range and in no neighbour's.
			c := CellOf(p, z)
			for dx := -1; dx <= 1; dx++ {
				for dy := -1; dy <= 1; dy++ {
					tile := maptile.New(uint32(int(c.X)+dx), uint32(int(c.Y)+dy), maptile.Zoom(z))
					r := TileKeys(tile)
					k := PointKey(p)
					if got, want := r.Lo <= k && k <= r.Hi, dx == 0 && dy == 0; got != want {
						t.Fatalf("z%d point %d %v: key %d in %v of tile %v = %v, want %v", z, i, p, k, r, tile, got, want)
					}
				}
			}
		}
	}
}

func TestPointKeyFollowsTheZCurve(t *testing.T) {
	cases := []struct {
		name string
		tile maptile.Tile
		want KeyRange
	}{
		{"the world", maptile.New(0, 0, 0), KeyRange{0, 1<<62 - 1}},
		{"z1 top left", maptile.New(0, 0, 1), KeyRange{0, 1<<60 - 1}},
		{"z1 bottom left (y's bit below x's)", maptile.New(0, 1, 1), KeyRange{1 << 60, 2<<60 - 1}},
		{"z1 top right", maptile.New(1, 0, 1), KeyRange{2 << 60, 3<<60 - 1}},
		// x = 0b011 and y = 0b101 interleaved: x2 y2 x1 y1 x0 y0.
		{"z31 cell (3, 5)", maptile.New(3, 5, 31), KeyRange{0b01_10_11, 0b01_10_11}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := TileKeys(c.tile); got != c.want {
				t.Errorf("TileKeys(%v) = %v, want %v", c.tile, got, c.want)
			}
		})
	}
}

func TestBoundKeysHoldEveryPointInTheBox(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	pts := randomPoints(rng, 20000)
	keys := make([]int64, len(pts))
	for i, p := range pts {
		keys[i] = PointKey(p)
	}
	boxes := []struct {
		name string
		b    orb.Bound
	}{
		{"a z12 tile", maptile.New(3059, 1780, 12).Bound()},
		{"a z16 tile with a 64-unit buffer", PointTileBound(maptile.New(48950, 28490, 16))},
		{"a district", orb.Bound{Min: orb.Point{90.1, 23.6}, Max: orb.Point{90.6, 24.1}}},
		{"the country", orb.Bound{Min: orb.Point{88, 20.5}, Max: orb.Point{93, 26.5}}},
		{"a point", orb.Bound{Min: pts[0], Max: pts[0]}},
		{"a line of latitude", orb.Bound{Min: orb.Point{88, pts[4][1]}, Max: orb.Point{93, pts[4][1]}}},
	}
	for i := range 20 {
		a, b := pts[rng.IntN(len(pts))], pts[rng.IntN(len(pts))]
		boxes = append(boxes, struct {
			name string
			b    orb.Bound
		}{"random " + string(rune('a'+i)), orb.Bound{Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])}, Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])}}})
	}
	for _, c := range boxes {
		t.Run(c.name, func(t *testing.T) {
			rs := BoundKeys(c.b)
			if len(rs) == 0 || len(rs) > 4<<(coverBits+3) {
				t.Fatalf("%d ranges, want 1 to %d", len(rs), 4<<(coverBits+3))
			}
			for i, r := range rs {
				if r.Lo > r.Hi || i > 0 && rs[i-1].Hi+1 >= r.Lo {
					t.Fatalf("ranges %v and %v are not sorted, disjoint and apart", rs[max(i-1, 0)], r)
				}
			}
			in, covered := 0, 0
			for i, k := range keys {
				j, _ := slices.BinarySearchFunc(rs, k, func(r KeyRange, k int64) int {
					if r.Hi < k {
						return -1
					}
					if r.Lo > k {
						return 1
					}
					return 0
				})
				hit := j < len(rs) && rs[j].Lo <= k && k <= rs[j].Hi
				if hit {
					covered++
				}
				if c.b.Contains(pts[i]) {
					in++
					if !hit {
						t.Fatalf("point %v in the box has key %d, in no range", pts[i], k)
					}
				}
			}
			// Few points outside the box are read with it.
			if in > 100 && float64(covered) > 1.2*float64(in) {
				t.Errorf("ranges hold %d points for the box's %d", covered, in)
			}
		})
	}
}
