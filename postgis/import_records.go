package postgis

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
)

// The records of imports: their reports and failed rows.

// CreateImport records a running import, in its loading phase: none of
// its rows is in the count pyramid yet.
func (s *Store) CreateImport(ctx context.Context, imp *guccho.Import) error {
	doc, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO guccho.imports (id, status, started_at, doc, pyramid) VALUES ($1, $2, $3, $4::jsonb, 'loading')`,
		imp.ID, imp.Status, imp.StartedAt, string(doc))
	return dbErr(err, "record import")
}

// FinishImport records the outcome of an import that did not commit.
func (s *Store) FinishImport(ctx context.Context, imp *guccho.Import) error {
	doc, err := json.Marshal(imp)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE guccho.imports SET status = $2, doc = $3::jsonb WHERE id = $1`, imp.ID, imp.Status, string(doc))
	return dbErr(err, "record import")
}

// FindImportByID returns an import's record, or ENOTFOUND.
func (s *Store) FindImportByID(ctx context.Context, id string) (*guccho.Import, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM guccho.imports WHERE id = $1`, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no import %q", id)
	}
	if err != nil {
		return nil, dbErr(err, "read import")
	}
	var imp guccho.Import
	if err := json.Unmarshal(doc, &imp); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "import %s: stored record is not JSON", id)
	}
	return &imp, nil
}

// FindImports returns every import, newest first.
func (s *Store) FindImports(ctx context.Context) ([]*guccho.Import, error) {
	rows, err := s.pool.Query(ctx, `SELECT doc FROM guccho.imports ORDER BY started_at DESC, id`)
	if err != nil {
		return nil, dbErr(err, "read imports")
	}
	defer rows.Close()
	var out []*guccho.Import
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, dbErr(err, "read imports")
		}
		var imp guccho.Import
		if err := json.Unmarshal(doc, &imp); err != nil {
			return nil, guccho.WrapError(err, guccho.EINTERNAL, "stored import is not JSON")
		}
		out = append(out, &imp)
	}
	return out, dbErr(rows.Err(), "read imports")
}

// FindImportFailures streams an import's failed rows in row order.
func (s *Store) FindImportFailures(ctx context.Context, importID string, fn func(guccho.RowError) error) error {
	rows, err := s.pool.Query(ctx, `SELECT row, field, reason, cells FROM guccho.import_failures WHERE import_id = $1 ORDER BY row, seq`, importID)
	if err != nil {
		return dbErr(err, "read import failures")
	}
	defer rows.Close()
	for rows.Next() {
		var re guccho.RowError
		var cells []byte
		if err := rows.Scan(&re.Row, &re.Field, &re.Reason, &cells); err != nil {
			return dbErr(err, "read import failures")
		}
		json.Unmarshal(cells, &re.Values)
		if err := fn(re); err != nil {
			return err
		}
	}
	return dbErr(rows.Err(), "read import failures")
}
