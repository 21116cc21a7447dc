package server

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// clusterParams are the parameters of GET /api/clusters, defaults filled.
type clusterParams struct {
	Method    string   `json:"method"`
	Sector    string   `json:"sector"` // "" for every sector
	RadiusKM  *float64 `json:"radius_km,omitempty"`
	MinUnits  *int     `json:"min_units,omitempty"`
	EpsM      *float64 `json:"eps_m,omitempty"`
	MinPoints *int     `json:"min_points,omitempty"`
	Format    string   `json:"format"`
}

// eps returns the clustering distance in metres and the least number of
// points.
func (p clusterParams) eps() (float64, int) {
	if p.Method == "smef" {
		return *p.RadiusKM * 1000, *p.MinUnits
	}
	return *p.EpsM, *p.MinPoints
}

// sectorParam reads the sector parameter: a code, name or alias of the
// catalogue, returned as its code; "" when absent.
func (s *Server) sectorParam(q url.Values) (string, error) {
	v := q.Get("sector")
	if v == "" || s.cfg.Sectors == nil {
		return v, nil
	}
	sec, ok := s.cfg.Sectors.Lookup(v)
	if !ok {
		return "", badParam("sector", "%q is not in the sector catalogue (GET /api/sectors)", v)
	}
	return sec.Code, nil
}

// onlyParams returns an error naming the first parameter of q not in
// allowed.
func onlyParams(q url.Values, what string, allowed ...string) error {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			return badParam(name, "unknown for %s (use %s)", what, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// boundedParam reads a number in (lo, hi], or def when absent.
func boundedParam(q url.Values, name string, def, lo, hi float64, want string) (float64, error) {
	if !q.Has(name) {
		return def, nil
	}
	v, err := strconv.ParseFloat(q.Get(name), 64)
	if err != nil || !(v > lo && v <= hi) {
		return 0, badParam(name, "%q: want %s", q.Get(name), want)
	}
	return v, nil
}

// intParam reads a whole number ≥ 1, or def when absent.
func intParam(q url.Values, name string, def int) (int, error) {
	if !q.Has(name) {
		return def, nil
	}
	v, err := strconv.Atoi(q.Get(name))
	if err != nil || v < 1 {
		return 0, badParam(name, "%q: want a whole number ≥ 1", q.Get(name))
	}
	return v, nil
}

// parseClusterParams reads and checks the query of GET /api/clusters; every
// error is EINVALID and names the parameter.
func (s *Server) parseClusterParams(q url.Values) (clusterParams, error) {
	p := clusterParams{Method: "smef", Format: "geojson"}
	if err := onlyParams(q, "clusters", "sector", "method", "radius_km", "min_units", "eps_m", "min_points", "format"); err != nil {
		return p, err
	}
	var err error
	if p.Sector, err = s.sectorParam(q); err != nil {
		return p, err
	}
	if q.Has("method") {
		p.Method = q.Get("method")
	}
	if q.Has("format") {
		p.Format = q.Get("format")
		if p.Format != "geojson" && p.Format != "csv" && p.Format != "gpkg" {
			return p, badParam("format", "%q: want geojson, csv or gpkg", p.Format)
		}
	}
	switch p.Method {
	case "smef":
		for _, name := range []string{"eps_m", "min_points"} {
			if q.Has(name) {
				return p, badParam(name, "only for method=dbscan; smef takes radius_km and min_units")
			}
		}
		r, err := boundedParam(q, "radius_km", defaultRadiusKM, 0, maxRadiusKM, "a radius in km > 0 and ≤ 50")
		if err != nil {
			return p, err
		}
		n, err := intParam(q, "min_units", defaultMinUnits)
		if err != nil {
			return p, err
		}
		p.RadiusKM, p.MinUnits = &r, &n
	case "dbscan":
		for _, name := range []string{"radius_km", "min_units"} {
			if q.Has(name) {
				return p, badParam(name, "only for method=smef; dbscan takes eps_m and min_points")
			}
		}
		e, err := boundedParam(q, "eps_m", defaultEpsM, 0, maxEpsM, "a distance in metres > 0 and ≤ 50000")
		if err != nil {
			return p, err
		}
		n, err := intParam(q, "min_points", defaultMinPoints)
		if err != nil {
			return p, err
		}
		p.EpsM, p.MinPoints = &e, &n
	default:
		return p, badParam("method", "%q: want smef or dbscan", p.Method)
	}
	return p, nil
}

// key is the cache key of the parameter set.
func (p clusterParams) key() string {
	b, _ := json.Marshal(p)
	return "clusters:" + string(b)
}
