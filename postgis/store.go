// Package postgis is Guccho's store for shared and large deployments:
// PostgreSQL with PostGIS, through a pgx v5 pool. Spatial work runs in the
// database (ST_Intersects over GiST indexes for reverse geocoding,
// ST_AsMVT for tiles); name search uses the pure geo.Gazetteer, rebuilt from
// the stored names whenever the boundary set changes.
//
// Everything lives in the schema "guccho", created and migrated by Open under
// an advisory lock, so several instances may start together. Every query
// runs under the caller's context and the pool's statement_timeout.
package postgis

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/tiles"
)

var (
	_ geo.Store    = (*Store)(nil)
	_ tiles.Source = (*Store)(nil)
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the pg_advisory_lock key held while migrating.
const migrationLock = 7_101_995_433 // "guccho" on a phone keypad, more or less

// Options tune a Store. Zero values take the defaults.
type Options struct {
	// StatementTimeout bounds every statement on the server; default 30s.
	StatementTimeout time.Duration
	// MaxConns bounds the pool; default pgx's (4 or the number of CPUs).
	MaxConns int32
	// VersionPoll is how often the store checks whether another instance
	// replaced the boundary set; default 2s.
	VersionPoll time.Duration
	// ImportTimer, when set, is told how long each step of an import's
	// writing took, as it happens: "encode" (records to rows, in Go),
	// "find" (what is stored under the batch's ids), "undo" (saving the
	// stored versions of rows to update), "unchanged" (claiming unchanged
	// rows), "copy" (COPY of new rows straight into the enterprises),
	// "stage" (COPY of the rows to update to the staging table), "write"
	// (their upsert), "cells" (the batch's change event, in Go), "jobs"
	// (the enterprises and jobs per unit) and "commit" (report, events,
	// commit) while loading; then the indexing phase: "plan" (reading the
	// import's places and summing them per cell, in Go), "index" (each
	// chunk of cells written to the pyramid) and "finish". It is called from the
	// importing goroutine and must be quick; for profiling.
	ImportTimer func(step string, d time.Duration)
}

var _ store.Store = (*Store)(nil)

// Store is the PostGIS store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	opt  Options

	version    atomic.Value // string: the boundary set's version as last seen
	entVersion atomic.Value // string: the enterprise data's version as last seen

	mu     sync.Mutex // guards gaz and gazVer
	gaz    *geo.Gazetteer
	gazVer string

	connConfig *pgx.ConnConfig // for the LISTEN connection
	events     chan struct{}   // EventsWritten

	stop       chan struct{}
	done       chan struct{}
	listenDone chan struct{}

	// pageRows is how many enterprises a statement of FindEnterprises
	// returns at most (findPage; less in tests).
	pageRows int

	// interruptIndexing, when above zero, stops the next import's indexing
	// after that many chunks of one cell (InterruptIndexingAfter, for
	// tests).
	interruptIndexing atomic.Int64
}

// Open connects to the database at url (a postgres:// URL or DSN), checks
// that it answers, creates the postgis extension if it may, and applies
// pending migrations under an advisory lock. An unreachable database gives an
// EUNAVAILABLE error naming the host.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	if opt.StatementTimeout <= 0 {
		opt.StatementTimeout = 30 * time.Second
	}
	if opt.VersionPoll <= 0 {
		opt.VersionPoll = 2 * time.Second
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "database URL: %v", redactErr(err))
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opt.StatementTimeout.Milliseconds(), 10)
	cfg.ConnConfig.RuntimeParams["application_name"] = "guccho"
	// Guccho's queries are short and many; JIT compilation costs more than
	// it saves (about 0.2 s on a batch of 10,000 points).
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "database URL: %v", redactErr(err))
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, guccho.Errorf(guccho.EUNAVAILABLE, "cannot reach PostgreSQL at %s: %v", where, redactErr(err))
	}
	s := &Store{pool: pool, opt: opt, pageRows: findPage, connConfig: cfg.ConnConfig.Copy(), events: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}), listenDone: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.refreshVersions(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	go s.pollVersion()
	go s.listen()
	return s, nil
}

