package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/guccho/guccho"
)

// Bulk imports (docs/import.md, "Bulk loads on PostGIS"). An import that
// begins on a store holding no enterprises, with no other import running
// or undoing, is a bulk import: before its first chunk it drops the
// enterprises' secondary indexes (enterpriseIndexes; the primary key and
// the unique id, which lookups and upserts need, stay) and loads without
// them, so its COPY writes only the heap and two b-trees. Its indexing
// phase builds them again with CREATE INDEX CONCURRENTLY, which lets
// edits go on, then analyses the table, then writes the count pyramid.
// Its rollback or undo builds them before it takes its rows out (the undo
// finds them by import id). imports.bulk (migration 0017) records the
// decision, so that recovery after a crash in either phase builds them.

// enterpriseIndex is one secondary index of guccho.enterprises: its name
// and what follows "USING" in its definition, exactly as pg_get_indexdef
// writes it.
type enterpriseIndex struct {
	name, using string
}

// enterpriseIndexes are the secondary indexes of guccho.enterprises that a
// bulk import drops and builds again: every index of the migrated schema
// but the primary key (enterprises_pkey) and the unique id
// (enterprises_id_key). A migration that adds an index to the enterprises
// adds it here too (TestEnterpriseIndexesAreTheSchemas fails until it
// does).
var enterpriseIndexes = []enterpriseIndex{
	{"enterprises_geom", "gist (geom)"},
	{"enterprises_sector", "btree (sector)"},
	{"enterprises_district", "btree (district)"},
	{"enterprises_upazila", "btree (upazila)"},
	{"enterprises_import", "btree (import_id)"},
	{"enterprises_division", "btree (division)"},
	{"enterprises_union", "btree (union_code)"},
	{"enterprises_sector_district", "btree (sector, district, fid)"},
	{"enterprises_sector_upazila", "btree (sector, upazila, fid)"},
}

// definition is the index's CREATE INDEX statement as pg_get_indexdef
// gives it.
func (ix enterpriseIndex) definition() string {
	return "CREATE INDEX " + ix.name + " ON guccho.enterprises USING " + ix.using
}

// Advisory locks of bulk imports (beside pyramidLock and migrationLock).
const (
	bulkLock  int64 = 0x67756363686f626c // "gucchobl": deciding whether an import is bulk
	buildLock int64 = 0x67756363686f6278 // "gucchobx": building the enterprises' indexes
)

// dropWait bounds how long a bulk import waits to drop the indexes (DROP
// INDEX waits for every query on the enterprises to end, and holds up the
// queries that come after it meanwhile): past it, the import loads with
// its indexes, as any other.
const dropWait = "2s"

// beginBulk decides, once per import and under bulkLock, whether the
// import is bulk, and if so drops the secondary indexes in the same
// transaction that records it; opened again (a resume), it returns what
// was decided.
func (s *Store) beginBulk(ctx context.Context, importID string) (bool, error) {
	var bulk *bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, bulkLock); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT bulk FROM guccho.imports WHERE id = $1 FOR UPDATE`, importID).Scan(&bulk)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no import %q", importID)
		}
		if err != nil || bulk != nil {
			return err
		}
		var empty bool
		if err := tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM guccho.enterprises)
			AND NOT EXISTS (SELECT 1 FROM guccho.imports WHERE id <> $1 AND status IN ($2, $3))`,
			importID, guccho.ImportRunning, guccho.ImportUndoing).Scan(&empty); err != nil {
			return err
		}
		if empty {
			if empty, err = dropIndexes(ctx, tx); err != nil {
				return err
			}
		}
		bulk = &empty
		_, err = tx.Exec(ctx, `UPDATE guccho.imports SET bulk = $2 WHERE id = $1`, importID, empty)
		return err
	})
	if err != nil {
		return false, dbErr(err, "begin a bulk import")
	}
	return *bulk, nil
}

// dropIndexes drops the enterprises' secondary indexes in a savepoint of
// tx, waiting at most dropWait for the table; it reports false, having
// dropped none, when the wait ran out.
func dropIndexes(ctx context.Context, tx pgx.Tx) (bool, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer sp.Rollback(ctx)
	if _, err := sp.Exec(ctx, `SET LOCAL lock_timeout = '`+dropWait+`'`); err != nil {
		return false, err
	}
	for _, ix := range enterpriseIndexes {
		if _, err := sp.Exec(ctx, `DROP INDEX IF EXISTS guccho.`+ix.name); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
				return false, nil
			}
			return false, err
		}
	}
	if _, err := sp.Exec(ctx, `SET LOCAL lock_timeout = 0`); err != nil {
		return false, err
	}
	return true, sp.Commit(ctx)
}

