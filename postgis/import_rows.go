package postgis

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// How an import batch's rows are written: new rows by COPY straight into
// the enterprises, the rows to update through the staging table.

// record is a batch's row with its doc and content hash.
type record struct {
	e    *guccho.Enterprise
	doc  string
	hash string
}

// freshColumns are the columns copyFresh writes.
var freshColumns = []string{"id", "name", "sector", "method", "geom", "display_point", "synthetic",
	"division", "district", "upazila", "union_code", "import_id", "import_row", "content_hash", "doc", "created_at", "updated_at"}

// copyFresh copies rows whose ids nothing stored when the batch looked
// straight into the enterprises (their point as EWKB, made in Go), in a
// savepoint: should an edit have created one of those ids since (a unique
// violation), it takes the COPY back and reports false, and the rows take
// the upsert path.
func (w *importWriter) copyFresh(ctx context.Context, recs []*record) (bool, error) {
	rows := make([][]any, len(recs))
	for i, r := range recs {
		e := r.e
		var geom any
		if e.Placed() {
			geom = pointEWKB(e.Point)
		}
		rows[i] = []any{e.ID, e.Name, e.Sector, e.Geocode.Method, geom, e.DisplayPoint, e.Synthetic,
			e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union, w.imp.ID, int32(e.ImportRow), r.hash, r.doc, w.now, w.now}
	}
	sp, err := w.tx.Begin(ctx)
	if err != nil {
		return false, dbErr(err, "copy enterprises")
	}
	if _, err := sp.CopyFrom(ctx, pgx.Identifier{"guccho", "enterprises"}, freshColumns, pgx.CopyFromRows(rows)); err != nil {
		sp.Rollback(ctx)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return false, nil
		}
		return false, dbErr(err, "copy enterprises")
	}
	return true, dbErr(sp.Commit(ctx), "copy enterprises")
}

// pointEWKB is a point's EWKB with SRID 4326, little-endian: what COPY
// takes for a geometry(Point, 4326) column.
func pointEWKB(p orb.Point) []byte {
	b := make([]byte, 25)
	b[0] = 1                                         // little-endian
	binary.LittleEndian.PutUint32(b[1:], 0x20000001) // a point, with an SRID
	binary.LittleEndian.PutUint32(b[5:], 4326)       // the SRID
	binary.LittleEndian.PutUint64(b[9:], math.Float64bits(p[0]))
	binary.LittleEndian.PutUint64(b[17:], math.Float64bits(p[1]))
	return b
}

// upsert writes rows to update (and rows copyFresh handed back) through
// the staging table, counting them in c and their source rows in written.
func (w *importWriter) upsert(ctx context.Context, recs []*record, c *guccho.ImportCounts, written *[]int) error {
	tx := w.tx
	rows := make([][]any, 0, len(recs))
	for _, r := range recs {
		e := r.e
		var lon, lat *float64
		if e.Placed() {
			lon, lat = &e.Point[0], &e.Point[1]
		}
		rows = append(rows, []any{e.ID, int32(e.ImportRow), e.Name, e.Sector, e.Geocode.Method, lon, lat, e.DisplayPoint,
			e.Synthetic, e.Admin.Division, e.Admin.District, e.Admin.Upazila, e.Admin.Union, r.hash, r.doc})
	}
	// The previous batch's rows go; a TRUNCATE would cost more than the
	// few thousand dead rows it saves scanning (the table lives for one
	// chunk).
	if _, err := tx.Exec(ctx, `DELETE FROM stage_enterprises`); err != nil {
		return dbErr(err, "clear the staging table")
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_enterprises"}, stageColumns, pgx.CopyFromRows(rows)); err != nil {
		return dbErr(err, "copy enterprises")
	}
	w.lap("stage")
	rs, err := tx.Query(ctx, `INSERT INTO guccho.enterprises (id, name, sector, method, geom, display_point, synthetic,
			division, district, upazila, union_code, import_id, import_row, content_hash, doc, created_at, updated_at)
		SELECT id, name, sector, method, CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
			display_point, synthetic, division, district, upazila, union_code, $1, import_row, content_hash, doc::jsonb, now(), now()
		FROM stage_enterprises ORDER BY import_row
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, sector = excluded.sector, method = excluded.method,
			geom = excluded.geom, display_point = excluded.display_point, synthetic = excluded.synthetic,
			division = excluded.division, district = excluded.district, upazila = excluded.upazila,
			union_code = excluded.union_code, import_id = excluded.import_id, import_row = excluded.import_row,
			content_hash = excluded.content_hash, doc = excluded.doc, updated_at = now()
		RETURNING import_row, xmax = 0`, w.imp.ID)
	if err != nil {
		return dbErr(err, "store enterprises")
	}
	defer rs.Close()
	for rs.Next() {
		var row int
		var inserted bool
		if err := rs.Scan(&row, &inserted); err != nil {
			return dbErr(err, "store enterprises")
		}
		*written = append(*written, row)
		if inserted {
			c.Created++
		} else {
			c.Updated++
		}
	}
	return dbErr(rs.Err(), "store enterprises")
}

// contentDoc returns the JSON kept in an enterprise's doc column and the
// enterprise's content hash, from one encoding: the record without what
// the store keeps in columns of its own (feature id, import id and row,
// times), whose hash is e.ContentHash().
func contentDoc(e *guccho.Enterprise) ([]byte, string, error) {
	c := *e
	c.FeatureID, c.ImportID, c.ImportRow = 0, "", 0
	c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
	doc, err := json.Marshal(&c)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(doc)
	return doc, hex.EncodeToString(sum[:16]), nil
}
