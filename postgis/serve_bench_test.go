package postgis_test

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/loadgen"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/tiles"
)

// Load shape of BenchmarkTileServers.
const (
	serveConcurrency = 8                // connections in flight
	tilesPerZoom     = 20               // tiles per layer and zoom, at most
	warmPasses       = 200              // passes over the tile list in the warm regime, at most…
	warmDuration     = 5 * time.Second  // …and at most this long
	coldDuration     = 60 * time.Second // bound on a cold pass
	coldPasses       = 3                // cold passes per server, each on a fresh server; the median counts
	peerPoolConns    = 4                // database connections of each PostGIS-backed server (pg_tileserv's default)
)

// peerEnv names a pg_tileserv binary to measure beside Guccho. Build it
// yourself from github.com/CrunchyData/pg_tileserv; nothing here fetches it.
const peerEnv = "GUCCHO_PEER_PG_TILESERV"

// BenchmarkTileServers measures admin-layer tile serving over HTTP, side by
// side in one run: Guccho on the embedded store, Guccho on PostGIS
// (ST_AsMVT) and, when $GUCCHO_PEER_PG_TILESERV names a pg_tileserv binary,
// pg_tileserv on the same database. All three serve the shared boundaries
// from a loopback listener to serveConcurrency connections asking for gzip;
// the tile list is benchTiles, the same for every server.
//
// Two regimes: cold is one pass over the list on a fresh server, so Guccho
// encodes every tile (pg_tileserv, which has no tile cache and runs as one
// process throughout, always does); of coldPasses such passes, the one with
// the median requests/s counts, so that one stall of a shared machine does
// not decide the figure. Warm is up to warmPasses further passes within
// warmDuration after the last cold pass, where Guccho answers from its tile
// cache. It reports requests/s and p50/p99 latency in µs per server and
// regime, and logs a table with mean bytes per response (gzip) and per tile
// (uncompressed MVT, fetched once more after the runs without gzip).
//
// With pg_tileserv it also reports Guccho's requests/s as a multiple of the
// peer's in the same regime (…-rps-x-peer), split into two factors whose
// product it is: how much smaller Guccho's tiles are (…-x-smaller-tiles,
// the peer's uncompressed bytes per tile over Guccho's) and how much less
// time Guccho spends per KB of tile it serves (…-x-less-time-per-KB, the
// rest). Were both servers equally fast per byte, the first would be the
// whole ratio.
//
//	GUCCHO_PEER_PG_TILESERV=/path/to/pg_tileserv go test -run '^$' -bench TileServers -benchtime 1x ./postgis
func BenchmarkTileServers(b *testing.B) {
	units := bdtest.Units(b)
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)

	emb, err := embedded.Open(ctx, filepath.Join(b.TempDir(), "guccho.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { emb.Close() })
	dbURL := pgtest.NewDatabase(b)
	pg, err := postgis.Open(ctx, dbURL, postgis.Options{MaxConns: peerPoolConns})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Close() })
	for _, s := range []interface {
		ReplaceBoundaries(context.Context, []*geo.Unit) error
	}{emb, pg} {
		if err := s.ReplaceBoundaries(ctx, units); err != nil {
			b.Fatal(err)
		}
	}

	list := benchTiles(units)
	gucchoPaths := make([]string, len(list))
	peerPaths := make([]string, len(list))
	for i, t := range list {
		gucchoPaths[i] = fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", t.layer, t.Z, t.X, t.Y)
		peerPaths[i] = fmt.Sprintf("/public.bench_%s/%d/%d/%d.pbf", t.layer, t.Z, t.X, t.Y)
	}

	type target struct {
		name  string
		paths []string
		start func() (baseURL string, stop func()) // a fresh server, empty caches
	}
	guccho := func(s interface {
		geo.Store
		tiles.Source
		DataVersion(string) string
	}, name string) func() (string, func()) {
		return func() (string, func()) {
			srv := httptest.NewServer(server.New(server.Config{
				Geo: s, Tiles: s, DataVersion: s.DataVersion, StoreName: name, Logger: quiet,
			}))
			return srv.URL, srv.Close
		}
	}
	targets := []target{
		{"guccho-embedded", gucchoPaths, guccho(emb, "embedded")},
		{"guccho-postgis", gucchoPaths, guccho(pg, "postgis")},
	}
	peer := fmt.Sprintf("pg_tileserv skipped: %s is unset (build it from github.com/CrunchyData/pg_tileserv and point %[1]s at the binary)", peerEnv)
	if bin := os.Getenv(peerEnv); bin != "" {
		createPeerTables(b, pg)
		peerURL, version := startPGTileserv(b, bin, dbURL)
		peer = fmt.Sprintf("peer: %s; both PostGIS-backed servers pool %d database connections", version, peerPoolConns)
		targets = append(targets, target{"pg_tileserv", peerPaths, func() (string, func()) { return peerURL, func() {} }})
	}

	type row struct {
		server, regime string
		res            loadgen.Result
		raw            float64 // mean uncompressed bytes per tile
	}
	var rows []row
	for range b.N {
		rows = rows[:0]
		for _, t := range targets {
			var colds []loadgen.Result
			var warm loadgen.Result
			var raw float64
			for i := range coldPasses {
				runtime.GC() // as testing.B does before a run: no collection of earlier garbage in the pass
				base, stop := t.start()
				colds = append(colds, run(b, base, loadgen.Config{Paths: t.paths, Requests: len(t.paths), Duration: coldDuration}))
				if i == coldPasses-1 {
					warm = run(b, base, loadgen.Config{Paths: t.paths, Requests: warmPasses * len(t.paths), Duration: warmDuration})
					raw = rawBytes(b, base, t.paths)
				}
				stop()
			}
			slices.SortFunc(colds, func(a, b loadgen.Result) int { return cmp.Compare(a.RPS(), b.RPS()) })
			rows = append(rows, row{t.name, "cold", colds[len(colds)/2], raw}, row{t.name, "warm", warm, raw})
		}
	}

	peerRPS, peerRaw := map[string]float64{}, 0.0 // by regime: the baseline for ratios (DESIGN §6)
	for _, r := range rows {
		if r.server == "pg_tileserv" {
			peerRPS[r.regime], peerRaw = r.res.RPS(), r.raw
		}
	}
	var tbl strings.Builder
	fmt.Fprintf(&tbl, "%d tiles (4 admin layers, each from its minimum zoom to z12), %d connections, gzip; %s\n", len(list), serveConcurrency, peer)
	fmt.Fprintf(&tbl, "%-16s %-6s %8s %9s %8s %9s %9s %10s %9s  %-22s %s\n", "server", "regime", "requests", "req/s", "p50 ms", "p99 ms", "max ms",
		"bytes/resp", "raw/tile", "x peer = smaller × /KB", "statuses")
	for _, r := range rows {
		key := strings.TrimPrefix(r.server, "guccho-") + "-" + r.regime
		b.ReportMetric(r.res.RPS(), key+"-rps")
		b.ReportMetric(float64(r.res.P50.Microseconds()), key+"-p50-µs")
		b.ReportMetric(float64(r.res.P99.Microseconds()), key+"-p99-µs")
		split := ""
		if base := peerRPS[r.regime]; base > 0 && r.server != "pg_tileserv" && r.raw > 0 {
			x, smaller := r.res.RPS()/base, peerRaw/r.raw
			b.ReportMetric(x, key+"-rps-x-peer")
			b.ReportMetric(smaller, key+"-x-smaller-tiles")
			b.ReportMetric(x/smaller, key+"-x-less-time-per-KB")
			split = fmt.Sprintf("%.1f = %.2f × %.2f", x, smaller, x/smaller)
		}
		fmt.Fprintf(&tbl, "%-16s %-6s %8d %9.0f %8.2f %9.2f %9.2f %10.0f %9.0f  %-22s %v\n", r.server, r.regime, r.res.Requests, r.res.RPS(),
			ms(r.res.P50), ms(r.res.P99), ms(r.res.Max), float64(r.res.Bytes)/float64(max(1, r.res.Requests)), r.raw, split, r.res.Status)
	}
	if peerRaw > 0 {
		fmt.Fprintf(&tbl, "x peer: Guccho's req/s over pg_tileserv's = how much smaller its tiles are (raw bytes) × how much less time it takes per KB")
	}
	b.Log(strings.TrimSuffix(tbl.String(), "\n")) // under the 10 lines a benchmark's log keeps
}

