package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Bulk imports (docs/import.md#bulk-loads). An import that begins on a
// store holding no enterprises, while no other import is running or
// undoing, loads its rows without the secondary indexes of enterprises:
// BeginImport decides it, records it (import_indexing.bulk) and drops them
// in one write transaction, so two imports, even of two processes, cannot
// both decide it. Every row it inserts then goes into the table and its two
// keys (fid, id) only, rather than into eight B-trees. Its indexing phase
// first builds every missing index, each in a transaction of its own under
// the store's writer (so an edit waits for one index's build at most), and
// a roll-back or undo of an import still loading builds them before it
// deletes anything. A crash leaves each index built or not, never half:
// recovery, which always finishes an indexing import or rolls a loading
// one back, ends with every index there.

// enterpriseIndex is one secondary index of enterprises: its name and the
// statement that builds it.
type enterpriseIndex struct {
	name, create string
}

// enterpriseIndexes are the secondary indexes of enterprises (migrations
// 0002 and 0010), every index but its keys: the fid (the rowid) and the
// unique id, which a bulk import keeps, as its own lookups and every
// edit's need them. A bulk import drops and builds these; a migration that
// adds an index to enterprises must add it here (TestEnterpriseIndexesAreTheSchemas
// compares the list with the migrated schema).
var enterpriseIndexes = []enterpriseIndex{
	{"enterprises_sector", `CREATE INDEX IF NOT EXISTS enterprises_sector ON enterprises (sector)`},
	{"enterprises_district", `CREATE INDEX IF NOT EXISTS enterprises_district ON enterprises (district)`},
	{"enterprises_upazila", `CREATE INDEX IF NOT EXISTS enterprises_upazila ON enterprises (upazila)`},
	{"enterprises_import", `CREATE INDEX IF NOT EXISTS enterprises_import ON enterprises (import_id)`},
	{"enterprises_division", `CREATE INDEX IF NOT EXISTS enterprises_division ON enterprises (division)`},
	{"enterprises_union", `CREATE INDEX IF NOT EXISTS enterprises_union ON enterprises (union_code)`},
}

// beginLoading records a new import as loading, in one write transaction
// of conn holding the store's writer, and decides there whether it is a
// bulk import: the store holds no enterprises and no other import is
// running or undoing. A bulk import's transaction also drops the
// secondary indexes of enterprises.
func (s *Store) beginLoading(ctx context.Context, conn *sql.Conn, importID string) (bulk bool, err error) {
	s.writer.Lock()
	defer s.writer.Unlock()
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the file's write lock, across processes
	if err != nil {
		return false, sqlErr(err, "beginning import %s", importID)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM enterprises)
		AND NOT EXISTS (SELECT 1 FROM imports WHERE status IN ('running', 'undoing') AND id <> ?)`, importID).Scan(&bulk)
	if err != nil {
		return false, sqlErr(err, "beginning import %s", importID)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO import_indexing (import_id, phase, bulk) VALUES (?, 'loading', ?)`, importID, bulk); err != nil {
		return false, sqlErr(err, "beginning import %s", importID)
	}
	if bulk {
		for _, ix := range enterpriseIndexes {
			if _, err := tx.ExecContext(ctx, `DROP INDEX IF EXISTS `+ix.name); err != nil {
				return false, sqlErr(err, "import %s: dropping index %s for a bulk load", importID, ix.name)
			}
		}
	}
	return bulk, sqlErr(tx.Commit(), "beginning import %s", importID)
}

// missingIndexes returns those of enterpriseIndexes that the store lacks.
func missingIndexes(ctx context.Context, q execer) ([]enterpriseIndex, error) {
	have, err := queryStrings(ctx, q, `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'enterprises'`)
	if err != nil {
		return nil, sqlErr(err, "reading the indexes of enterprises")
	}
	var missing []enterpriseIndex
	for _, ix := range enterpriseIndexes {
		if !slices.Contains(have, ix.name) {
			missing = append(missing, ix)
		}
	}
	return missing, nil
}

