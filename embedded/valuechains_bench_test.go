package embedded_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/storetest"
)

// BenchmarkValuechainStore times storing a 10,000-actor chain whole,
// reading it back and editing one actor (storetest.BenchValuechains).
func BenchmarkValuechainStore(b *testing.B) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchValuechains(b, s)
}
