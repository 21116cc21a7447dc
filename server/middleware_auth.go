package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/guccho/guccho"
)

type tokenKey struct{}

// tokenFrom returns the request's verified token, or nil for an anonymous
// request.
func tokenFrom(ctx context.Context) *guccho.Token {
	t, _ := ctx.Value(tokenKey{}).(*guccho.Token)
	return t
}

// authenticate verifies an "Authorization: Bearer <token>" header (the
// scheme in any case) when one is sent and puts the token in the request's
// context. Reading needs no token, but a token that is sent must be valid:
// a wrong one answers 401 so that a client notices at once.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" || s.cfg.Tokens == nil {
			next.ServeHTTP(w, r)
			return
		}
		scheme, secret, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" { // schemes ignore case (RFC 9110)
			s.writeError(w, r, guccho.Errorf(guccho.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\""))
			return
		}
		t, err := s.cfg.Tokens.FindTokenByHash(r.Context(), guccho.HashSecret(strings.TrimSpace(secret)))
		if guccho.ErrorCode(err) == guccho.ENOTFOUND {
			s.writeError(w, r, guccho.Errorf(guccho.EUNAUTHORIZED, "unknown or revoked token"))
			return
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, t)))
	})
}

// requireWriter answers 401 to anonymous requests and 403 to tokens whose
// role may not write.
func (s *Server) requireWriter(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := tokenFrom(r.Context())
		if t == nil {
			s.writeError(w, r, guccho.Errorf(guccho.EUNAUTHORIZED, "writing needs an API token with the editor or admin role (Authorization: Bearer <token>)"))
			return
		}
		if !t.CanWrite() {
			s.writeError(w, r, guccho.Errorf(guccho.EFORBIDDEN, "the %s role may not write", t.Role))
			return
		}
		h(w, r)
	}
}

// handleMe answers GET /api/me: the token's role and name, or 401.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	t := tokenFrom(r.Context())
	if t == nil {
		s.writeError(w, r, guccho.Errorf(guccho.EUNAUTHORIZED, "not signed in: send Authorization: Bearer <token>"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": t.ID, "name": t.Name, "role": t.Role})
}
