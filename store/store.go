// Package store names what a whole Guccho store is: the one interface the
// embedded (SQLite) and PostGIS stores implement in full, which
// cmd/guccho opens and wires, the conformance suite (internal/storetest)
// checks, and the server is configured from (server.Config.Store).
//
// The interface lives here rather than in the root package guccho because
// it includes geo.Store and tiles.Source, whose packages import guccho.
// Code that needs only a part of a store asks for that part (geo.Store,
// guccho.EventStore, …), as the domain packages do.
package store

import (
	"context"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/tiles"
	"github.com/guccho/guccho/valuechain"
)

// Store is a whole Guccho store: boundaries (geo.Store), tiles
// (tiles.Source), enterprises and imports, API tokens, the event log,
// value chains (valuechain.Store), and saved views and decks (deck.Store).
// Each implementation checks it at compile time:
//
//	var _ store.Store = (*Store)(nil)
//
// A Store is safe for concurrent use.
type Store interface {
	geo.Store
	tiles.Source
	guccho.EnterpriseStore
	guccho.TokenStore
	guccho.EventStore
	valuechain.Store
	deck.Store
	// BoundariesVersion changes whenever the boundary set is replaced.
	BoundariesVersion() string
	// DataVersion changes whenever the data behind the tile layer named
	// layer changes; it keys tile caches and versions tile URLs.
	DataVersion(layer string) string
	// Ping checks that the store's database answers.
	Ping(ctx context.Context) error
	// Close releases the store; it must not be used afterwards.
	Close() error
}
