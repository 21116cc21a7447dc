// Package embedded is Guccho's default store: one SQLite file (through the
// pure-Go modernc.org/sqlite driver, so no C toolchain or server is needed),
// with the data also held in memory in the pure indexes of the domain
// packages (geo.Atlas for lookups, reverse geocoding and search,
// tiles.Indexes for vector tiles).
//
// SQLite is the durable copy: writes go to it first, in one transaction, and
// the in-memory view is rebuilt and swapped in whole after the commit, so
// readers never see a half-written state and a crash loses nothing that was
// committed.
package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"modernc.org/sqlite"

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

var _ store.Store = (*Store)(nil)

// Store is the embedded store. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	path  string
	state atomic.Pointer[state]
	// enterprises is the version of the enterprise data: set at open and
	// bumped after every committed enterprise write.
	enterprises atomic.Int64
	events      chan struct{} // EventsWritten
	// writer is held for every write transaction of this process (inTx, an
	// import's chunk). SQLite lets one writer in at a time, and its busy
	// handler polls: a long import that commits a chunk and begins the next
	// at once would starve edits waiting on it. The mutex hands the writer
	// to a goroutine that has waited over a millisecond (sync.Mutex's
	// starvation mode), so edits wait at most about a chunk.
	writer sync.Mutex
	// interruptIndexing, when above zero, stops the next import's indexing
	// after that many chunks (InterruptIndexingAfter, for tests).
	interruptIndexing atomic.Int64
	// indexBuilds is the time spent building the indexes of enterprises
	// after bulk loads, in nanoseconds (IndexBuildTime).
	indexBuilds atomic.Int64
}

// state is the in-memory view of the stored boundaries, replaced whole.
type state struct {
	atlas   *geo.Atlas
	tiles   tiles.Indexes
	version string // changes whenever the boundary set changes
}

// Open opens (creating if needed) the SQLite database at path, applies any
// pending migrations and loads the stored data into memory. The database
// runs in WAL mode with foreign keys enforced and synchronous=FULL: a
// write is on disk (the WAL fsynced) before the store reports it done, so
// an acknowledged edit survives a power failure (docs/durability.md).
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, syncFull)
}

// SQLite's synchronous settings the store may run with. NORMAL in WAL mode
// syncs only at checkpoints, so a power failure can undo the last commits;
// it is kept for the benchmark that measures what FULL costs.
const (
	syncFull   = "FULL"
	syncNormal = "NORMAL"
)

func open(ctx context.Context, path, synchronous string) (*Store, error) {
	q := url.Values{}
	// Each connection keeps a 16 MiB page cache; an import's connection
	// gets a bigger one while it runs (see BeginImport).
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(" + synchronous + ")", "cache_size(-16384)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	if err := registerFunctions(); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "open %s: registering SQL functions", path)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EUNAVAILABLE, "open %s", path)
	}
	s := &Store{db: db, path: path, events: make(chan struct{}, 1)}
	s.enterprises.Store(time.Now().UnixNano())
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.load(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// registerFunctions registers the store's SQL functions with the driver,
// once per process (modernc.org/sqlite keeps a process-wide list and adds
// them to every connection it opens after): guccho_point_key(lon, lat),
// the point's tiles.PointKey (NULL for a NULL coordinate), which migration
// 0013 uses.
var registerFunctions = sync.OnceValue(func() error {
	return sqlite.RegisterDeterministicScalarFunction("guccho_point_key", 2, pointKeyFunc)
})

func pointKeyFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	var p orb.Point
	for i, a := range args {
		switch v := a.(type) {
		case nil:
			return nil, nil
		case float64:
			p[i] = v
		case int64:
			p[i] = float64(v)
		default:
			return nil, fmt.Errorf("guccho_point_key: argument %d is %T, not a number", i+1, a)
		}
	}
	return tiles.PointKey(p), nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database file answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return guccho.WrapError(err, guccho.EUNAVAILABLE, "the database file %s does not answer", s.path)
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// migrate applies the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction, in file-name order.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return sqlErr(err, "%s: cannot create schema_migrations", s.path)
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
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
			return sqlErr(err, "reading schema_migrations")
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				v, base, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return sqlErr(err, "applying migration %s", base)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committing if it returns nil; after a
// commit it calls each of then.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error, then ...func()) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return sqlErr(err, "beginning a transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return sqlErr(err, "writing to the database")
	}
	if err := tx.Commit(); err != nil {
		return sqlErr(err, "committing")
	}
	for _, f := range then {
		f()
	}
	return nil
}

