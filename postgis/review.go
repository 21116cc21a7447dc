package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
)

var _ guccho.ReviewStore = (*Store)(nil)

// Review keeps rows for an editor's review inside the import's transaction.
func (w *importWriter) Review(ctx context.Context, items []*guccho.ReviewItem) error {
	if len(items) == 0 {
		return nil
	}
	if err := w.begin(ctx); err != nil {
		return err
	}
	data := make([][]any, len(items))
	for i, it := range items {
		it.ImportID, it.Status, it.Decision = w.imp.ID, guccho.ReviewOpen, nil
		doc, err := json.Marshal(it)
		if err != nil {
			return err
		}
		data[i] = []any{w.imp.ID, int32(it.Row), it.EnterpriseID, it.Status, string(doc)}
	}
	_, err := w.tx.CopyFrom(ctx, pgx.Identifier{"guccho", "import_review"},
		[]string{"import_id", "row", "enterprise_id", "status", "doc"}, pgx.CopyFromRows(data))
	return dbErr(err, "keep rows for review")
}

func scanReviewItem(doc []byte) (*guccho.ReviewItem, error) {
	var it guccho.ReviewItem
	if err := json.Unmarshal(doc, &it); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "stored review item is not JSON")
	}
	return &it, nil
}

// FindReviewItems returns a page of an import's review queue in row order.
func (s *Store) FindReviewItems(ctx context.Context, importID string, f guccho.ReviewFilter) (guccho.ReviewPage, error) {
	var page guccho.ReviewPage
	if _, err := s.FindImportByID(ctx, importID); err != nil {
		return page, err
	}
	err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'open'), count(*) FILTER (WHERE status = 'decided')
		FROM guccho.import_review WHERE import_id = $1`, importID).Scan(&page.Open, &page.Decided)
	if err != nil {
		return page, dbErr(err, "read the review queue")
	}
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := s.pool.Query(ctx, `SELECT doc FROM guccho.import_review WHERE import_id = $1 AND ($2 = '' OR status = $2) AND row > $3
		ORDER BY row LIMIT $4`, importID, f.Status, f.After, limit)
	if err != nil {
		return page, dbErr(err, "read the review queue")
	}
	defer rows.Close()
	page.Items = []*guccho.ReviewItem{}
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return page, dbErr(err, "read the review queue")
		}
		it, err := scanReviewItem(doc)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, it)
	}
	return page, dbErr(rows.Err(), "read the review queue")
}

// querier is what both the pool and a transaction offer.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// FindReviewItem returns one row of an import's review queue, or ENOTFOUND.
func (s *Store) FindReviewItem(ctx context.Context, importID string, row int) (*guccho.ReviewItem, error) {
	return findReviewItem(ctx, s.pool, importID, row, "")
}

func findReviewItem(ctx context.Context, q querier, importID string, row int, lock string) (*guccho.ReviewItem, error) {
	var doc []byte
	err := q.QueryRow(ctx, `SELECT doc FROM guccho.import_review WHERE import_id = $1 AND row = $2`+lock, importID, row).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "import %s has no row %d in review", importID, row)
	}
	if err != nil {
		return nil, dbErr(err, "read a review item")
	}
	return scanReviewItem(doc)
}

// DecideReview keeps a decision on an open item and stores the alias it
// teaches, in one transaction.
func (s *Store) DecideReview(ctx context.Context, importID string, row int, d guccho.ReviewDecision, alias *guccho.Alias) (*guccho.ReviewItem, error) {
	var it *guccho.ReviewItem
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if it, err = findReviewItem(ctx, tx, importID, row, " FOR UPDATE"); err != nil {
			return err
		}
		if it.Status != guccho.ReviewOpen {
			return guccho.Errorf(guccho.ECONFLICT, "row %d of import %s is decided already (%s)", row, importID, it.Decision.Action)
		}
		if alias != nil {
			if d.AliasID, err = putAlias(ctx, tx, alias, 0); err != nil {
				return err
			}
		}
		it.Status, it.Decision = guccho.ReviewDecided, &d
		doc, err := json.Marshal(it)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE guccho.import_review SET status = $3, doc = $4::jsonb WHERE import_id = $1 AND row = $2`,
			importID, row, it.Status, string(doc))
		return err
	})
	if err != nil {
		return nil, dbErr(err, "keep a review decision")
	}
	return it, nil
}

