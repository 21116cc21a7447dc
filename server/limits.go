package server

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guccho/guccho"
)

// Limits of the HTTP interface. The limits on enterprise text and filter
// values are guccho's (guccho.MaxNameBytes, guccho.MaxFilterValues, …);
// the upload limit is Config.MaxUploadBytes (--max-upload-mb).
const (
	// bodyIdleTimeout is how long a request body may send nothing before
	// the connection is closed. Headers have their own deadline
	// (ReadHeaderTimeout, set where the http.Server is made).
	bodyIdleTimeout = 30 * time.Second
	// maxJSONBody is the largest JSON request body (an enterprise).
	maxJSONBody = 1 << 20
)

// limitBodyIdle closes the connection of a request whose body stalls for
// longer than idle. Without it a client that announces a body and never
// sends it holds its connection (and a file handle) forever, since net/http
// reads an unread body after the handler returns and only headers have a
// deadline. The deadline moves on with every read, so a large upload that
// keeps arriving is never cut. Requests without a body (including
// websocket upgrades) are left alone.
func limitBodyIdle(idle time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			rc := http.NewResponseController(w)
			if err := rc.SetReadDeadline(time.Now().Add(idle)); err != nil {
				next.ServeHTTP(w, r)
				return
			}
			r.Body = &idleBody{ReadCloser: r.Body, rc: rc, idle: idle}
			next.ServeHTTP(w, r)
		})
	}
}

// idleBody moves the connection's read deadline on before every read.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.rc.SetReadDeadline(time.Now().Add(b.idle))
	return b.ReadCloser.Read(p)
}

// securityHeaders sets headers that keep browsers from sniffing content
// types, framing the app or loading scripts from elsewhere. The app loads
// only its own scripts; MapLibre needs blob: workers, data:/blob: images and
// inline styles; a configured basemap may fetch tiles, glyphs and sprites
// from any https origin.
func securityHeaders(basemap bool) func(http.Handler) http.Handler {
	connect := "'self' ws: wss:"
	img := "'self' data: blob:"
	if basemap {
		connect += " https:"
		img += " https:"
	}
	csp := "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; " +
		"style-src 'self' 'unsafe-inline'; img-src " + img + "; connect-src " + connect + "; font-src 'self' data:; " +
		"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

// decodeJSON reads one JSON value from a request body of at most
// maxJSONBody bytes into v: unknown fields and anything after the value
// but white space are EINVALID, as is a larger body (ETOOLARGE).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		switch _, err = dec.Token(); err {
		case io.EOF:
			err = nil
		case nil:
			err = errors.New("unexpected data after the JSON value")
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return guccho.Errorf(guccho.ETOOLARGE, "request body: larger than the limit of %d bytes", maxJSONBody)
	}
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "request body: %v", err)
	}
	return nil
}

// listParam splits a comma-separated parameter, dropping blanks and
// repeated values; more than guccho.MaxFilterValues distinct values is
// EINVALID naming the parameter.
func listParam(name, v string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
			if len(out) > guccho.MaxFilterValues {
				return nil, guccho.Errorf(guccho.EINVALID, "parameter %s: more than the limit of %d values", name, guccho.MaxFilterValues)
			}
		}
	}
	return out, nil
}

// finite reports whether every number is neither NaN nor infinite.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
