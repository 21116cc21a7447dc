package postgis_test

import (
	"context"
	"testing"

	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/storetest"
	"github.com/guccho/guccho/postgis"
)

// BenchmarkValuechainStore times storing a 10,000-actor chain whole,
// reading it back and editing one actor (storetest.BenchValuechains).
func BenchmarkValuechainStore(b *testing.B) {
	ctx := context.Background()
	s, err := postgis.Open(ctx, pgtest.NewDatabase(b), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchValuechains(b, s)
}
