package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/guccho/guccho"
)

var _ guccho.ReviewStore = (*Store)(nil)

// Review keeps rows for an editor's review in the import's open chunk.
func (w *importWriter) Review(ctx context.Context, items []*guccho.ReviewItem) error {
	if len(items) == 0 {
		return nil
	}
	if err := w.begin(ctx); err != nil {
		return err
	}
	for _, it := range items {
		it.ImportID, it.Status, it.Decision = w.imp.ID, guccho.ReviewOpen, nil
		doc, err := json.Marshal(it)
		if err != nil {
			return err
		}
		if _, err := w.st.ExecContext(ctx, `INSERT INTO import_review (import_id, row, enterprise_id, status, doc) VALUES (?, ?, ?, ?, ?)`,
			w.imp.ID, it.Row, it.EnterpriseID, it.Status, string(doc)); err != nil {
			return sqlErr(err, "keeping row %d for review", it.Row)
		}
	}
	return nil
}

func scanReviewItem(doc string) (*guccho.ReviewItem, error) {
	var it guccho.ReviewItem
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
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
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM import_review WHERE import_id = ? GROUP BY status`, importID)
	if err != nil {
		return page, sqlErr(err, "reading the review queue of import %s", importID)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return page, sqlErr(err, "reading the review queue of import %s", importID)
		}
		if st == guccho.ReviewOpen {
			page.Open = n
		} else {
			page.Decided = n
		}
	}
	rows.Close()
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err = s.db.QueryContext(ctx, `SELECT doc FROM import_review WHERE import_id = ? AND (? = '' OR status = ?) AND row > ?
		ORDER BY row LIMIT ?`, importID, f.Status, f.Status, f.After, limit)
	if err != nil {
		return page, sqlErr(err, "reading the review queue of import %s", importID)
	}
	defer rows.Close()
	page.Items = []*guccho.ReviewItem{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return page, sqlErr(err, "reading the review queue of import %s", importID)
		}
		it, err := scanReviewItem(doc)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, it)
	}
	return page, sqlErr(rows.Err(), "reading the review queue of import %s", importID)
}

// FindReviewItem returns one row of an import's review queue, or ENOTFOUND.
func (s *Store) FindReviewItem(ctx context.Context, importID string, row int) (*guccho.ReviewItem, error) {
	return findReviewItem(ctx, s.db, importID, row)
}

func findReviewItem(ctx context.Context, db execer, importID string, row int) (*guccho.ReviewItem, error) {
	var doc string
	err := db.QueryRowContext(ctx, `SELECT doc FROM import_review WHERE import_id = ? AND row = ?`, importID, row).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "import %s has no row %d in review", importID, row)
	}
	if err != nil {
		return nil, sqlErr(err, "reading row %d of import %s's review", row, importID)
	}
	return scanReviewItem(doc)
}

// DecideReview keeps a decision on an open item and stores the alias it
// teaches, in one transaction.
func (s *Store) DecideReview(ctx context.Context, importID string, row int, d guccho.ReviewDecision, alias *guccho.Alias) (*guccho.ReviewItem, error) {
	var it *guccho.ReviewItem
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if it, err = findReviewItem(ctx, tx, importID, row); err != nil {
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
		_, err = tx.ExecContext(ctx, `UPDATE import_review SET status = ?, doc = ? WHERE import_id = ? AND row = ?`, it.Status, string(doc), importID, row)
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// putAlias stores an alias unless an equal one is stored, and returns its
// id (0 for one skipped as equal when row > 0). Another unit under the same
// level, parent and name is an ECONFLICT naming the row (when row > 0).
func putAlias(ctx context.Context, tx execer, a *guccho.Alias, row int) (int64, error) {
	var id int64
	var pcode string
	err := tx.QueryRowContext(ctx, `SELECT id, pcode FROM geocode_aliases WHERE level = ? AND within = ? AND name = ?`, a.Level, a.Within, a.Name).Scan(&id, &pcode)
	switch {
	case err == nil && pcode == a.PCode:
		a.ID = id
		if row > 0 {
			return 0, nil
		}
		return id, nil
	case err == nil:
		return 0, aliasConflict(a, pcode, row)
	case !errors.Is(err, sql.ErrNoRows):
		return 0, sqlErr(err, "reading aliases")
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO geocode_aliases (level, within, name, pcode, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.Level, a.Within, a.Name, a.PCode, a.CreatedBy, a.CreatedAt.UTC().Format(timeFormat))
	if err != nil {
		return 0, sqlErr(err, "storing alias %q", a.Name)
	}
	a.ID, _ = res.LastInsertId()
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
	rows, err := s.db.QueryContext(ctx, `SELECT id, level, within, name, pcode, created_by, created_at FROM geocode_aliases
		ORDER BY CASE level WHEN 'division' THEN 1 WHEN 'district' THEN 2 WHEN 'upazila' THEN 3 ELSE 4 END, within, name`)
	if err != nil {
		return nil, sqlErr(err, "reading aliases")
	}
	defer rows.Close()
	out := []*guccho.Alias{}
	for rows.Next() {
		var a guccho.Alias
		var at string
		if err := rows.Scan(&a.ID, &a.Level, &a.Within, &a.Name, &a.PCode, &a.CreatedBy, &at); err != nil {
			return nil, sqlErr(err, "reading aliases")
		}
		a.CreatedAt, _ = time.Parse(timeFormat, at)
		out = append(out, &a)
	}
	return out, sqlErr(rows.Err(), "reading aliases")
}

// ImportAliases stores aliases, all or none.
func (s *Store) ImportAliases(ctx context.Context, aliases []guccho.Alias) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
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
	return n, err
}

// DeleteAlias removes an alias, or answers ENOTFOUND.
func (s *Store) DeleteAlias(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM geocode_aliases WHERE id = ?`, id)
	if err != nil {
		return sqlErr(err, "removing alias %d", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return guccho.Errorf(guccho.ENOTFOUND, "no alias %d", id)
	}
	return nil
}

// AliasesVersion changes whenever aliases are added or removed: ids are
// never reused (AUTOINCREMENT), so the count and the greatest id tell.
func (s *Store) AliasesVersion(ctx context.Context) (string, error) {
	var n, maxID int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM geocode_aliases`).Scan(&n, &maxID)
	if err != nil {
		return "", sqlErr(err, "reading aliases")
	}
	return strconv.FormatInt(n, 10) + "." + strconv.FormatInt(maxID, 10), nil
}
