package server

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
)

// checkParamError fails unless err is EINVALID and names a parameter that
// the request may have: one of allowed or one given in q.
func checkParamError(t *testing.T, err error, q url.Values, allowed []string) {
	t.Helper()
	if code := guccho.ErrorCode(err); code != guccho.EINVALID {
		t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
	}
	msg := guccho.ErrorMessage(err)
	allowed = slices.Clone(allowed)
	for name := range q {
		allowed = append(allowed, name)
	}
	for _, name := range allowed {
		if strings.HasPrefix(msg, "parameter "+name+": ") {
			return
		}
	}
	t.Fatalf("the error %q names no parameter of %q", msg, q.Encode())
}

// fuzzServer is a server with the built-in sector catalogue, enough for the
// parsing of queries.
func fuzzServer(f *testing.F) *Server {
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		f.Fatal(err)
	}
	return &Server{cfg: Config{Sectors: sectors}}
}

// checkSector fails unless code is empty or a code of the catalogue.
func checkSector(t *testing.T, s *Server, code string) {
	t.Helper()
	if code == "" {
		return
	}
	if sec, ok := s.cfg.Sectors.Lookup(code); !ok || sec.Code != code {
		t.Fatalf("the sector %q is not a catalogue code", code)
	}
}

// FuzzClusterQuery checks the query of GET /api/clusters: anything is
// either refused with EINVALID naming a parameter, or gives the parameters
// of one method within their bounds (smef: radius_km in (0, 50] and
// min_units ≥ 1; dbscan: eps_m in (0, 50000] and min_points ≥ 1), a known
// format and a catalogue sector.
func FuzzClusterQuery(f *testing.F) {
	f.Add("sector=dairy&radius_km=5&min_units=50&format=csv")
	f.Add("method=dbscan&eps_m=250&min_points=3&format=gpkg")
	f.Add("method=dbscan&radius_km=NaN")
	f.Add("radius_km=50.0000001&min_units=0x10")
	s := fuzzServer(f)
	allowed := []string{"sector", "method", "radius_km", "min_units", "eps_m", "min_points", "format"}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return // the router's query parsing, not ours
		}
		p, err := s.parseClusterParams(q)
		if err != nil {
			checkParamError(t, err, q, allowed)
			return
		}
		switch p.Method {
		case "smef":
			if p.RadiusKM == nil || p.MinUnits == nil || p.EpsM != nil || p.MinPoints != nil ||
				!(*p.RadiusKM > 0 && *p.RadiusKM <= maxRadiusKM) || *p.MinUnits < 1 {
				t.Fatalf("%q gives smef parameters %+v", query, p)
			}
		case "dbscan":
			if p.EpsM == nil || p.MinPoints == nil || p.RadiusKM != nil || p.MinUnits != nil ||
				!(*p.EpsM > 0 && *p.EpsM <= maxEpsM) || *p.MinPoints < 1 {
				t.Fatalf("%q gives dbscan parameters %+v", query, p)
			}
		default:
			t.Fatalf("%q gives the method %q", query, p.Method)
		}
		if eps, n := p.eps(); !(eps > 0 && eps <= maxEpsM) || n < 1 {
			t.Fatalf("%q clusters within %g m from %d points", query, eps, n)
		}
		if !slices.Contains([]string{"geojson", "csv", "gpkg"}, p.Format) {
			t.Fatalf("%q gives the format %q", query, p.Format)
		}
		checkSector(t, s, p.Sector)
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("%q gives parameters without a cache key: %v", query, err)
		}
	})
}

// FuzzStatsQuery checks the query of GET /api/stats/{lq,moran,local-moran,
// hotspots}: anything is either refused with EINVALID naming a parameter, or
// gives parameters within their bounds: a known measure and level, a
// catalogue sector (required for lq), a finite min_count ≥ 0 (lq), known
// weights with k ≥ 1 (knn) or a finite band_km > 0 (distance) and neither
// otherwise, transform r or b, permutations 0 to 99,999, alpha in (0, 1)
// (none for moran), star only for hotspots, and a cache key.
func FuzzStatsQuery(f *testing.F) {
	f.Add(uint8(0), "sector=dairy&level=union&min_count=1")
	f.Add(uint8(1), "sector=dairy&weights=knn&k=4&transform=b&permutations=99999&seed=7")
	f.Add(uint8(2), "weights=distance&band_km=12.5&fdr=true&alpha=0.01&measure=jobs&level=district")
	f.Add(uint8(3), "weights=queen&star=false&permutations=0")
	f.Add(uint8(0), "sector=dairy&min_count=NaN")
	f.Add(uint8(3), "weights=distance&band_km=Inf")
	s := fuzzServer(f)
	statistics := []string{"lq", "moran", "local-moran", "hotspots"}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		statistic := statistics[int(which)%len(statistics)]
		q, err := url.ParseQuery(query)
		if err != nil {
			return // the router's query parsing, not ours
		}
		p, err := s.parseStatsParams(statistic, q)
		if err != nil {
			checkParamError(t, err, q, statsParamNames[statistic])
			return
		}
		bad := func(what string) {
			t.Helper()
			t.Fatalf("%s?%s: %s in %+v", statistic, query, what, p)
		}
		if p.Statistic != statistic {
			bad("another statistic")
		}
		if p.Measure != "count" && p.Measure != "jobs" {
			bad("the measure")
		}
		if l, err := geo.ParseLevel(p.Level); err != nil || l != p.level || l < geo.District {
			bad("the level")
		}
		checkSector(t, s, p.Sector)
		if statistic == "lq" {
			if p.Sector == "" || !(p.MinCount >= 0) || !finite(p.MinCount) || p.Permutations != 0 || p.Weights != "" {
				bad("lq parameters")
			}
		} else {
			switch p.Weights {
			case "queen", "rook":
				if p.K != 0 || p.BandKM != 0 {
					bad("k or band_km for contiguity")
				}
			case "knn":
				if p.K < 1 || p.BandKM != 0 {
					bad("knn parameters")
				}
			case "distance":
				if !(p.BandKM > 0) || !finite(p.BandKM) || p.K != 0 {
					bad("distance parameters")
				}
			default:
				bad("the weights")
			}
			if p.Transform != "r" && p.Transform != "b" {
				bad("the transform")
			}
			if p.Permutations < 0 || p.Permutations > maxPermutations {
				bad("the permutations")
			}
			if statistic == "moran" {
				if p.Alpha != 0 {
					bad("alpha for moran")
				}
			} else if !(p.Alpha > 0 && p.Alpha < 1) {
				bad("alpha")
			}
		}
		if (p.Star != nil) != (statistic == "hotspots") {
			bad("star")
		}
		if _, err := json.Marshal(p); err != nil {
			bad("no cache key (" + err.Error() + ")")
		}
	})
}
