package postgis_test

import (
	"context"
	"testing"

	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/valuechain"
)

// BenchmarkValuechainStore times storing a 10,000-actor chain whole and
// reading it back; embedded has the same benchmark.
func BenchmarkValuechainStore(b *testing.B) {
	ctx := context.Background()
	s, err := postgis.Open(ctx, pgtest.NewDatabase(b), postgis.Options{})
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