// run performs one loadgen run at serveConcurrency against base and fails
// the benchmark on transport errors or non-2xx answers.
func run(b *testing.B, base string, cfg loadgen.Config) loadgen.Result {
	b.Helper()
	cfg.BaseURL, cfg.Concurrency = base, serveConcurrency
	res, err := loadgen.Run(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if res.Errors > 0 || res.Non2xx > 0 {
		b.Fatalf("%s: %v; statuses %v; first error: %v", base, res, res.Status, res.FirstErr)
	}
	return res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// rawBytes asks base once for every path, serveConcurrency at a time,
// without gzip, and returns the mean body length: the uncompressed MVT
// bytes of a tile, an empty tile counting 0.
func rawBytes(b *testing.B, base string, paths []string) float64 {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var total, next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, serveConcurrency)
	for range serveConcurrency {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				resp, err := client.Get(base + paths[i])
				if err != nil {
					errs <- err
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode/100 != 2 {
					errs <- fmt.Errorf("%s: status %d, %v", paths[i], resp.StatusCode, err)
					return
				}
				total.Add(n)
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return float64(total.Load()) / float64(len(paths))
}

// benchTile is one tile of one admin layer.
type benchTile struct {
	layer string
	maptile.Tile
}

// benchTiles is a fixed list of tiles over Bangladesh (lon 88.0–92.7, lat
// 20.59–26.64) for every admin layer at every zoom from the layer's minimum
// to 12: at each zoom, the distinct tiles holding a union's label point
// (so tiles over land, weighted as a map user would pan), thinned evenly to
// at most tilesPerZoom, then shuffled with a fixed seed so that heavy and
// light tiles mix.
func benchTiles(units []*geo.Unit) []benchTile {
	var out []benchTile
	for _, l := range tiles.AdminLayers {
		for z := l.MinZoom; z <= 12; z++ {
			seen := map[maptile.Tile]bool{}
			var at []maptile.Tile
			for _, u := range units {
				if u.Level != geo.Union {
					continue
				}
				if t := maptile.At(u.Label, maptile.Zoom(z)); !seen[t] {
					seen[t] = true
					at = append(at, t)
				}
			}
			slices.SortFunc(at, func(a, b maptile.Tile) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y)) })
			n := min(len(at), tilesPerZoom)
			for i := range n {
				out = append(out, benchTile{l.Name, at[i*len(at)/n]})
			}
		}
	}
	rng := rand.New(rand.NewPCG(2024, 7))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// createPeerTables gives pg_tileserv one table per admin layer, holding what
// Guccho's tiles hold: the feature id as an integer primary key (so
// pg_tileserv uses it as the MVT feature id), the same properties, and the
// Web Mercator geometry Guccho encodes from, GiST-indexed.
func createPeerTables(b *testing.B, pg *postgis.Store) {
	b.Helper()
	ctx := context.Background()
	for i, l := range tiles.AdminLayers {
		level := int(geo.Levels[i]) // as in tiles.AdminIndexes
		table := pgx.Identifier{"public", "bench_" + l.Name}.Sanitize()
		sql := fmt.Sprintf(`CREATE TABLE %[1]s AS
				SELECT id, pcode, coalesce(nullif(name_en_current, ''), name_en) AS name_en, name_en AS name_en_codab,
					name_bn, level::int AS level, coalesce(parent, 'BD') AS parent, geom_3857 AS geom
				FROM guccho.admin_units WHERE level = %[2]d;
			ALTER TABLE %[1]s ADD PRIMARY KEY (id);
			CREATE INDEX ON %[1]s USING gist (geom);
			ANALYZE %[1]s`, table, level)
		if _, err := pg.Pool().Exec(ctx, sql); err != nil {
			b.Fatalf("create %s: %v", table, err)
		}
	}
}

// startPGTileserv runs the pg_tileserv binary bin against dbURL on a free
// loopback port, waits until it answers, and returns its base URL. Its
// configuration is a file of our own (127.0.0.1 only, no preview pages, a
// 30 s database timeout like Guccho's statement_timeout, peerPoolConns
// database connections) and an environment
// holding only PATH and DATABASE_URL; its log goes to a file that is shown
// if it fails. It is interrupted when the benchmark ends. The version is what
// the binary's --version prints.
func startPGTileserv(b *testing.B, bin, dbURL string) (baseURL, version string) {
	b.Helper()
	dir := b.TempDir()
	port := freePort(b)
	conf := filepath.Join(dir, "pg_tileserv.toml")
	body := fmt.Sprintf("HttpHost = \"127.0.0.1\"\nHttpPort = %d\nDbTimeout = 30\nDbPoolMaxConns = %d\n", port, peerPoolConns)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		b.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "pg_tileserv.log"))
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", conf, "--no-preview")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "DATABASE_URL=" + dbURL}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		b.Fatalf("start pg_tileserv: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logf.Close() }()
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	logTail := func() string {
		out, _ := os.ReadFile(logf.Name())
		return string(out[max(0, len(out)-2000):])
	}

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	v, _ := exec.Command(bin, "--version").Output()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			b.Fatalf("pg_tileserv exited: %v\n%s", err, logTail())
		default:
		}
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, strings.TrimSpace(string(v))
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("pg_tileserv did not answer at %s within 30s\n%s", base, logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort returns a TCP port free on 127.0.0.1 a moment ago.
func freePort(b *testing.B) int {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