// putAlias stores an alias unless an equal one is stored, and returns its
// id (0 for one skipped as equal when row > 0). Another unit under the same
// level, parent and name is an ECONFLICT naming the row (when row > 0).
func putAlias(ctx context.Context, tx pgx.Tx, a *guccho.Alias, row int) (int64, error) {
	var id int64
	var pcode string
	err := tx.QueryRow(ctx, `SELECT id, pcode FROM guccho.geocode_aliases WHERE level = $1 AND within = $2 AND name = $3`,
		a.Level, a.Within, a.Name).Scan(&id, &pcode)
	switch {
	case err == nil && pcode == a.PCode:
		a.ID = id
		if row > 0 {
			return 0, nil
		}
		return id, nil
	case err == nil:
		return 0, aliasConflict(a, pcode, row)
	case !errors.Is(err, pgx.ErrNoRows):
		return 0, dbErr(err, "read aliases")
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	err = tx.QueryRow(ctx, `INSERT INTO guccho.geocode_aliases (level, within, name, pcode, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.Level, a.Within, a.Name, a.PCode, a.CreatedBy, a.CreatedAt).Scan(&a.ID)
	if err != nil {
		return 0, dbErr(err, "store an alias")
	}
	return a.ID, nil
}

// aliasConflict is the error of an alias whose level, parent and name
// another alias has with the unit pcode.
func aliasConflict(a *guccho.Alias, pcode string, row int) error {
	where := "nationwide"
	if a.Within != "" {
		where = "within " + a.Within
	}
	at := ""
	if row > 0 {
		at = "row " + strconv.Itoa(row) + ": "
	}
	return guccho.Errorf(guccho.ECONFLICT, "%sthe %s name %q %s already means %s, not %s (remove that alias first)", at, a.Level, a.Name, where, pcode, a.PCode)
}

// FindAliases lists every alias by level, parent and name.
func (s *Store) FindAliases(ctx context.Context) ([]*guccho.Alias, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, level, within, name, pcode, created_by, created_at FROM guccho.geocode_aliases
		ORDER BY CASE level WHEN 'division' THEN 1 WHEN 'district' THEN 2 WHEN 'upazila' THEN 3 ELSE 4 END, within COLLATE "C", name COLLATE "C"`)
	if err != nil {
		return nil, dbErr(err, "read aliases")
	}
	defer rows.Close()
	out := []*guccho.Alias{}
	for rows.Next() {
		var a guccho.Alias
		if err := rows.Scan(&a.ID, &a.Level, &a.Within, &a.Name, &a.PCode, &a.CreatedBy, &a.CreatedAt); err != nil {
			return nil, dbErr(err, "read aliases")
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, &a)
	}
	return out, dbErr(rows.Err(), "read aliases")
}

// ImportAliases stores aliases, all or none.
func (s *Store) ImportAliases(ctx context.Context, aliases []guccho.Alias) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		n = 0
		for i := range aliases {
			a := aliases[i]
			id, err := putAlias(ctx, tx, &a, i+1)
			if err != nil {
				return err
			}
			if id != 0 {
				n++
			}
		}
		return nil
	})
	return n, dbErr(err, "import aliases")
}

// DeleteAlias removes an alias, or answers ENOTFOUND.
func (s *Store) DeleteAlias(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM guccho.geocode_aliases WHERE id = $1`, id)
	if err != nil {
		return dbErr(err, "remove an alias")
	}
	if tag.RowsAffected() == 0 {
		return guccho.Errorf(guccho.ENOTFOUND, "no alias %d", id)
	}
	return nil
}

// AliasesVersion changes whenever aliases are added or removed: identity
// values are never reused, so the count and the greatest id tell.
func (s *Store) AliasesVersion(ctx context.Context) (string, error) {
	var n, maxID int64
	err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(id), 0) FROM guccho.geocode_aliases`).Scan(&n, &maxID)
	if err != nil {
		return "", dbErr(err, "read aliases")
	}
	return strconv.FormatInt(n, 10) + "." + strconv.FormatInt(maxID, 10), nil
}