// Close stops background work and closes the pool.
func (s *Store) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
		<-s.done
		<-s.listenDone
	}
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for tests and tools.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return dbErr(err, "ping")
	}
	return nil
}

// migrate applies the embedded migrations that schema_migrations lacks, in
// order, each in its own transaction, holding an advisory lock so that
// instances starting together take turns.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return dbErr(err, "acquire a connection")
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return dbErr(err, "take the migration lock")
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)

	var hasPostGIS bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')`).Scan(&hasPostGIS); err != nil {
		return dbErr(err, "check for PostGIS")
	}
	if !hasPostGIS {
		if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`); err != nil {
			return guccho.WrapError(err, guccho.EUNAVAILABLE, "the database lacks the postgis extension and it cannot be created; run CREATE EXTENSION postgis as a superuser")
		}
	}
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS guccho;
		CREATE TABLE IF NOT EXISTS guccho.schema_migrations (
			version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return dbErr(err, "create the guccho schema")
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	seen := map[int]string{} // two branches may each have added "the next" migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return guccho.Errorf(guccho.EINTERNAL, "migration %s: name must start with a number", base)
		}
		if other, ok := seen[v]; ok {
			return guccho.Errorf(guccho.EINTERNAL, "migrations %s and %s have the same number", other, base)
		}
		seen[v] = base
		var done bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM guccho.schema_migrations WHERE version = $1)`, v).Scan(&done); err != nil {
			return dbErr(err, "read schema_migrations")
		}
		if done {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO guccho.schema_migrations (version, name) VALUES ($1, $2)`, v, base)
			return err
		})
		if err != nil {
			return dbErr(err, "apply migration "+base)
		}
	}
	return ensureTileGeoms(ctx, conn)
}

// readVersion reads the boundary set's version; "" when none is stored.
func (s *Store) readVersion(ctx context.Context) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM guccho.meta WHERE key = 'boundaries_version'`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", dbErr(err, "read the boundaries version")
	}
	return v, nil
}

// pollVersion notices boundary replacements made by other instances.
func (s *Store) pollVersion() {
	defer close(s.done)
	t := time.NewTicker(s.opt.VersionPoll)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.opt.VersionPoll)
			s.refreshVersions(ctx)
			cancel()
		}
	}
}

// refreshVersions reads the boundary and enterprise versions.
func (s *Store) refreshVersions(ctx context.Context) error {
	v, err := s.readVersion(ctx)
	if err != nil {
		return err
	}
	s.version.Store(v)
	var ev string
	err = s.pool.QueryRow(ctx, `SELECT coalesce((SELECT value FROM guccho.meta WHERE key = 'enterprises_version'), '')`).Scan(&ev)
	if err != nil {
		return dbErr(err, "read the enterprises version")
	}
	s.entVersion.Store(ev)
	return nil
}

// DataVersion returns the version of the data behind a tile layer: the
// enterprise data for the enterprises layer, the boundary set otherwise.
// Writes through this instance show at once; others within VersionPoll.
func (s *Store) DataVersion(layer string) string {
	if layer == tiles.EnterpriseLayer.Name {
		v, _ := s.entVersion.Load().(string)
		return v
	}
	return s.BoundariesVersion()
}

// BoundariesVersion returns the version of the boundary set as last seen
// (checked every Options.VersionPoll, and at once after this instance's own
// writes); "" when none is stored.
func (s *Store) BoundariesVersion() string {
	v, _ := s.version.Load().(string)
	return v
}

// redactErr drops passwords pgx may echo from a connection string.
func redactErr(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "password="); i >= 0 {
		j := strings.IndexAny(msg[i:], " )")
		if j < 0 {
			j = len(msg) - i
		}
		msg = msg[:i] + "password=***" + msg[i+j:]
	}
	return msg
}
