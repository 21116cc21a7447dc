// Package pgtest gives tests a real PostgreSQL + PostGIS server. Unless
// GUCCHO_TEST_DATABASE_URL names one, it starts a throwaway cluster (initdb
// in a temporary directory, pg_ctl on a free loopback port, fsync off) the
// first time a test asks, and stops and removes it when the test binary ends
// (Main). Each test gets a database of its own, created from a template that
// already has the postgis extension, and dropped afterwards.
//
// When the server cannot be had, tests are skipped, except under CI
// (CI=true), where they fail: CI must never pass by skipping PostGIS.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const template = "guccho_template_postgis"

var (
	mu      sync.Mutex
	started *Cluster
	baseURL string
	failure error
)

// Main runs the tests of a package that uses pgtest and then stops the
// cluster if one was started: func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if started != nil {
		if err := started.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		started = nil
	}
	return code
}

// ServerURL returns the URL of the server's "postgres" database, starting a
// throwaway cluster on first use unless GUCCHO_TEST_DATABASE_URL is set.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if baseURL == "" && failure == nil {
		baseURL, failure = setup()
	}
	if failure != nil {
		unavailable(tb, failure)
	}
	return baseURL
}

func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("PostGIS is required under CI but unavailable: %v", err)
	}
	tb.Skipf("PostGIS unavailable (set GUCCHO_TEST_DATABASE_URL or install postgresql-15-postgis-3): %v", err)
}

func setup() (string, error) {
	u := os.Getenv("GUCCHO_TEST_DATABASE_URL")
	if u == "" {
		c, err := Start(context.Background())
		if err != nil {
			return "", err
		}
		started = c
		u = c.URL("postgres")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+template); err != nil {
			return "", fmt.Errorf("create template database: %w", err)
		}
		tconn, err := pgx.Connect(ctx, withDatabase(u, template))
		if err != nil {
			return "", err
		}
		_, err = tconn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`)
		tconn.Close(ctx)
		if err != nil {
			conn.Exec(ctx, `DROP DATABASE `+template)
			return "", fmt.Errorf("create extension postgis: %w", err)
		}
	}
	return u, nil
}

// NewDatabase creates an empty database with PostGIS for one test and
// returns its URL; the database is dropped when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	base := ServerURL(tb)
	b := make([]byte, 6)
	rand.Read(b)
	name := "guccho_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		unavailable(tb, err)
	}
	defer conn.Close(ctx)
	// CREATE DATABASE … TEMPLATE fails while another session uses the
	// template; retry briefly.
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template)
		if err == nil || attempt == 20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return withDatabase(base, name)
}

func withDatabase(u, db string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	p.Path = "/" + db
	return p.String()
}

// Cluster is a throwaway PostgreSQL cluster.
type Cluster struct {
	dir  string
	bin  string
	port int
	cred *syscall.Credential
}

// URL returns the URL of database db on the cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Port returns the port the cluster listens on (127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// BinDir finds the PostgreSQL server binaries: $GUCCHO_PG_BIN, the
// directory of pg_ctl on PATH, or /usr/lib/postgresql/<newest>/bin.
func BinDir() (string, error) {
	if d := os.Getenv("GUCCHO_PG_BIN"); d != "" {
		return d, nil
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(ms) == 0 {
		return "", errors.New("no PostgreSQL server binaries (pg_ctl) found; set GUCCHO_PG_BIN")
	}
	best, bestV := "", -1
	for _, m := range ms {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(m))))
		if v > bestV {
			best, bestV = filepath.Dir(m), v
		}
	}
	return best, nil
}

// Start initialises and starts a cluster in a new temporary directory on a
// free port. As root, the server runs as the "postgres" user, since
// PostgreSQL refuses to run as root.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "guccho-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs a 'postgres' user to run the server: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(ctx, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	for attempt := 0; attempt < 5; attempt++ {
		c.port, err = freePort()
		if err != nil {
			break
		}
		var opts string
		if opts, err = serverOptions(c.port, dir, os.Getenv(SettingsVar)); err != nil {
			break
		}
		var out []byte
		out, err = c.run(ctx, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start")
		if err == nil {
			return c, nil
		}
		err = fmt.Errorf("pg_ctl start: %v: %s %s", err, out, tail(filepath.Join(dir, "log")))
	}
	os.RemoveAll(dir)
	return nil, err
}

// SettingsVar names the environment variable with server settings added to
// the throwaway cluster's, as space-separated name=value pairs — for
// benchmarks at national scale, which want a server sized like a production
// one (for example "shared_buffers=4GB maintenance_work_mem=1GB") rather than
// PostgreSQL's defaults.
const SettingsVar = "GUCCHO_TEST_PG_SETTINGS"

// serverOptions are the postgres options of a throwaway cluster on port
// with its socket in dir, plus the extra settings (SettingsVar's syntax).
func serverOptions(port int, dir, extra string) (string, error) {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	for _, kv := range strings.Fields(extra) {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" || value == "" || strings.ContainsAny(kv, `'"\`) {
			return "", fmt.Errorf("%s: %q is not name=value (settings are separated by spaces, without quotes)", SettingsVar, kv)
		}
		opts += " -c " + kv
	}
	return opts, nil
}

// Stop stops the cluster and removes its directory.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Restart stops and starts the server again on the same port, for tests of
// what happens while the database is away. down runs while it is stopped.
func (c *Cluster) Restart(down func()) error {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	data := filepath.Join(c.dir, "data")
	if out, err := c.run(ctx, "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	if down != nil {
		down()
	}
	opts, err := serverOptions(c.port, c.dir, os.Getenv(SettingsVar))
	if err != nil {
		return err
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd.CombinedOutput()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	s := string(b)
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return strings.TrimSpace(s)
}

// NewCluster starts a cluster of the test's own, for tests that stop and
// start the server; it is stopped and removed when the test ends. Like
// ServerURL it skips, or fails under CI, when no server can be started.
func NewCluster(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := Start(context.Background())
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() { c.Stop() })
	return c
}
