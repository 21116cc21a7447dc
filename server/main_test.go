package server_test

import (
	"os"
	"testing"

	"github.com/guccho/guccho/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster that the tests run on
// both stores start (pgtest), when the package's tests end.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
