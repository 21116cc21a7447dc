// Package server is Guccho's HTTP interface: the JSON API (admin units,
// geocoding, enterprises, imports), vector tiles, the websocket of live
// events (GET /ws, fed by the store's event log through a live.Hub), the
// embedded web app and health checks, routed with gorilla/mux. It depends
// only on the interfaces of the domain packages (geo.Store, tiles.Source,
// guccho.EnterpriseStore, guccho.EventStore, …, or store.Store for all of
// them); cmd/guccho hands it a concrete store.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
	"github.com/guccho/guccho/typeset"
)

// Config is what a Server needs. A whole store goes in Store; Geo and Tiles
// are then served from it, and so are enterprises, tokens and live events.
// The parts may instead be set one by one, for a server over part of a
// store (tests and benchmarks run a boundaries-only server, and /ws over an
// in-memory event log): Geo and Tiles are required; without Enterprises
// (and Tokens, Sectors, Geocoders, Importer) the enterprise routes answer
// 404.
type Config struct {
	// Store, when set, fills each of Geo, Tiles, Enterprises, Tokens,
	// Events, DataVersion and Ping that is left nil.
	Store       store.Store
	Geo         geo.Store
	Tiles       tiles.Source
	Enterprises guccho.EnterpriseStore
	Tokens      guccho.TokenStore
	Sectors     *guccho.Sectors
	Geocoders   *importer.Geocoders
	Importer    *importer.Importer // template for uploads; its Progress is set per import
	// Events is the event log behind GET /ws (live updates); nil answers
	// 404 there.
	Events guccho.EventStore
	// Instance names this server instance in the follower counts of live
	// presentations; default a random id. Instances on one database need
	// different ones.
	Instance string
	// MaxUploadBytes refuses larger uploads with 413; default 1 GiB.
	MaxUploadBytes int64
	// TempDir holds spooled uploads; default os.TempDir() (see
	// importer.RunnerConfig).
	TempDir string
	Layers  []tiles.Layer // the tile layer catalogue; default tiles.AdminLayers
	// DataVersion returns a string that changes whenever the data behind a
	// tile layer changes; it keys the tile cache and versions tile URLs.
	// Nil means the data never changes.
	DataVersion func(layer string) string
	// StoreName names the store in /healthz ("embedded", "postgis").
	StoreName string
	// Ping checks the store's database; nil means always healthy.
	Ping func(ctx context.Context) error
	// App is the built web app (index.html at its root); nil serves a page
	// that says how to build it.
	App fs.FS
	// BasemapStyleURL, when set, is offered to the web app as a MapLibre
	// style to draw beneath Guccho's layers. Empty means no external basemap.
	BasemapStyleURL string
	TileCacheBytes  int64         // bytes of encoded tiles kept in memory; default 256 MiB
	RequestTimeout  time.Duration // per-request deadline for API and tile handlers; default 30s
	Logger          *slog.Logger  // default slog.Default()
}

// Server serves Guccho over HTTP. Create it with New; it is safe for
// concurrent use.
type Server struct {
	cfg     Config
	cache   *tiles.Cache
	layers  map[string]tiles.Layer
	router  *mux.Router
	handler http.Handler // router inside the limits every request gets (see routes)
	imports *importer.Runner
	hub     *live.Hub // nil without Config.Events
	// presentations relays live presentations; nil without a hub over an
	// event log that takes appended events (guccho.EventAppender).
	presentations *live.Presentations

	stats *statsCache // statistics and profiles; nil without a profile.Aggregator

	labels labelCache      // place labels per level, for one boundary version
	shaper *typeset.Shaper // shapes export text for GET /api/shape
}

// New returns a Server for cfg, filling defaults.
func New(cfg Config) *Server {
	if st := cfg.Store; st != nil {
		if cfg.Geo == nil {
			cfg.Geo = st
		}
		if cfg.Tiles == nil {
			cfg.Tiles = st
		}
		if cfg.Enterprises == nil {
			cfg.Enterprises = st
		}
		if cfg.Tokens == nil {
			cfg.Tokens = st
		}
		if cfg.Events == nil {
			cfg.Events = st
		}
		if cfg.DataVersion == nil {
			cfg.DataVersion = st.DataVersion
		}
		if cfg.Ping == nil {
			cfg.Ping = st.Ping
		}
	}
	if cfg.Layers == nil {
		cfg.Layers = tiles.AdminLayers
	}
	if cfg.DataVersion == nil {
		cfg.DataVersion = func(string) string { return "" }
	}
	if cfg.TileCacheBytes <= 0 {
		cfg.TileCacheBytes = 256 << 20
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 1 << 30
	}
	if cfg.Enterprises != nil {
		cfg.Layers = append(append([]tiles.Layer(nil), cfg.Layers...), tiles.EnterpriseLayer)
	}
	s := &Server{cfg: cfg, cache: tiles.NewCache(cfg.TileCacheBytes), layers: map[string]tiles.Layer{}}
	for _, l := range cfg.Layers {
		s.layers[l.Name] = l
	}
	s.startHub()
	s.startPresentations()
	rc := importer.RunnerConfig{TempDir: cfg.TempDir, Logger: cfg.Logger}
	if s.hub != nil {
		rc.Publish = s.publishImport
	}
	s.imports = importer.NewRunner(cfg.Importer, rc)
	s.shaper = typeset.NewShaper()
	s.routes()
	return s
}

