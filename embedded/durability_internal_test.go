package embedded

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// SQLite reports synchronous as a number: 1 is NORMAL, 2 is FULL.
func TestEveryConnectionSyncsCommitsToDisk(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Several connections at once, so that the pool opens more than one.
	conns := make([]interface{ Close() error }, 0, 3)
	for i := 0; i < 3; i++ {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode int
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != 2 {
			t.Errorf("connection %d runs with synchronous=%d, want 2 (FULL): acknowledged writes could be lost on a power failure", i, mode)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// BenchmarkDurableEdits measures what synchronous=FULL costs an editor:
// single-enterprise creates, each its own committed transaction with its
// event, on a store opened with NORMAL (the old setting, the baseline) and
// with FULL (the setting Open uses), in the same run.
//
//	go test -run '^$' -bench DurableEdits -benchtime 2000x ./embedded
func BenchmarkDurableEdits(b *testing.B) {
	for _, mode := range []string{syncNormal, syncFull} {
		b.Run("synchronous="+mode, func(b *testing.B) {
			ctx := context.Background()
			s, err := open(ctx, filepath.Join(b.TempDir(), "guccho.db"), mode)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := &guccho.Enterprise{
					ID: fmt.Sprintf("e%07d", i), Name: "Shop", Sector: "footwear_leather",
					Point: orb.Point{90.99 + float64(i%100)*1e-4, 24.05}, Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1},
				}
				if err := s.CreateEnterprise(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "edits/s")
		})
	}
}
