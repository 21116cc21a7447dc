package geo_test

import (
	"testing"

	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

func bdtestUnits(tb testing.TB) []*geo.Unit {
	tb.Helper()
	return bdtest.Units(tb)
}