// load reads every unit from the database and swaps in a new view.
func (s *Store) load(ctx context.Context) error {
	units, err := s.readUnits(ctx)
	if err != nil {
		return err
	}
	var version string
	err = s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'boundaries_version'`).Scan(&version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return sqlErr(err, "reading meta")
	}
	return s.swap(units, version)
}

func (s *Store) swap(units []*geo.Unit, version string) error {
	st := &state{atlas: geo.NewAtlas(units), version: version}
	idx, err := tiles.AdminIndexes(units, tiles.Options{})
	if err != nil {
		return guccho.WrapError(err, guccho.EINTERNAL, "building tile indexes")
	}
	st.tiles = idx
	s.state.Store(st)
	return nil
}

func (s *Store) readUnits(ctx context.Context) ([]*geo.Unit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT pcode, level, coalesce(parent, ''), name_en, name_en_current, name_bn,
		type, area_km2, label_lon, label_lat, geom FROM admin_units ORDER BY level, pcode`)
	if err != nil {
		return nil, sqlErr(err, "reading admin units")
	}
	defer rows.Close()
	var units []*geo.Unit
	byCode := map[string]*geo.Unit{}
	for rows.Next() {
		u := &geo.Unit{}
		var blob []byte
		if err := rows.Scan(&u.PCode, &u.Level, &u.Parent, &u.NameEN, &u.NameENCurrent, &u.NameBN,
			&u.Type, &u.AreaKM2, &u.Label[0], &u.Label[1], &blob); err != nil {
			return nil, sqlErr(err, "reading admin units")
		}
		if u.Level == geo.Division {
			u.Parent = "BD"
		}
		g, err := wkb.Unmarshal(blob)
		if err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "unit %s: stored geometry is not WKB", u.PCode)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return nil, guccho.Errorf(guccho.EINTERNAL, "unit %s: stored geometry is a %s", u.PCode, g.GeoJSONType())
		}
		u.Geometry, u.Bound = mp, mp.Bound()
		units = append(units, u)
		byCode[u.PCode] = u
	}
	if err := rows.Err(); err != nil {
		return nil, sqlErr(err, "reading admin units")
	}
	names, err := s.db.QueryContext(ctx, `SELECT pcode, name, lang, source FROM admin_names ORDER BY rowid`)
	if err != nil {
		return nil, sqlErr(err, "reading admin names")
	}
	defer names.Close()
	for names.Next() {
		var code string
		var n geo.Name
		if err := names.Scan(&code, &n.Text, &n.Lang, &n.Source); err != nil {
			return nil, sqlErr(err, "reading admin names")
		}
		if u := byCode[code]; u != nil {
			u.AltNames = append(u.AltNames, n)
		}
	}
	return units, sqlErr(names.Err(), "reading admin names")
}

