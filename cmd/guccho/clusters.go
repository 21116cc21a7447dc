package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/gpkg"
)

const clustersUsage = `Usage: guccho clusters --method smef|dbscan [--sector S] [--input POINTS.csv|.geojson | --db PATH]
         [--radius-km R --min-units N | --eps-m E --min-points M]
         [-o OUT.geojson|.csv|.gpkg] [--members-out MEMBERS.csv] [--boundaries DIR]

Finds point clusters of enterprises (docs/clusters.md).

  smef    the SME Foundation / National Industrial Policy 2022 rule: at least
          --min-units (50) units of one sector within --radius-km (5) km,
          read as DBSCAN within each sector
  dbscan  DBSCAN on great-circle distance, --eps-m metres (5000) and
          --min-points (50), over all sectors together unless --sector

Points come from --input, a CSV with columns id, lon, lat, sector (also
longitude/latitude, x/y, _gps_longitude/_gps_latitude) or a GeoJSON
FeatureCollection of Points with properties id and sector; without --input,
from the enterprises of the store at --db that have a surveyed GPS point
(display points inside admin units are not locations and are skipped).

Writes one feature per cluster — outline (concave hull, convex as fallback),
id, sector, size, core_count, centre, radius_m, hull and the districts and
upazilas it spans (with --boundaries, or from the store) — as GeoJSON, as
CSV when OUT ends in .csv, or as a GeoPackage (layer "clusters", for QGIS)
when it ends in .gpkg. --members-out writes every point's cluster label
(-1: noise) and core flag.

Flags:
`

func runClusters(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("clusters", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	fs.StringVar(&cfg.Boundaries, "boundaries", cfg.Boundaries, "boundary directory, for the admin units each cluster spans (env GUCCHO_BOUNDARIES)")
	method := fs.String("method", "", "smef or dbscan (required)")
	sector := fs.String("sector", "", "only points of this sector (a catalogue code, e.g. footwear_leather)")
	input := fs.String("input", "", "points file: CSV or GeoJSON (default: the store at --db)")
	radiusKM := fs.Float64("radius-km", 5, "smef: radius in km")
	minUnits := fs.Int("min-units", 50, "smef: least number of same-sector units within the radius")
	epsM := fs.Float64("eps-m", 5000, "dbscan: eps in metres")
	minPoints := fs.Int("min-points", 50, "dbscan: least number of points within eps of a core point, itself included")
	out := fs.String("o", "", "output file: .geojson (default, to standard output), .csv or .gpkg")
	membersOut := fs.String("members-out", "", "write each point's cluster label and core flag to this CSV file")
	fs.Usage = func() { fmt.Fprint(fs.Output(), clustersUsage); fs.PrintDefaults() }
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var eps float64
	var minPts int
	switch *method {
	case "smef":
		if set["eps-m"] || set["min-points"] {
			return fmt.Errorf("%w: --eps-m and --min-points are for --method dbscan; smef takes --radius-km and --min-units", errUsage)
		}
		eps, minPts = *radiusKM*1000, *minUnits
	case "dbscan":
		if set["radius-km"] || set["min-units"] {
			return fmt.Errorf("%w: --radius-km and --min-units are for --method smef; dbscan takes --eps-m and --min-points", errUsage)
		}
		eps, minPts = *epsM, *minPoints
	default:
		fs.Usage()
		return fmt.Errorf("%w: --method %q: want smef or dbscan", errUsage, *method)
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: clusters takes flags only (the points file is --input)", errUsage)
	}
	format := "geojson"
	switch ext := strings.ToLower(filepath.Ext(*out)); ext {
	case "", ".geojson", ".json":
	case ".csv":
		format = "csv"
	case ".gpkg":
		format = "gpkg"
	default:
		return guccho.Errorf(guccho.EINVALID, "-o %s: unknown format %q; want .geojson, .csv or .gpkg", *out, ext)
	}

	start := time.Now()
	var points []cluster.Point
	var atlas *geo.Atlas
	if *input != "" {
		if points, err = readPoints(*input); err != nil {
			return err
		}
		if cfg.Boundaries != "" {
			if atlas, err = loadAtlas(ctx, cfg, env); err != nil {
				return err
			}
		}
	} else {
		if points, atlas, err = storePoints(ctx, cfg, env, *sector); err != nil {
			return err
		}
	}
	if *sector != "" {
		kept := points[:0]
		for _, p := range points {
			if p.Sector == *sector {
				kept = append(kept, p)
			}
		}
		points = kept
	}
	read := time.Since(start)

	start = time.Now()
	var res cluster.Result
	if *method == "smef" {
		res, err = cluster.SMEF(points, eps, minPts)
	} else {
		res, err = cluster.DBSCAN(points, eps, minPts)
	}
	if err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "clustering %s", sourceName(*input, cfg.DB))
	}
	took := time.Since(start)
	profiles := make([]cluster.Profile, len(res.Clusters))
	var locator cluster.Locator
	if atlas != nil {
		locator = atlas
	}
	for i, c := range res.Clusters {
		profiles[i] = cluster.Describe(points, c, eps, locator)
	}
	fmt.Fprintf(env.Stderr, "%d points, %d clusters (%s, %g m, %d points; read in %s, clustered in %s, described in %s)\n",
		len(points), len(res.Clusters), *method, eps, minPts, read.Round(time.Millisecond), took.Round(time.Millisecond),
		(time.Since(start) - took).Round(time.Millisecond))

	if format == "gpkg" {
		err = writeClustersGPKG(ctx, *out, profiles, *method, eps, minPts)
	} else {
		err = writeTo(*out, env.Stdout, func(w io.Writer) error {
			if format == "csv" {
				return writeClustersCSV(w, profiles)
			}
			return writeClustersGeoJSON(w, profiles, *method, eps, minPts)
		})
	}
	if err != nil {
		return err
	}
	if *membersOut != "" {
		return writeTo(*membersOut, nil, func(w io.Writer) error { return writeMembers(w, points, res) })
	}
	return nil
}

