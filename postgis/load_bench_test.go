package postgis_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/loadtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/wsload"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/survey"
)

// Settings of BenchmarkLoad, from the environment.
const (
	loadRowsEnv   = "GUCCHO_LOAD_ROWS"   // demo enterprises in each store; default 20,000
	loadStepEnv   = "GUCCHO_LOAD_STEP"   // duration of each step; default 10s
	loadStartEnv  = "GUCCHO_LOAD_START"  // requests/s of the first step; default 20
	loadFactorEnv = "GUCCHO_LOAD_FACTOR" // rate of each step over the one before, in per cent; default 150
	loadWSEnv     = "GUCCHO_LOAD_WS"     // websocket clients; default 20
	// loadWarmEnv: "clusters" or "all" warms the full-mix targets before
	// their first step with the mix's cluster requests, or its cluster and
	// profile requests (loadtest.Mix.Analyses); default none (cold caches).
	loadWarmEnv = "GUCCHO_LOAD_WARM"
)

// loadSamples is how many enterprises the mix samples from the store: their
// districts are where sessions open the map, and they are what edits change.
const loadSamples = 200

// BenchmarkLoad replays the web app's session mix (internal/loadtest: open
// the map at a district, pan, zoom in to the enterprise points and out,
// unit profiles, SMEF/DBSCAN cluster requests, a few edits by an editor)
// open loop at rising rates (20 requests/s — 200 requests in a 10 s step,
// so that one slow answer is not the p99 — then 1.5 times more each step)
// against real servers on loopback, with
// websocket clients listening to /ws, and reports per target the highest
// rate held with p99 ≤ 250 ms ("held-req/s") and the p99 of that step.
// Each step's table goes to the standard output.
//
// Targets: Guccho on the embedded store; Guccho on PostGIS; two Guccho
// instances over that one PostGIS database (reads spread over both, edits
// through the first, websocket clients on the second, so live updates
// cross instances through LISTEN/NOTIFY, and a step whose last event does
// not reach every client fails); and, for the tile part of the mix only
// (the same tile requests in the same order), Guccho on each store and
// pg_tileserv on the PostGIS database, when $GUCCHO_PEER_PG_TILESERV names its
// binary (otherwise that target is skipped with a message; CI has no
// pg_tileserv). pg_tileserv serves tables holding what Guccho's tiles hold:
// the admin units and the enterprises as points at every zoom (it has no
// count pyramid). Every target starts with empty caches.
//
// Each store holds $GUCCHO_LOAD_ROWS demo enterprises (default 20,000),
// imported before the timer; $GUCCHO_LOAD_STEP, $GUCCHO_LOAD_START,
// $GUCCHO_LOAD_FACTOR (per cent) and $GUCCHO_LOAD_WS set the step length,
// the first rate, the rise per step and the websocket clients;
// $GUCCHO_LOAD_WARM=clusters (or all) asks each full-mix target's servers
// every cluster request (and profile) of the mix until answered before the
// first step, as its first users would have. docs/load.md explains the mix and the figures.
//
//	GUCCHO_LOAD_ROWS=200000 go test -run '^$' -bench Load -benchtime 1x -timeout 2h ./postgis
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	units := bdtest.Units(b)
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		b.Fatal(err)
	}
	rows := envInt(b, loadRowsEnv, 20_000)
	csv := loadCSV(b, geo.NewAtlas(units), sectors, rows)

	emb, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { emb.Close() })
	dbURL := pgtest.NewDatabase(b)
	pg, err := postgis.Open(ctx, dbURL, postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Close() })
	pg2, err := postgis.Open(ctx, dbURL, postgis.Options{}) // the second instance
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg2.Close() })
	for _, s := range []store.Store{emb, pg} {
		t0 := time.Now()
		loadImport(b, s, units, sectors, csv, rows)
		fmt.Printf("BenchmarkLoad: %T: imported %d demo enterprises in %v\n", s, rows, time.Since(t0).Round(time.Second))
	}
	tokens := map[store.Store]string{emb: loadToken(b, emb), pg: loadToken(b, pg)}
	atlas := geo.NewAtlas(units)
	mix := loadMix(b, pg, atlas, sectors)

	cfg := loadtest.Config{Mix: mix, Step: envDuration(b, loadStepEnv, 10*time.Second), Steps: loadtest.MaxSteps,
		StartRate: float64(envInt(b, loadStartEnv, 20)), Factor: float64(envInt(b, loadFactorEnv, 150)) / 100}
	clients := envInt(b, loadWSEnv, 20)
	var warm []loadtest.Request // the full mix's warm-up
	switch w := os.Getenv(loadWarmEnv); w {
	case "":
	case "clusters", "all":
		for _, r := range mix.Analyses() {
			if w == "all" || r.Kind == loadtest.KindCluster {
				warm = append(warm, r)
			}
		}
	default:
		b.Fatalf("%s=%q: want clusters, all or nothing", loadWarmEnv, w)
	}
	quiet := slog.New(slog.DiscardHandler)
	// serve starts a server wired as `guccho serve` wires it, its geocoder
	// built as on a server that has placed an enterprise before (the first
	// edit of a fresh one builds it from every unit's geometry).
	serve := func(b *testing.B, s store.Store, kind, instance string) string {
		g := &importer.Geocoders{Store: s, Version: func() string { return s.DataVersion("districts") }, Aliases: s}
		if _, err := g.Get(ctx); err != nil {
			b.Fatal(err)
		}
		srv := server.New(server.Config{Store: s, Sectors: sectors, Geocoders: g, StoreName: kind, Instance: instance, Logger: quiet})
		ts := httptest.NewServer(srv)
		b.Cleanup(func() { ts.Close(); srv.Close() })
		return ts.URL
	}
	listen := func(b *testing.B, base string, s store.Store, c *loadtest.Config) {
		rs, err := wsload.DialReaders(ctx, []string{"ws" + strings.TrimPrefix(base, "http") + "/ws"}, clients,
			wsload.Subscribe{Topics: []string{live.TopicEnterprises}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(rs.Close)
		c.Events, c.LatestEventID = rs, s.LatestEventID
	}
	reports := map[string]loadtest.Report{}
	run := func(b *testing.B, c loadtest.Config) {
		b.ResetTimer()
		rep, err := loadtest.Run(ctx, c)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		fmt.Printf("BenchmarkLoad/%s: %d enterprises\n%s\n", c.Target.Name, rows, rep)
		reports[c.Target.Name] = rep
		b.ReportMetric(rep.Held, "held-req/s")
		if i := slices.IndexFunc(rep.Steps, func(st loadtest.Step) bool { return st.Offered == rep.Held }); i >= 0 {
			b.ReportMetric(float64(rep.Steps[i].All.P99.Microseconds())/1000, "p99-ms-at-held")
		}
	}

	b.Run("embedded", func(b *testing.B) {
		c := cfg
		c.Warm = warm
		base := serve(b, emb, "embedded", "")
		c.Target = loadtest.Target{Name: "guccho-embedded", URLs: []string{base}, Token: tokens[emb]}
		listen(b, base, emb, &c)
		run(b, c)
	})
	b.Run("embedded-tiles", func(b *testing.B) {
		c := cfg
		c.Mix.TilesOnly = true
		c.Target = loadtest.Target{Name: "guccho-embedded-tiles", URLs: []string{serve(b, emb, "embedded", "")}}
		run(b, c)
	})
	b.Run("postgis", func(b *testing.B) {
		c := cfg
		c.Warm = warm
		base := serve(b, pg, "postgis", "")
		c.Target = loadtest.Target{Name: "guccho-postgis", URLs: []string{base}, Token: tokens[pg]}
		listen(b, base, pg, &c)
		run(b, c)
	})
	b.Run("postgis-2-instances", func(b *testing.B) {
		c := cfg
		c.Warm = warm
		a, other := serve(b, pg, "postgis", "load-a"), serve(b, pg2, "postgis", "load-b")
		c.Target = loadtest.Target{Name: "guccho-postgis-2-instances", URLs: []string{a, other}, EditURL: a, Token: tokens[pg]}
		listen(b, other, pg2, &c) // edits through a, heard on the other
		run(b, c)
	})
	b.Run("postgis-tiles", func(b *testing.B) {
		c := cfg
		c.Mix.TilesOnly = true
		c.Target = loadtest.Target{Name: "guccho-postgis-tiles", URLs: []string{serve(b, pg, "postgis", "")}}
		run(b, c)
	})
	b.Run("pg_tileserv-tiles", func(b *testing.B) {
		bin := os.Getenv(peerEnv)
		if bin == "" {
			b.Skipf("pg_tileserv skipped: %s is unset (build it from github.com/CrunchyData/pg_tileserv and point %[1]s at the binary)", peerEnv)
		}
		createPeerTables(b, pg)
		createPeerEnterprises(b, pg)
		base, version := startPGTileserv(b, bin, dbURL)
		c := cfg
		c.Mix.TilesOnly = true
		c.Mix.TilePath = func(layer string, t maptile.Tile) string {
			table := "bench_" + layer
			if layer == "enterprises" {
				table = "load_enterprises"
			}
			return fmt.Sprintf("/public.%s/%d/%d/%d.pbf", table, t.Z, t.X, t.Y)
		}
		c.Target = loadtest.Target{Name: "pg_tileserv-tiles", URLs: []string{base}}
		fmt.Printf("BenchmarkLoad/pg_tileserv-tiles: %s, %d database connections\n", version, peerPoolConns)
		run(b, c)
		ours, peer := reports["guccho-postgis-tiles"], reports["pg_tileserv-tiles"]
		if peer.Held > 0 && ours.Held > 0 {
			b.ReportMetric(ours.Held/peer.Held, "guccho-held-x-peer")
		}
		fmt.Printf("BenchmarkLoad: tiles held with p99 ≤ %v: Guccho on PostGIS %.0f req/s, pg_tileserv %.0f req/s; p99 ms at the rates both were offered (Guccho / pg_tileserv):", peer.P99, ours.Held, peer.Held)
		for i := range min(len(ours.Steps), len(peer.Steps)) {
			fmt.Printf(" %.0f/s %.1f/%.1f", ours.Steps[i].Offered, ms(ours.Steps[i].All.P99), ms(peer.Steps[i].All.P99))
		}
		fmt.Println()
	})
}

// envInt reads a positive whole number from the environment, or def.
func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a whole number ≥ 1", name, v)
	}
	return n
}