// isBulk reports whether the import dropped the indexes when it began.
func (s *Store) isBulk(ctx context.Context, importID string) (bool, error) {
	var bulk bool
	err := s.pool.QueryRow(ctx, `SELECT coalesce(bulk, false) FROM guccho.imports WHERE id = $1`, importID).Scan(&bulk)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, guccho.Errorf(guccho.ENOTFOUND, "no import %q", importID)
	}
	return bulk, dbErr(err, "read an import's state")
}

// buildPoll is how often takeBuildLock tries the lock.
const buildPoll = 100 * time.Millisecond

// takeBuildLock takes buildLock for conn's session, trying it every
// buildPoll rather than waiting in one statement: a statement that waits
// holds a snapshot, and the CREATE INDEX CONCURRENTLY of the lock's holder
// waits for every older snapshot to end — a deadlock. (Recovery meets it
// when a killed process's server session is still building an index: the
// session runs on until its statement ends.)
func takeBuildLock(ctx context.Context, conn *pgx.Conn) error {
	for {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, buildLock).Scan(&got); err != nil {
			return dbErr(err, "take the index-building lock")
		}
		if got {
			return nil
		}
		select {
		case <-ctx.Done():
			return dbErr(ctx.Err(), "take the index-building lock")
		case <-time.After(buildPoll):
		}
	}
}

// buildIndexes builds every index of enterpriseIndexes that is missing,
// or left invalid by an interrupted CREATE INDEX CONCURRENTLY (dropped and
// built again), one at a time with CREATE INDEX CONCURRENTLY, so that
// edits and readers go on meanwhile; with analyze it then runs ANALYZE on
// the enterprises (for the planner and the extended statistics of
// migration 0015). lap, when not nil, is told "build" after the indexes
// and "analyze" after the analysis.
//
// It runs on a session of its own, taken out of the pool, without the
// statement timeout, with maintenance_work_mem raised to at least 256 MB,
// under buildLock (takeBuildLock: two processes finishing imports at once
// build each index once); the session is closed at the end, which drops
// its settings and lock whatever happened. Building nothing (every index
// there and valid), it costs a connection and a catalogue query.
func (s *Store) buildIndexes(ctx context.Context, analyze bool, lap func(string)) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return dbErr(err, "acquire a connection")
	}
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	// Each statement alone, outside any transaction: CREATE INDEX
	// CONCURRENTLY refuses to run in one.
	for _, q := range []string{
		`SET statement_timeout = 0`,
		`SELECT set_config('maintenance_work_mem',
			greatest(pg_size_bytes(current_setting('maintenance_work_mem')), 256 * 1024 * 1024) / 1024 || 'kB', false)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return dbErr(err, "prepare to build the enterprises' indexes")
		}
	}
	if err := takeBuildLock(ctx, conn); err != nil {
		return err
	}
	valid := map[string]bool{}
	rows, err := conn.Query(ctx, `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = 'guccho.enterprises'::regclass`)
	if err != nil {
		return dbErr(err, "read the enterprises' indexes")
	}
	var name string
	var ok bool
	if _, err := pgx.ForEachRow(rows, []any{&name, &ok}, func() error { valid[name] = ok; return nil }); err != nil {
		return dbErr(err, "read the enterprises' indexes")
	}
	for _, ix := range enterpriseIndexes {
		ok, there := valid[ix.name]
		if ok {
			continue
		}
		if there {
			if _, err := conn.Exec(ctx, `DROP INDEX CONCURRENTLY IF EXISTS guccho.`+ix.name); err != nil {
				return dbErr(err, "drop the invalid index "+ix.name)
			}
		}
		q := "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + ix.name + " ON guccho.enterprises USING " + ix.using
		if _, err := conn.Exec(ctx, q); err != nil {
			return dbErr(err, "build the index "+ix.name)
		}
	}
	if lap != nil {
		lap("build")
	}
	if !analyze {
		return nil
	}
	if _, err := conn.Exec(ctx, `ANALYZE guccho.enterprises`); err != nil {
		return dbErr(err, "analyse the enterprises")
	}
	if lap != nil {
		lap("analyze")
	}
	return nil
}
