package postgis

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
)

// CreateToken stores a token with the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, t *guccho.Token, hash string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO guccho.tokens (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.Name, t.Role, hash, t.CreatedAt)
	return dbErr(err, "store token")
}

// FindTokenByHash returns the token with that secret hash, or ENOTFOUND.
func (s *Store) FindTokenByHash(ctx context.Context, hash string) (*guccho.Token, error) {
	var t guccho.Token
	err := s.pool.QueryRow(ctx, `SELECT id, name, role, created_at FROM guccho.tokens WHERE hash = $1`, hash).Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no such token")
	}
	if err != nil {
		return nil, dbErr(err, "read tokens")
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

// CountTokens counts the stored tokens.
func (s *Store) CountTokens(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM guccho.tokens`).Scan(&n)
	return n, dbErr(err, "count tokens")
}
