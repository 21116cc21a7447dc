package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// The indexing phase of an import (guccho.ImportIndexing): its loading
// chunks noted, per row written, the cells at tiles.MaxCellZoom of the
// places it adds to and takes out of the count pyramid (import_points);
// planIndexing sums them into the import's net deltas per cell of every
// zoom (import_cells), and indexImport adds those to enterprise_cells in
// key order, a chunk per short transaction that moves the import's cursor
// past the cells it wrote. Migration 0014 describes the tables.

// indexChunkTime is how long one transaction of the indexing phase aims
// to hold the pyramid's lock: edits beside an import wait about that long.
const indexChunkTime = 500 * time.Millisecond

// Bounds of the cells one indexing chunk writes: the count adapts to
// indexChunkTime between them.
const (
	minIndexChunk   = 1000
	firstIndexChunk = 20000
	maxIndexChunk   = 400000
)

// Import pyramid states (imports.pyramid): how much of an import the count
// pyramid holds.
const (
	pyramidLoading  = "loading"  // none: it is still loading
	pyramidIndexing = "indexing" // its cells up to its cursor
	pyramidIndexed  = "indexed"  // all of it (or nothing is left to add)
)

// pyramidState returns how much of the import the count pyramid holds.
func pyramidState(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, importID string) (string, error) {
	var state string
	err := q.QueryRow(ctx, `SELECT pyramid FROM guccho.imports WHERE id = $1`, importID).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", guccho.Errorf(guccho.ENOTFOUND, "no import %q", importID)
	}
	return state, dbErr(err, "read an import's state")
}

