package server

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

// syntheticEnterprises streams n enterprises with GPS points, every field a
// profile counts varying with the index.
type syntheticEnterprises struct {
	guccho.EnterpriseStore
	n int
}

func (s syntheticEnterprises) enterprise(i int) *guccho.Enterprise {
	f, m, yes, no := i%3, i%5, true, false
	gps := orb.Point{88 + float64(i%1000)/1000, 21 + float64(i/1000)/1000}
	e := &guccho.Enterprise{ID: fmt.Sprintf("E%07d", i), Sector: []string{"dairy", "footwear_leather"}[i%2], GPS: &gps,
		Employment: guccho.Employment{Self: 1 + i%2, Wage: i % 7, Female: &f}, OwnerGender: []string{"", "female", "male", "other"}[i%4],
		RECP: guccho.RECP{Aware: &yes, Adopted: &no}, Barriers: []string{"credit", "power", "raw_material_cost"}[:i%4]}
	if i%2 == 0 {
		e.Employment.Male = &m
		e.RECP = guccho.RECP{Aware: &no}
	}
	return e
}

func (s syntheticEnterprises) FindEnterprises(_ context.Context, _ guccho.EnterpriseFilter, fn func(*guccho.Enterprise) error) error {
	for i := range s.n {
		if err := fn(s.enterprise(i)); err != nil {
			return err
		}
	}
	return nil
}

// oneUnion locates every point in one of two unions.
type oneUnion struct{ geo.Store }

func (oneUnion) LocateUnions(_ context.Context, pts []orb.Point) ([]string, error) {
	out := make([]string, len(pts))
	for i, p := range pts {
		out[i] = []string{"BD10040911", "BD10040913", ""}[int(p[0]*1000)%3]
	}
	return out, nil
}

// The points clusters are found among are the server's largest cache (some
// 7 million at national scale): each is kept in about 100 bytes (it took
// over 400 with a profile.Counts, a map of barriers and a map entry for its
// union each), and gives back exactly the counts profile.CountsOf gives.
func TestClusterPointsAreCompactAndKeepTheirCounts(t *testing.T) {
	const n = 200_000
	src := syntheticEnterprises{n: n}
	s := &Server{cfg: Config{Enterprises: src, Geo: oneUnion{}}, stats: newStatsCache(nil)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	points, err := s.gpsPointsAt(context.Background(), versions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perPoint := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.0f bytes per cached point", perPoint)
	if perPoint > 140 {
		t.Errorf("the cached points hold %.0f bytes each; want at most 140", perPoint)
	}
	runtime.KeepAlive(points)
	g := points.of("") // every sector, in id order
	if len(g.points) != n {
		t.Fatalf("%d points, want %d", len(g.points), n)
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 7, 11, 12, 999, n - 1} {
		j := i // ids are zero-padded: id order is index order
		e := src.enterprise(i)
		if g.points[j].ID != e.ID || g.points[j].Sector != e.Sector || g.points[j].Lon != e.GPS[0] {
			t.Fatalf("point %d is %+v, want enterprise %s", j, g.points[j], e.ID)
		}
		var got profile.Counts
		g.addCounts(&got, j)
		if want := profile.CountsOf(e); !reflect.DeepEqual(got, want) {
			t.Errorf("counts of %s\n got %+v\nwant %+v", e.ID, got, want)
		}
		wantUnion, _ := oneUnion{}.LocateUnions(context.Background(), []orb.Point{*e.GPS})
		if u, ok := g.locator([]int{j}).Locate(*e.GPS); ok != (wantUnion[0] != "") || ok && u.PCode != wantUnion[0] {
			t.Errorf("union of %s: %v, %v; want %q", e.ID, u, ok, wantUnion[0])
		}
	}
	runtime.KeepAlive(g)
}