func sourceName(input, db string) string {
	if input != "" {
		return input
	}
	return redact(db)
}

// writeTo runs write on the file path, or on stdout when path is "".
func writeTo(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %v", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// storePoints reads the enterprises with a surveyed GPS point from the
// store, and the store's boundaries for the admin units.
func storePoints(ctx context.Context, cfg Config, env Env, sector string) ([]cluster.Point, *geo.Atlas, error) {
	log := env.Stderr
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	var f guccho.EnterpriseFilter
	if sector != "" {
		f.Sectors = []string{sector}
	}
	var points []cluster.Point
	skipped := 0
	err = s.FindEnterprises(ctx, f, func(e *guccho.Enterprise) error {
		if e.GPS == nil {
			skipped++
			return nil
		}
		points = append(points, cluster.Point{ID: e.ID, Lon: e.GPS[0], Lat: e.GPS[1], Sector: e.Sector})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if skipped > 0 {
		fmt.Fprintf(log, "%d enterprises without a surveyed GPS point skipped\n", skipped)
	}
	var atlas *geo.Atlas
	if cfg.Boundaries != "" {
		atlas, err = loadAtlas(ctx, cfg, env)
	} else if units, uerr := s.FindUnits(ctx, geo.UnitFilter{WithGeometry: true}); uerr != nil {
		err = uerr
	} else if len(units) > 0 {
		atlas = geo.NewAtlas(units)
	}
	return points, atlas, err
}

// readPoints reads a points file: CSV or GeoJSON, by extension.
func readPoints(path string) ([]cluster.Point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "--input: %v", err)
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return readPointsCSV(f, path)
	case ".geojson", ".json":
		return readPointsGeoJSON(f, path)
	}
	return nil, guccho.Errorf(guccho.EINVALID, "--input %s: want a .csv or .geojson file", path)
}

// pointColumns are the header names accepted for each field, lower case.
var pointColumns = map[string][]string{
	"id":     {"id", "_id"},
	"lon":    {"lon", "longitude", "lng", "x", "_gps_longitude"},
	"lat":    {"lat", "latitude", "y", "_gps_latitude"},
	"sector": {"sector"},
}

func readPointsCSV(r io.Reader, name string) ([]cluster.Point, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: reading the header: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for field, names := range pointColumns {
			for _, n := range names {
				if _, seen := col[field]; h == n && !seen {
					col[field] = i
				}
			}
		}
	}
	for _, field := range []string{"id", "lon", "lat"} {
		if _, ok := col[field]; !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: no %s column (one of %s)", name, field, strings.Join(pointColumns[field], ", "))
		}
	}
	var points []cluster.Point
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return points, nil
		}
		if err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: %v", name, err)
		}
		get := func(field string) string {
			if i, ok := col[field]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		var p cluster.Point
		p.ID, p.Sector = get("id"), get("sector")
		for _, c := range []struct {
			field string
			dst   *float64
		}{{"lon", &p.Lon}, {"lat", &p.Lat}} {
			v, err := strconv.ParseFloat(get(c.field), 64)
			if err != nil {
				return nil, guccho.Errorf(guccho.EINVALID, "%s: row %d, column %s: %q is not a number", name, row, header[col[c.field]], get(c.field))
			}
			*c.dst = v
		}
		if err := geo.CheckLonLat(orb.Point{p.Lon, p.Lat}); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: row %d: %s", name, row, guccho.ErrorMessage(err))
		}
		points = append(points, p)
	}
}

func readPointsGeoJSON(r io.Reader, name string) ([]cluster.Point, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: not a GeoJSON FeatureCollection: %v", name, err)
	}
	points := make([]cluster.Point, 0, len(fc.Features))
	for i, f := range fc.Features {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: feature %d: geometry is not a Point", name, i)
		}
		if err := geo.CheckLonLat(pt); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: feature %d: %s", name, i, guccho.ErrorMessage(err))
		}
		id := f.Properties.MustString("id", "")
		if id == "" && f.ID != nil {
			id = fmt.Sprint(f.ID)
		}
		points = append(points, cluster.Point{ID: id, Lon: pt[0], Lat: pt[1], Sector: f.Properties.MustString("sector", "")})
	}
	return points, nil
}

