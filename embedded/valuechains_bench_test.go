package embedded_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/valuechain"
)

// BenchmarkValuechainStore times storing a 10,000-actor chain whole and
// reading it back; postgis has the same benchmark.
func BenchmarkValuechainStore(b *testing.B) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	as, ls := storetest.SyntheticChain(10_000)
	c := valuechain.Chain{ID: "big", Sector: "footwear_leather"}
	b.Run("ReplaceChain", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := s.ReplaceChain(ctx, &c, as, ls); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FindChainByID", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.FindChainByID(ctx, "big"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateActor", func(b *testing.B) {
		a := as[1]
		for i := 0; i < b.N; i++ {
			a.Name = "renamed"
			if err := s.UpdateActor(ctx, "big", &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