// ReplaceBoundaries validates units and replaces the stored set with them in
// one transaction. On any error the stored set and the in-memory view are
// left as they were.
func (s *Store) ReplaceBoundaries(ctx context.Context, units []*geo.Unit) error {
	if err := geo.Validate(units); err != nil {
		return err
	}
	sorted := append([]*geo.Unit(nil), units...)
	geo.SortUnits(sorted)
	version := strconv.FormatInt(time.Now().UnixNano(), 36)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM admin_rtree`, `DELETE FROM admin_names`, `DELETE FROM admin_units`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return sqlErr(err, "clearing admin units")
			}
		}
		insUnit, err := tx.PrepareContext(ctx, `INSERT INTO admin_units (id, pcode, level, parent, name_en, name_en_current,
			name_bn, type, area_km2, label_lon, label_lat, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insUnit.Close()
		insBox, err := tx.PrepareContext(ctx, `INSERT INTO admin_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insBox.Close()
		insName, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO admin_names (pcode, name, lang, source) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insName.Close()
		for _, u := range sorted {
			id, err := geo.FeatureID(u.PCode)
			if err != nil {
				return err
			}
			var parent any
			if u.Level > geo.Division {
				parent = u.Parent
			}
			blob, err := wkb.Marshal(u.Geometry)
			if err != nil {
				return guccho.WrapError(err, guccho.EINVALID, "unit %s: geometry", u.PCode)
			}
			if _, err := insUnit.ExecContext(ctx, int64(id), u.PCode, int(u.Level), parent, u.NameEN, u.NameENCurrent,
				u.NameBN, u.Type, u.AreaKM2, u.Label[0], u.Label[1], blob); err != nil {
				return sqlErr(err, "unit %s: cannot store", u.PCode)
			}
			b := u.Geometry.Bound()
			if _, err := insBox.ExecContext(ctx, int64(id), b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
				return err
			}
			for _, n := range u.AltNames {
				if _, err := insName.ExecContext(ctx, u.PCode, n.Text, n.Lang, n.Source); err != nil {
					return sqlErr(err, "unit %s: name %q", u.PCode, n.Text)
				}
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('boundaries_version', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, version)
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, guccho.EventBoundariesReplaced, map[string]any{"version": version, "units": len(sorted)})
	}, s.eventsWritten)
	if err != nil {
		return err
	}
	// Rebuild from the committed rows, so memory always mirrors the file.
	return s.load(ctx)
}

// current returns the in-memory view.
func (s *Store) current() *state { return s.state.Load() }

// BoundariesVersion returns a string that changes whenever the boundary set
// is replaced; "" before any boundaries are stored. Tile caches and ETags
// include it.
func (s *Store) BoundariesVersion() string { return s.current().version }

// DataVersion returns the version of the data behind a tile layer: the
// enterprise data for the enterprises layer, the boundary set otherwise.
func (s *Store) DataVersion(layer string) string {
	if layer == tiles.EnterpriseLayer.Name {
		return strconv.FormatInt(s.enterprises.Load(), 36)
	}
	return s.BoundariesVersion()
}

// enterprisesChanged bumps the enterprise data version.
func (s *Store) enterprisesChanged() {
	s.enterprises.Add(1)
	s.eventsWritten()
}

// Atlas returns the in-memory view of the current boundary set.
func (s *Store) Atlas() *geo.Atlas { return s.current().atlas }

// FindUnitByPCode returns one unit with its geometry, or ENOTFOUND.
func (s *Store) FindUnitByPCode(ctx context.Context, pcode string) (*geo.Unit, error) {
	return s.current().atlas.Unit(pcode)
}

// FindUnits returns the units matching f, ordered by level then P-code.
func (s *Store) FindUnits(ctx context.Context, f geo.UnitFilter) ([]*geo.Unit, error) {
	return s.current().atlas.Find(f), nil
}

// CountUnits returns the number of stored units per level.
func (s *Store) CountUnits(ctx context.Context) (map[geo.Level]int, error) {
	return s.current().atlas.Counts(), nil
}

// Reverse returns the units containing pt at every level, or ENOTFOUND.
func (s *Store) Reverse(ctx context.Context, pt orb.Point) (geo.Place, error) {
	return s.current().atlas.Reverse(pt)
}

// LocateUnions returns the union P-code of each point ("" outside).
func (s *Store) LocateUnions(ctx context.Context, pts []orb.Point) ([]string, error) {
	return s.current().atlas.LocateUnions(pts), nil
}

// Search returns units whose names match q, best first.
func (s *Store) Search(ctx context.Context, q string, opt geo.SearchOptions) ([]geo.Match, error) {
	return s.current().atlas.Search(q, opt)
}

// UnitsInBound returns the P-codes of units of level l whose bounding boxes
// intersect b, using the SQLite R*Tree.
func (s *Store) UnitsInBound(ctx context.Context, l geo.Level, b orb.Bound) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.pcode FROM admin_rtree r JOIN admin_units u ON u.id = r.id
		WHERE r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? AND r.min_lat <= ? AND u.level = ?
		ORDER BY u.pcode`, b.Min[0], b.Max[0], b.Min[1], b.Max[1], int(l))
	if err != nil {
		return nil, sqlErr(err, "querying the R*Tree")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, sqlErr(err, "querying the R*Tree")
		}
		out = append(out, c)
	}
	return out, sqlErr(rows.Err(), "querying the R*Tree")
}

// Tile returns the uncompressed MVT bytes of one tile of an admin layer or of
// the enterprises layer; nil when the tile holds no features. An unknown
// layer returns ENOTFOUND.
func (s *Store) Tile(ctx context.Context, r tiles.Request) ([]byte, error) {
	if r.Layer == tiles.EnterpriseLayer.Name {
		return s.enterpriseTile(ctx, r)
	}
	return s.current().tiles.Tile(ctx, r)
}
