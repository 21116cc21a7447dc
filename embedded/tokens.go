package embedded

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/guccho/guccho"
)

// CreateToken stores a token with the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, t *guccho.Token, hash string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.ID, t.Name, t.Role, hash, t.CreatedAt.Format(timeFormat))
	return sqlErr(err, "storing token %s", t.ID)
}

// FindTokenByHash returns the token with that secret hash, or ENOTFOUND.
func (s *Store) FindTokenByHash(ctx context.Context, hash string) (*guccho.Token, error) {
	var t guccho.Token
	var created string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, role, created_at FROM tokens WHERE hash = ?`, hash).Scan(&t.ID, &t.Name, &t.Role, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no such token")
	}
	if err != nil {
		return nil, sqlErr(err, "reading tokens")
	}
	t.CreatedAt, _ = time.Parse(timeFormat, created)
	return &t, nil
}

// CountTokens counts the stored tokens.
func (s *Store) CountTokens(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM tokens`).Scan(&n)
	return n, sqlErr(err, "counting tokens")
}

func quote(s string) string { return strconv.Quote(s) }
func itoa(n int) string     { return strconv.Itoa(n) }