// planIndexing moves a loading import to its indexing phase, in the
// caller's transaction: its points are summed per cell of every pyramid
// zoom (the cell of zoom z is the noted cell shifted right by
// MaxCellZoom − z) into import_cells, cells whose sum is zero left out,
// and its points go. An import already indexing (or indexed) is left as
// it is.
func planIndexing(ctx context.Context, tx pgx.Tx, importID string) error {
	var state string
	if err := tx.QueryRow(ctx, `SELECT pyramid FROM guccho.imports WHERE id = $1 FOR UPDATE`, importID).Scan(&state); err != nil {
		return dbErr(err, "plan an import's indexing")
	}
	if state != pyramidLoading {
		return nil
	}
	// One pass over the points, summed in memory rather than sorted on disk.
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '256MB'`); err != nil {
		return dbErr(err, "plan an import's indexing")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO guccho.import_cells (import_id, z, x, y, sector, n, x0, y0, x1, y1)
		SELECT $1, z, p.x >> ($3 - z), p.y >> ($3 - z), p.sector, sum(p.sign), min(p.x), min(p.y), max(p.x), max(p.y)
		FROM guccho.import_points p CROSS JOIN generate_series($2::int, $3::int) AS z
		WHERE p.import_id = $1
		GROUP BY z, p.x >> ($3 - z), p.y >> ($3 - z), p.sector
		HAVING sum(p.sign) <> 0
		ORDER BY 2, 3, 4, 5`, importID, tiles.MinCellZoom, tiles.MaxCellZoom); err != nil {
		return dbErr(err, "plan an import's indexing")
	}
	if err := clearImportRows(ctx, tx, "import_points", importID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE guccho.imports SET pyramid = $2, cursor_z = NULL, cursor_x = NULL, cursor_y = NULL,
		cursor_sector = NULL WHERE id = $1`, importID, pyramidIndexing)
	return dbErr(err, "plan an import's indexing")
}

// clearImportRows removes an import's rows from import_points or
// import_cells: with TRUNCATE when no other import has rows there (the
// usual case; a DELETE of millions of rows would cost as much as writing
// them), else with DELETE. The table's lock, taken first, keeps another
// import from adding rows between the check and the TRUNCATE.
func clearImportRows(ctx context.Context, tx pgx.Tx, table, importID string) error {
	name := pgx.Identifier{"guccho", table}.Sanitize()
	if _, err := tx.Exec(ctx, `LOCK TABLE `+name+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return dbErr(err, "clear an import's "+table)
	}
	var others bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+name+` WHERE import_id <> $1)`, importID).Scan(&others); err != nil {
		return dbErr(err, "clear an import's "+table)
	}
	var err error
	if others {
		_, err = tx.Exec(ctx, `DELETE FROM `+name+` WHERE import_id = $1`, importID)
	} else {
		_, err = tx.Exec(ctx, `TRUNCATE `+name)
	}
	return dbErr(err, "clear an import's "+table)
}

// indexImport adds an indexing import's cells to the count pyramid from
// its cursor on, in key order, a chunk per transaction (indexChunk) sized
// to take about indexChunkTime; lap, when not nil, times each chunk as
// "index". It returns when every cell is written; for an import that is
// not indexing it does nothing.
func (s *Store) indexImport(ctx context.Context, importID string, lap func(string)) error {
	limit := firstIndexChunk
	for {
		start := time.Now()
		n, err := s.indexChunk(ctx, importID, limit)
		if err != nil {
			return err
		}
		if lap != nil {
			lap("index")
		}
		if n < limit {
			return nil
		}
		took := time.Since(start)
		limit = min(maxIndexChunk, max(minIndexChunk, int(float64(limit)*float64(indexChunkTime)/float64(max(took, time.Millisecond)))))
	}
}

// indexChunk writes, in one transaction, up to limit of the import's cells
// that follow its cursor: it adds them to the count pyramid (applyDeltas,
// under the pyramid's lock), moves the cursor to the last one and appends
// an enterprises.changed event (action "indexed", no ids) whose bounding
// box covers the points behind them (to a cell of tiles.MaxCellZoom) and
// whose sectors are theirs, so tile caches drop the tiles they change. It returns how many cells it
// wrote.
func (s *Store) indexChunk(ctx context.Context, importID string, limit int) (int, error) {
	n := 0
	version := ""
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var state string
		var cz, cx, cy *int32
		var cs *string
		if err := tx.QueryRow(ctx, `SELECT pyramid, cursor_z, cursor_x, cursor_y, cursor_sector FROM guccho.imports
			WHERE id = $1 FOR UPDATE`, importID).Scan(&state, &cz, &cx, &cy, &cs); err != nil {
			return dbErr(err, "read an import's indexing cursor")
		}
		if state != pyramidIndexing {
			return nil
		}
		// Before the first cell: a zoom below every cell's.
		z, x, y, sector := int32(-1), int32(0), int32(0), ""
		if cz != nil {
			z, x, y, sector = *cz, *cx, *cy, *cs
		}
		rows, err := tx.Query(ctx, `SELECT z, x, y, sector, n, x0, y0, x1, y1 FROM guccho.import_cells
			WHERE import_id = $1 AND (import_id, z, x, y, sector) > ($1, $2, $3, $4, $5)
			ORDER BY import_id, z, x, y, sector LIMIT $6`, importID, int16(z), x, y, sector, limit)
		if err != nil {
			return dbErr(err, "read an import's cells")
		}
		deltas := tiles.CellDeltas{}
		sectors := map[string]bool{}
		var bound orb.Bound
		for rows.Next() {
			var cz int16
			var d, x0, y0, x1, y1 int32
			if err := rows.Scan(&cz, &x, &y, &sector, &d, &x0, &y0, &x1, &y1); err != nil {
				rows.Close()
				return dbErr(err, "read an import's cells")
			}
			z = int32(cz)
			k := tiles.CellSector{Cell: tiles.CellKey{Z: int(cz), X: uint32(x), Y: uint32(y)}, Sector: sector}
			deltas[k] += int(d)
			sectors[sector] = true
			// The points' cells at MaxCellZoom, from the north-west corner of
			// the first to the south-east corner of the last.
			b := maptile.New(uint32(x0), uint32(y0), tiles.MaxCellZoom).Bound().
				Union(maptile.New(uint32(x1), uint32(y1), tiles.MaxCellZoom).Bound())
			if n == 0 {
				bound = b
			} else {
				bound = bound.Union(b)
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr(err, "read an import's cells")
		}
		if n == 0 {
			return nil
		}
		if err := applyDeltas(ctx, tx, deltas, nil); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE guccho.imports SET cursor_z = $2, cursor_x = $3, cursor_y = $4, cursor_sector = $5
			WHERE id = $1`, importID, int16(z), x, y, sector); err != nil {
			return dbErr(err, "move an import's indexing cursor")
		}
		change := guccho.EnterpriseChange{Action: "indexed", ImportID: importID, Sectors: make([]string, 0, len(sectors)),
			Bound: [4]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}}
		for s := range sectors {
			change.Sectors = append(change.Sectors, s)
		}
		slices.Sort(change.Sectors)
		if err := appendEvents(ctx, tx, guccho.EventEnterprisesChanged, change); err != nil {
			return err
		}
		version, err = bumpEnterpriseVersion(ctx, tx)
		return err
	})
	if err != nil {
		return 0, dbErr(err, "index an import")
	}
	if version != "" {
		s.entVersion.Store(version)
	}
	return n, nil
}

// endIndexing records an indexed import's final report (report.Status,
// Phase ""), marks it indexed and removes its cells, in one transaction.
func (s *Store) endIndexing(ctx context.Context, report *guccho.Import) error {
	doc, err := json.Marshal(report)
	if err != nil {
		return err
	}
	return dbErr(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE guccho.imports SET status = $2, doc = $3::jsonb, pyramid = $4,
			cursor_z = NULL, cursor_x = NULL, cursor_y = NULL, cursor_sector = NULL WHERE id = $1`,
			report.ID, report.Status, string(doc), pyramidIndexed); err != nil {
			return dbErr(err, "record import")
		}
		return clearImportRows(ctx, tx, "import_cells", report.ID)
	}), "record import")
}
