// Package guccho holds the vocabulary shared by every part of Guccho, a system
// that maps microenterprise clusters in Bangladesh and the value chains around
// them: the error codes every layer speaks and the events every write
// publishes.
//
// The domain packages (geo, tiles, valuechain) build on this package; the
// stores (embedded, postgis) and the HTTP server implement or use the
// interfaces those packages define. Only cmd/guccho wires them together.
package guccho
