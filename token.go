package guccho

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// Roles. Reading is open to everyone; every write needs a token of one of
// these roles.
const (
	RoleEditor = "editor" // may import and edit enterprises
	RoleAdmin  = "admin"  // may also create tokens and replace boundaries
)

// Token is an API token. Its secret is shown once, when it is created; stores
// keep only HashSecret of it. ID ("tok_" and 8 random characters) and Name
// are public: records such as an import's CreatedBy name the token by them,
// never by any part of the secret.
type Token struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// CanWrite reports whether the token's role may write data.
func (t *Token) CanWrite() bool { return t != nil && (t.Role == RoleEditor || t.Role == RoleAdmin) }

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateToken stores t (its ID and CreatedAt set by the caller) with the
	// hash of its secret.
	CreateToken(ctx context.Context, t *Token, hash string) error
	// FindTokenByHash returns the token whose secret hashes to hash, or
	// ENOTFOUND.
	FindTokenByHash(ctx context.Context, hash string) (*Token, error)
	CountTokens(ctx context.Context) (int, error)
}

// NewToken makes a token of the given role with a fresh random secret
// ("gct_" and 40 characters) and a public id drawn apart from it, and returns
// it with the secret, which the caller shows once.
func NewToken(role, name string) (*Token, string, error) {
	if role != RoleEditor && role != RoleAdmin {
		return nil, "", Errorf(EINVALID, "role %q: want %s or %s", role, RoleEditor, RoleAdmin)
	}
	b := make([]byte, 25)
	if _, err := rand.Read(b); err != nil {
		return nil, "", err
	}
	pub := make([]byte, 5)
	if _, err := rand.Read(pub); err != nil {
		return nil, "", err
	}
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	secret := "gct_" + strings.ToLower(enc.EncodeToString(b))
	id := "tok_" + strings.ToLower(enc.EncodeToString(pub))
	return &Token{ID: id, Name: name, Role: role, CreatedAt: time.Now().UTC()}, secret, nil
}

// HashSecret is the form in which stores keep a token's secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
