package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/tiles"
)

// labelJSON is one place label in GET /api/labels.
type labelJSON struct {
	PCode   string     `json:"pcode"`
	Level   string     `json:"level"`
	NameEN  string     `json:"name_en"`
	NameBN  string     `json:"name_bn"`
	Point   [2]float64 `json:"point"` // lon, lat
	RoomKM  float64    `json:"room_km"`
	AreaKM2 float64    `json:"area_km2"`
	Rank    int        `json:"rank"`
}

// labelSet is the answer for one level and boundary version, encoded once.
type labelSet struct {
	labels []labelJSON
	gz     []byte // the whole level's JSON, gzipped
	plain  []byte
	etag   string
}

// labelCache keeps each level's labels for one boundary version; a new
// version drops them. Safe for concurrent use.
type labelCache struct {
	mu      sync.Mutex
	version string
	levels  map[geo.Level]*labelSet
}

// labelLevels are the levels GET /api/labels serves.
var labelLevels = map[string]geo.Level{"division": geo.Division, "district": geo.District, "upazila": geo.Upazila, "union": geo.Union}

// handleLabels answers GET /api/labels?level=division|district|upazila|union
// [&bbox=west,south,east,north][&v=version]: where the map writes the names of
// one level's units (each unit's pole of inaccessibility, geo.Labels), with
// both names, the room around the point in km, area and rank, best rank
// first. The labels are computed once per boundary version; an answer whose
// v matches the current version may be cached for good (immutable), others
// are revalidated with their ETag.
func (s *Server) handleLabels(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for name := range q {
		if name != "level" && name != "bbox" && name != "v" {
			s.writeError(w, r, badParam(name, "unknown for labels (use level, bbox or v)"))
			return
		}
	}
	level, ok := labelLevels[q.Get("level")]
	if !ok {
		s.writeError(w, r, badParam("level", "%q is not division, district, upazila or union", q.Get("level")))
		return
	}
	var bound *orb.Bound
	if v := q.Get("bbox"); v != "" {
		b, err := bboxParam(v)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		bound = &b
	}
	version := s.cfg.DataVersion(tiles.AdminLayers[0].Name)
	set, err := s.labelSet(r.Context(), version, level)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	if v := q.Get("v"); v != "" && v == version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", "application/json; charset=utf-8")
	if bound == nil {
		h.Set("ETag", set.etag)
		if etagMatches(r.Header.Get("If-None-Match"), set.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := set.plain
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = set.gz
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	etag := `"` + strings.Trim(set.etag, `"`) + "-" + strings.ReplaceAll(q.Get("bbox"), ",", "_") + `"`
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	in := []labelJSON{}
	for _, l := range set.labels {
		if bound.Contains(orb.Point{l.Point[0], l.Point[1]}) {
			in = append(in, l)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": version, "level": level.String(), "labels": in})
}

// labelSet returns the labels of one level for the boundary version,
// computing and encoding them on first use.
func (s *Server) labelSet(ctx context.Context, version string, level geo.Level) (*labelSet, error) {
	c := &s.labels
	c.mu.Lock()
	if c.version != version || c.levels == nil {
		c.version, c.levels = version, map[geo.Level]*labelSet{}
	}
	if set := c.levels[level]; set != nil {
		c.mu.Unlock()
		return set, nil
	}
	c.mu.Unlock()

	units, err := s.cfg.Geo.FindUnits(ctx, geo.UnitFilter{Level: &level, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	labels := geo.Labels(units)
	out := make([]labelJSON, len(labels))
	for _, l := range labels {
		out[l.Rank-1] = labelJSON{PCode: l.PCode, Level: l.Level.String(), NameEN: l.NameEN, NameBN: l.NameBN,
			Point: [2]float64{round6(l.Point[0]), round6(l.Point[1])}, RoomKM: math.Round(l.RoomKM*1000) / 1000,
			AreaKM2: math.Round(l.AreaKM2*100) / 100, Rank: l.Rank}
	}
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"version": version, "level": level.String(), "labels": out}); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "encode labels")
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(plain.Bytes())
	if err := zw.Close(); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "compress labels")
	}
	sum := sha256.Sum256(plain.Bytes())
	set := &labelSet{labels: out, plain: plain.Bytes(), gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}

	c.mu.Lock()
	defer c.mu.Unlock()
	// Keep it only if the boundaries did not change meanwhile.
	if c.version == version && s.cfg.DataVersion(tiles.AdminLayers[0].Name) == version {
		c.levels[level] = set
	}
	return set, nil
}

// bboxParam parses a bbox parameter: west,south,east,north in degrees.
func bboxParam(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	var n [4]float64
	ok := len(parts) == 4
	for i := 0; ok && i < 4; i++ {
		var err error
		n[i], err = strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		ok = err == nil
	}
	if !ok || !finite(n[:]...) || n[0] > n[2] || n[1] > n[3] || geo.CheckLonLat(orb.Point{n[0], n[1]}) != nil || geo.CheckLonLat(orb.Point{n[2], n[3]}) != nil {
		return orb.Bound{}, guccho.Errorf(guccho.EINVALID, "parameter bbox: %q is not west,south,east,north in degrees", v)
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}