// buildIndexes builds the indexes of enterprises that the store lacks,
// each in one transaction of conn holding the store's writer, and
// checkpoints the WAL after each (an index of twelve million rows is
// hundreds of megabytes of new pages), with conn set for the builds
// (withBuildSettings). Each build counts as one chunk of the indexing for
// InterruptIndexingAfter.
func (ix *indexer) buildIndexes(ctx context.Context) error {
	missing, err := missingIndexes(ctx, ix.conn)
	if err != nil || len(missing) == 0 {
		return err
	}
	return withBuildSettings(ctx, ix.conn, func() error { return ix.build(ctx, missing) })
}

// build builds the given indexes of enterprises, one transaction each.
func (ix *indexer) build(ctx context.Context, missing []enterpriseIndex) error {
	for _, idx := range missing {
		t0 := time.Now()
		ix.s.writer.Lock()
		tx, err := ix.conn.BeginTx(ctx, nil)
		if err != nil {
			ix.s.writer.Unlock()
			return sqlErr(err, "import %s: building index %s", ix.importID, idx.name)
		}
		if _, err = tx.ExecContext(ctx, idx.create); err != nil {
			tx.Rollback()
		} else {
			err = tx.Commit()
		}
		ix.s.writer.Unlock()
		ix.s.indexBuilds.Add(int64(time.Since(t0)))
		if err != nil {
			return sqlErr(err, "import %s: building index %s", ix.importID, idx.name)
		}
		if _, err := ix.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			return sqlErr(err, "import %s: checkpointing the WAL", ix.importID)
		}
		if ix.chunks++; ix.stopAt > 0 && ix.chunks >= ix.stopAt {
			return errInterrupted
		}
	}
	return nil
}

// The import connection's settings while it builds indexes
// (docs/import.md, "Faster index builds on the embedded store", measured
// there). A CREATE INDEX reads the whole table and sorts every row's key
// in SQLite's sorter, whose sorted runs are as large as the connection's
// page cache: runs of 8 MiB, merged, take less CPU time than the one or
// two runs of 256 MiB that the import's cache gives, and the table's pages
// are read through a memory map of the file rather than a read call and a
// copy each. SQLite caps the map at its compile-time maximum (just under
// 2 GiB with modernc.org/sqlite), so a larger store reads the rest as
// before; the pages it maps count in the process's resident memory while
// the builds run (clean file pages, which the kernel may drop). PRAGMA
// threads stays 0: SQLite's sorter threads run only when its temporary
// files are files (temp_store MEMORY turns them off), and so run they did
// not shorten the builds measured.
const (
	buildCacheKiB = 8 << 10 // the page cache, KiB (cache_size −8192)
	buildMmap     = 2 << 30 // mmap_size requested, bytes
)

// withBuildSettings runs fn with conn's page cache and memory map set for
// index builds (buildCacheKiB, buildMmap), and then gives conn back its
// own, whether fn fails or not, even when ctx is done.
func withBuildSettings(ctx context.Context, conn *sql.Conn, fn func() error) (err error) {
	var cache, mmap int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return sqlErr(err, "reading the page cache size before building indexes")
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&mmap); err != nil {
		return sqlErr(err, "reading the memory map size before building indexes")
	}
	defer func() {
		_, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA mmap_size = %d`, cache, mmap))
		if rerr != nil && err == nil {
			err = sqlErr(rerr, "restoring the page cache and memory map after building indexes")
		}
	}()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA mmap_size = %d`, -buildCacheKiB, buildMmap)); err != nil {
		return sqlErr(err, "setting the page cache and memory map for building indexes")
	}
	return fn()
}

// IndexBuildTime is the time this Store has spent building the indexes of
// enterprises after bulk loads, writer held (the benchmarks report it).
func (s *Store) IndexBuildTime() time.Duration { return time.Duration(s.indexBuilds.Load()) }