// unitsProperty lists the units a cluster spans for output.
func unitsProperty(p cluster.Profile) []map[string]any {
	out := make([]map[string]any, 0, len(p.Units))
	for _, u := range p.Units {
		out = append(out, map[string]any{"pcode": u.PCode, "level": u.Level.String(), "count": u.Count})
	}
	return out
}

func hullName(p cluster.Profile) string {
	if p.Concave {
		return "concave"
	}
	return "convex"
}

func writeClustersGeoJSON(w io.Writer, profiles []cluster.Profile, method string, eps float64, minPts int) error {
	fc := geojson.NewFeatureCollection()
	for _, p := range profiles {
		f := geojson.NewFeature(p.Outline)
		f.ID = p.ID
		f.Properties = geojson.Properties{
			"id": p.ID, "sector": p.Sector, "size": len(p.Members), "core_count": p.Cores,
			"centre": []float64{round6(p.Centre[0]), round6(p.Centre[1])}, "radius_m": int(p.RadiusM + 0.5),
			"hull": hullName(p), "units": unitsProperty(p), "method": method, "eps_m": eps, "min_points": minPts,
		}
		fc.Append(f)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(fc)
}

// round6 rounds degrees to 6 decimals, about 0.1 m.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// unitsText lists the units a cluster spans as "pcode:count …".
func unitsText(p cluster.Profile) string {
	units := make([]string, 0, len(p.Units))
	for _, u := range p.Units {
		units = append(units, fmt.Sprintf("%s:%d", u.PCode, u.Count))
	}
	return strings.Join(units, " ")
}

func writeClustersCSV(w io.Writer, profiles []cluster.Profile) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "sector", "size", "core_count", "centre_lon", "centre_lat", "radius_m", "hull", "units"})
	for _, p := range profiles {
		cw.Write([]string{strconv.Itoa(p.ID), p.Sector, strconv.Itoa(len(p.Members)), strconv.Itoa(p.Cores),
			strconv.FormatFloat(round6(p.Centre[0]), 'f', -1, 64), strconv.FormatFloat(round6(p.Centre[1]), 'f', -1, 64),
			strconv.Itoa(int(p.RadiusM + 0.5)), hullName(p), unitsText(p)})
	}
	cw.Flush()
	return cw.Error()
}

// clusterFields are the columns of the GeoPackage's clusters layer: the
// CSV's, and the parameters the GeoJSON carries on every feature.
var clusterFields = []gpkg.Field{
	{Name: "id", Type: gpkg.Integer}, {Name: "sector", Type: gpkg.Text}, {Name: "size", Type: gpkg.Integer},
	{Name: "core_count", Type: gpkg.Integer}, {Name: "centre_lon", Type: gpkg.Real}, {Name: "centre_lat", Type: gpkg.Real},
	{Name: "radius_m", Type: gpkg.Integer}, {Name: "hull", Type: gpkg.Text}, {Name: "units", Type: gpkg.Text},
	{Name: "method", Type: gpkg.Text}, {Name: "eps_m", Type: gpkg.Real}, {Name: "min_points", Type: gpkg.Integer},
}

// writeClustersGPKG writes the clusters to a GeoPackage at path: one layer,
// "clusters", of outlines.
func writeClustersGPKG(ctx context.Context, path string, profiles []cluster.Profile, method string, eps float64, minPts int) error {
	w, err := gpkg.Create(ctx, path)
	if err != nil {
		return err
	}
	defer w.Discard()
	l, err := w.AddLayer(gpkg.Schema{Name: "clusters", Geometry: gpkg.Polygon, Fields: clusterFields,
		Description: fmt.Sprintf("guccho clusters --method %s: %g m, %d points; outlines of the clusters", method, eps, minPts)})
	if err != nil {
		return err
	}
	for _, p := range profiles {
		if err := l.Add(p.Outline, p.ID, p.Sector, len(p.Members), p.Cores, round6(p.Centre[0]), round6(p.Centre[1]),
			int(p.RadiusM+0.5), hullName(p), unitsText(p), method, eps, minPts); err != nil {
			return err
		}
	}
	return w.Close()
}

func writeMembers(w io.Writer, points []cluster.Point, res cluster.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "lon", "lat", "sector", "cluster", "core"})
	for i, p := range points {
		cw.Write([]string{p.ID, strconv.FormatFloat(p.Lon, 'f', -1, 64), strconv.FormatFloat(p.Lat, 'f', -1, 64), p.Sector,
			strconv.Itoa(res.Labels[i]), strconv.FormatBool(res.Core[i])})
	}
	cw.Flush()
	return cw.Error()
}
