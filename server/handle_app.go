package server

import (
	"context"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
)

// handleHealth answers GET /healthz: 200 with the store's unit counts when
// the store answers, 503 with the reason when it does not.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	body := map[string]any{"store": s.cfg.StoreName}
	if s.cfg.Ping != nil {
		if err := s.cfg.Ping(ctx); err != nil {
			body["status"] = "unavailable"
			body["error"] = guccho.ErrorMessage(err)
			writeJSON(w, http.StatusServiceUnavailable, body)
			return
		}
	}
	counts, err := s.cfg.Geo.CountUnits(ctx)
	if err != nil {
		body["status"] = "unavailable"
		body["error"] = guccho.ErrorMessage(err)
		writeJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	units := map[string]int{}
	for l, n := range counts {
		units[geo.Level(l).String()] = n
	}
	body["status"] = "ok"
	body["units"] = units
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, body)
}

// handleConfig answers GET /api/config: what the web app needs to know about
// this deployment.
func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request) {
	layers := make([]string, 0, len(s.cfg.Layers))
	for _, l := range s.cfg.Layers {
		layers = append(layers, l.Name)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"basemap_style_url": s.cfg.BasemapStyleURL,
		"attribution":       attribution,
		// The whole credit line the boundaries' licences ask for, which
		// exports print (the map's attribution above is its short form).
		"boundaries_attribution": data.BoundariesAttribution,
		"layers":                 layers,
		"store":                  s.cfg.StoreName,
	})
}

// attribution credits the boundary data, as its licence asks.
const attribution = "Administrative boundaries: BBS and OCHA ROAP, COD-AB (CC BY 3.0 IGO); Bangla names: nuhil/bangladesh-geocode (MIT)"

// notBuilt is served at / when the binary was built without the web app.
const notBuilt = `<!doctype html><meta charset="utf-8"><title>Guccho</title>
<h1>Guccho</h1><p>The web app was not built into this binary. Run <code>make build</code>
(or <code>cd static &amp;&amp; npm ci &amp;&amp; npm run build</code>, then rebuild) and start it again.
The API and tiles work: try <a href="/api/geocode?q=Dhaka">/api/geocode?q=Dhaka</a>.</p>`

// appHandler serves the built web app: files by path, index.html for / and
// for any other path without a file extension (client-side routes). Hashed
// assets are cached for a year; index.html is revalidated every time.
func (s *Server) appHandler() http.Handler {
	if s.cfg.App == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(notBuilt))
		})
	}
	files := http.FileServerFS(s.cfg.App)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p == "" || p == "index.html" {
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, s.cfg.App, "index.html")
			return
		}
		if _, err := fs.Stat(s.cfg.App, p); err != nil {
			if !strings.Contains(p[strings.LastIndex(p, "/")+1:], ".") {
				w.Header().Set("Cache-Control", "no-cache")
				http.ServeFileFS(w, r, s.cfg.App, "index.html")
				return
			}
			writeErrorCode(w, r, http.StatusNotFound, guccho.ENOTFOUND, "no file "+r.URL.Path)
			return
		}
		if strings.HasPrefix(p, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	})
}
