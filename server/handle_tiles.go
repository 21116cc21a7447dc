package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/tiles"
)

func (s *Server) layer(name string) (tiles.Layer, error) {
	l, ok := s.layers[name]
	if !ok {
		names := make([]string, 0, len(s.cfg.Layers))
		for _, l := range s.cfg.Layers {
			names = append(names, l.Name)
		}
		return tiles.Layer{}, guccho.Errorf(guccho.ENOTFOUND, "no tile layer %q (layers: %s)", name, strings.Join(names, ", "))
	}
	return l, nil
}

// baseURL is the scheme and host the client used, honouring the usual
// reverse-proxy headers.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	return scheme + "://" + host
}

// dataBound is the extent of the stored divisions, or Bangladesh's extent
// when nothing is stored yet.
func (s *Server) dataBound(r *http.Request) orb.Bound {
	l := geo.Division
	divs, err := s.cfg.Geo.FindUnits(r.Context(), geo.UnitFilter{Level: &l})
	if err != nil || len(divs) == 0 {
		return geo.Extent
	}
	b := divs[0].Bound
	for _, d := range divs[1:] {
		b = b.Union(d.Bound)
	}
	return b
}

// handleTileJSON answers GET /tiles/{layer}.json with a TileJSON 3.0 document
// whose tile URLs carry the current data version, so browsers may cache
// tiles for long and still never show stale data after a change.
func (s *Server) handleTileJSON(w http.ResponseWriter, r *http.Request) {
	l, err := s.layer(mux.Vars(r)["layer"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u := baseURL(r) + "/tiles/" + url.PathEscape(l.Name) + "/{z}/{x}/{y}.mvt"
	if v := s.cfg.DataVersion(l.Name); v != "" {
		u += "?v=" + url.QueryEscape(v)
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, tiles.NewTileJSON(l, u, s.dataBound(r)))
}

// handleTile answers GET /tiles/{layer}/{z}/{x}/{y}.mvt. Tiles are encoded
// once per data version and kept gzipped in the cache; clients that accept
// gzip get the cached bytes as they are. Empty tiles answer 204. ETags allow
// 304 answers; a request whose ?v= matches the current data version may be
// cached by the browser for a day.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	l, err := s.layer(vars["layer"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := tiles.ParseTile(vars["z"], vars["x"], vars["y"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version := s.cfg.DataVersion(l.Name)
	// With live updates, enterprise tiles are dropped from the cache one by
	// one as events arrive, rather than all at once by a new version.
	live := l.Name == tiles.EnterpriseLayer.Name && s.hub != nil
	if live {
		version = "live"
	}
	req := tiles.Request{Layer: l.Name, Tile: t}
	if l.Name == tiles.EnterpriseLayer.Name && s.cfg.Sectors != nil {
		if req.Sectors, err = s.sectorsParam(r); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	key := tiles.Key{Layer: l.Name, Tile: t, Version: version, Filter: req.Filter()}
	entry, err := s.cache.GetOrLoad(r.Context(), key, func(ctx context.Context) ([]byte, error) {
		return s.cfg.Tiles.Tile(ctx, req) // ctx: the shared load's, not this request's
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("ETag", entry.ETag)
	h.Add("Vary", "Accept-Encoding")
	switch v := r.URL.Query().Get("v"); {
	case live:
		h.Set("Cache-Control", "no-cache") // revalidate: ETags make it cheap
	case v != "" && v == version:
		h.Set("Cache-Control", "public, max-age=86400, immutable")
	default:
		h.Set("Cache-Control", "public, max-age=60, stale-while-revalidate=300")
	}
	if etagMatches(r.Header.Get("If-None-Match"), entry.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if entry.Empty() {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	body := entry.Body
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			s.writeError(w, r, guccho.WrapError(err, guccho.EINTERNAL, "decompress cached tile"))
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// acceptsGzip reports whether the client lists gzip in Accept-Encoding
// without refusing it (q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(fields[0]), "gzip") || strings.TrimSpace(fields[0]) == "*" {
			for _, p := range fields[1:] {
				if q := strings.TrimSpace(p); q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
					return false
				}
			}
			return true
		}
	}
	return false
}

// etagMatches implements If-None-Match: a list of tags or "*".
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