// Close closes websocket connections, cancels running imports (they roll
// back and are marked failed) and waits for them to end, and ends the loads
// of statistics and cluster points that no request waits for any more.
func (s *Server) Close() {
	if s.presentations != nil {
		s.presentations.Close()
	}
	s.closeHub()
	s.imports.Close()
	if s.stats != nil {
		s.stats.close() // loads no request waits for any more
	}
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() {
	r := mux.NewRouter()
	r.Use(s.recoverPanics, s.logRequests, s.authenticate)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorCode(w, r, http.StatusNotFound, "not_found", "no route for "+r.URL.Path)
	})
	r.Handle("/healthz", readOnly(s.handleHealth))
	r.Handle("/ws", readOnly(s.handleWS))

	api := r.PathPrefix("/api").Subrouter()
	api.Use(s.withTimeout)
	api.Handle("/config", readOnly(s.handleConfig))
	api.Handle("/admin/{pcode}", readOnly(s.handleAdmin))
	api.Handle("/reverse", readOnly(s.handleReverse))
	api.Handle("/geocode", readOnly(s.handleGeocode))
	api.Handle("/labels", readOnly(s.handleLabels))
	api.Handle("/me", readOnly(s.handleMe))
	api.Handle("/shape", readOnly(s.handleShape))
	if s.cfg.Enterprises != nil {
		api.Handle("/sectors", readOnly(s.handleSectors))
		api.Handle("/enterprises", methods{http.MethodGet: s.handleEnterprises, http.MethodPost: s.requireWriter(s.handleCreateEnterprise)})
		api.Handle("/enterprises/stats", readOnly(s.handleEnterpriseStats))
		api.Handle("/enterprises/{id}", methods{http.MethodGet: s.handleEnterprise,
			http.MethodPut: s.requireWriter(s.handleUpdateEnterprise), http.MethodDelete: s.requireWriter(s.handleDeleteEnterprise)})
		api.Handle("/imports", methods{http.MethodGet: s.handleImports, http.MethodPost: s.requireWriter(s.handleCreateImport)})
		api.Handle("/imports/{id}", readOnly(s.handleImport))
		api.Handle("/imports/{id}/failures.csv", readOnly(s.requireWriter(s.handleImportFailures)))
		api.Handle("/imports/{id}/undo", methods{http.MethodPost: s.requireAdmin(s.handleUndoImport)})
	}
	s.statsRoutes(api)
	s.clusterRoutes(api)
	s.centreRoutes(api)
	s.valuechainRoutes(api)
	s.reviewRoutes(api)
	s.deckRoutes(api)
	s.presentationRoutes(api)
	api.NotFoundHandler = r.NotFoundHandler

	t := r.PathPrefix("/tiles").Subrouter()
	t.Use(s.withTimeout)
	t.Handle("/{layer}.json", readOnly(s.handleTileJSON))
	t.Handle("/{layer}/{z}/{x}/{y}.mvt", readOnly(s.handleTile))
	t.NotFoundHandler = r.NotFoundHandler

	r.Handle("/fonts/{name}", readOnly(s.handleFont))
	r.PathPrefix("/").Handler(readOnly(s.appHandler().ServeHTTP))
	s.router = r
	// Outside the router, so that they cover unknown routes too.
	s.handler = limitBodyIdle(bodyIdleTimeout)(securityHeaders(s.cfg.BasemapStyleURL != "")(r))
}

// methods dispatches by HTTP method and answers 405 to the others (GET
// also serves HEAD).
type methods map[string]http.HandlerFunc

func (m methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	h, ok := m[method]
	if !ok {
		var allowed []string
		for k := range m {
			allowed = append(allowed, k)
		}
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeErrorCode(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path+" (use "+strings.Join(allowed, ", ")+")")
		return
	}
	h(w, r)
}

// readOnly answers 405 to any method but GET and HEAD. (Checking the method
// here rather than with mux's Methods keeps 405 and 404 apart inside
// subrouters.)
func readOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeErrorCode(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path+" (use GET)")
			return
		}
		h(w, r)
	})
}