// envDuration reads a positive duration from the environment, or def.
func envDuration(b *testing.B, name string, def time.Duration) time.Duration {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("%s=%q: want a positive duration such as 10s", name, v)
	}
	return d
}

// loadCSV writes a demo survey of n rows and returns its path.
func loadCSV(b *testing.B, atlas *geo.Atlas, sectors *guccho.Sectors, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "survey.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := demo.New(atlas, sectors, demo.Options{N: n, Seed: 3}).WriteCSV(f); err != nil {
		b.Fatal(err)
	}
	return path
}

// loadImport gives s the boundaries and imports the survey at path, as
// `guccho import enterprises` would.
func loadImport(b *testing.B, s store.Store, units []*geo.Unit, sectors *guccho.Sectors, path string, n int) {
	b.Helper()
	ctx := context.Background()
	if err := s.ReplaceBoundaries(ctx, units); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	rd, err := survey.Open(f, st.Size(), filepath.Base(path))
	if err != nil {
		b.Fatal(err)
	}
	im := &importer.Importer{Store: s, Sectors: sectors, Geocoders: &importer.Geocoders{Store: s, Version: s.BoundariesVersion}}
	imp, err := im.Run(ctx, &guccho.Import{ID: importer.NewID(), Filename: filepath.Base(path)}, rd, survey.DetectMapping(rd.Columns()))
	if err != nil || imp.Created != n {
		b.Fatalf("import: %+v, %v; want %d created", imp, err, n)
	}
}

