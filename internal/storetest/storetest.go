// Package storetest is the conformance suite every Guccho store must pass, so
// that the embedded and PostGIS stores give users the same answers. Each
// store's tests call Run (boundaries, search, tiles), RunEnterprises
// (enterprises, imports, the enterprises layer, tokens), RunEvents (the
// event log) and RunAggregates (enterprises summed per unit) with an Opener of fresh, empty stores (store.Store), and may
// call Compare to check two stores against each other.
//
// Cases use the hand-checkable grid of bdtest.Grid, and the shared Bangladesh
// boundaries where the data is present.
package storetest

import (
	"context"
	"testing"

	"github.com/guccho/guccho/store"
)

// Opener opens a fresh, empty store for one test and arranges its cleanup
// (t.Cleanup).
type Opener func(t *testing.T) store.Store

// Run runs every conformance case against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("EmptyStore", func(t *testing.T) { testEmptyStore(t, open(t)) })
	t.Run("ImportBoundaries", func(t *testing.T) { testImportBoundaries(t, open(t)) })
	t.Run("RejectsBrokenBoundaries", func(t *testing.T) { testRejectsBrokenBoundaries(t, open(t)) })
	t.Run("Lookups", func(t *testing.T) { testLookups(t, withGrid(t, open)) })
	t.Run("Reverse", func(t *testing.T) { testReverse(t, withGrid(t, open)) })
	t.Run("Search", func(t *testing.T) { testSearch(t, withGrid(t, open)) })
	t.Run("Tiles", func(t *testing.T) { testTiles(t, withGrid(t, open)) })
	t.Run("Labels", func(t *testing.T) { testLabels(t, withGrid(t, open)) })
	t.Run("SharedBoundaries", func(t *testing.T) { testSharedBoundaries(t, open) })
}

// withGrid opens a store holding the grid fixture.
func withGrid(t *testing.T, open Opener) store.Store {
	t.Helper()
	s := open(t)
	if err := s.ReplaceBoundaries(context.Background(), gridUnits(t)); err != nil {
		t.Fatalf("importing the grid: %v", err)
	}
	return s
}