// loadToken creates an editor token in s and returns its secret.
func loadToken(b *testing.B, s store.Store) string {
	b.Helper()
	tok, secret, err := guccho.NewToken(guccho.RoleEditor, "load test")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.CreateToken(context.Background(), tok, guccho.HashSecret(secret)); err != nil {
		b.Fatal(err)
	}
	return secret
}

// loadMix samples loadSamples enterprises spread evenly over s's feature
// ids: sessions open the map at their districts (at the district's label
// point), edits change them, and cluster requests ask for the sectors of
// the catalogue. Both stores hold the same survey, so one mix serves all
// targets.
func loadMix(b *testing.B, s store.Store, atlas *geo.Atlas, sectors *guccho.Sectors) loadtest.Mix {
	b.Helper()
	ctx := context.Background()
	n, err := s.CountEnterprises(ctx, guccho.EnterpriseFilter{})
	if err != nil {
		b.Fatal(err)
	}
	mix := loadtest.Mix{Sectors: sectors.Codes(), Seed: 2024}
	districts := map[string]bool{}
	for i := range loadSamples {
		f := guccho.EnterpriseFilter{After: int64(i * n / loadSamples), Limit: 1}
		err := s.FindEnterprises(ctx, f, func(e *guccho.Enterprise) error {
			if e.Admin.District == "" {
				return nil
			}
			mix.Editable = append(mix.Editable, loadtest.Editable{ID: e.ID, Sector: e.Sector, Point: e.Point, Fields: map[string]any{
				"sub_sector": e.SubSector, "stated": e.Stated, "employment": e.Employment, "owner_gender": e.OwnerGender,
				"recp": e.RECP, "barriers": e.Barriers, "attributes": e.Attributes,
			}})
			if !districts[e.Admin.District] {
				districts[e.Admin.District] = true
				u, err := atlas.Unit(e.Admin.District)
				if err != nil {
					return err
				}
				mix.Areas = append(mix.Areas, loadtest.Area{Code: u.PCode, Center: u.Label})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(mix.Areas) == 0 {
		b.Fatal("no placed enterprise to open the map at")
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(mix.Editable), func(i, j int) { mix.Editable[i], mix.Editable[j] = mix.Editable[j], mix.Editable[i] })
	return mix
}

// createPeerEnterprises gives pg_tileserv a table of the enterprises as
// Guccho's point tiles carry them: the feature id as integer primary key,
// id, sector, method, display and synthetic flags, and the Web Mercator
// point, GiST-indexed.
func createPeerEnterprises(b *testing.B, pg *postgis.Store) {
	b.Helper()
	table := pgx.Identifier{"public", "load_enterprises"}.Sanitize()
	sql := fmt.Sprintf(`CREATE TABLE %[1]s AS
			SELECT fid, id, sector, method, display_point AS display, synthetic,
				ST_Transform(geom, 3857)::geometry(Point, 3857) AS geom
			FROM guccho.enterprises WHERE geom IS NOT NULL;
		ALTER TABLE %[1]s ADD PRIMARY KEY (fid);
		CREATE INDEX ON %[1]s USING gist (geom);
		ANALYZE %[1]s`, table)
	if _, err := pg.Pool().Exec(context.Background(), sql); err != nil {
		b.Fatalf("create %s: %v", table, err)
	}
}
