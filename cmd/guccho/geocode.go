package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/survey"
)

const geocodeUsage = `Usage: guccho geocode IN [-o OUT.csv] [--failures FILE] [--mapping FILE] [--boundaries DIR | --db PATH]

Geocodes a survey file (CSV, XLSX or GeoJSON) without a server and writes it as
CSV with these columns added: adm1..adm4 P-codes and English names, the geocode
method (gps, union, upazila, district, division, none), score and flags, the
map point (lon, lat, display_point: true when it is a point inside the unit, not
a surveyed location), and the row's problems (row_status, row_errors).
Admin-name and GPS columns are found by their headers, or by --mapping.
Boundaries come from --boundaries (env GUCCHO_BOUNDARIES), read without a
store, or, when that is not set, from the store at --db; a store without
boundaries first gets the default set shipped with Guccho. With --db the
store's learnt aliases (guccho aliases) are used too.

Rows with problems are reported as an import reports them. Every input row
gives one output row. A row that cannot be read as intended (more cells than
the header has columns, an empty id) fails: it is not geocoded (method none)
and its row_status is "failed". A value that cannot be read (a GPS "twenty-two")
is left out with a warning and the row is geocoded from the rest: row_status
"warning". row_errors gives the reasons as "column: reason", separated by " | ";
warnings start with "ignored: ". Standard error shows the counts (failed,
with warnings) and the first problems by row (1 = the first data row);
--failures writes all of them as CSV: row, field, reason and the row's cells,
the layout of an import's failed-rows file. The command still succeeds.

Flags:
`

var geocodeColumns = []string{"adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name", "adm3_pcode", "adm3_name",
	"adm4_pcode", "adm4_name", "geocode_method", "geocode_score", "geocode_flags", "lon", "lat", "display_point",
	"row_status", "row_errors"}

// Values of the row_status column of guccho geocode.
const (
	rowOK      = "ok"
	rowWarning = "warning" // a value was left out (survey.Ignored); the row is geocoded from the rest
	rowFailed  = "failed"  // the row is not geocoded
)

// shownRowErrors is how many row problems guccho geocode lists on stderr.
const shownRowErrors = 20

func runGeocode(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("geocode", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	fs.StringVar(&cfg.Boundaries, "boundaries", cfg.Boundaries, "boundary directory, read without a store; default the boundaries of the store at --db (env GUCCHO_BOUNDARIES)")
	out := fs.String("o", "", "output CSV file (default standard output)")
	failuresFile := fs.String("failures", "", "write every row problem to this CSV file (row, field, reason, the row's cells)")
	mappingFile := fs.String("mapping", "", "JSON column mapping")
	fs.Usage = func() { fmt.Fprint(fs.Output(), geocodeUsage); fs.PrintDefaults() }
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: geocode takes one input file", errUsage)
	}
	gc, err := loadGeocoder(ctx, cfg, env)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %v", pos[0], err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	rd, err := survey.Open(f, st.Size(), filepath.Base(pos[0]))
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %s", pos[0], guccho.ErrorMessage(err))
	}
	mapping := survey.DetectMapping(rd.Columns())
	if *mappingFile != "" {
		m, err := readMappingFile(*mappingFile)
		if err != nil {
			return err
		}
		mapping = mapping.Merge(m)
	}
	var w io.Writer = env.Stdout
	if *out != "" {
		of, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer of.Close()
		w = of
	}
	var failures *survey.FailuresWriter
	if *failuresFile != "" {
		ff, err := os.Create(*failuresFile)
		if err != nil {
			return err
		}
		defer ff.Close()
		failures = survey.NewFailuresWriter(ff, rd.Columns())
	}
	var shown []guccho.RowError
	rep, err := geocodeFile(gc, rd, mapping, w, func(re guccho.RowError) error {
		if len(shown) < shownRowErrors {
			shown = append(shown, re)
		}
		if failures == nil {
			return nil
		}
		return failures.Write(re)
	})
	if err != nil {
		return err
	}
	if failures != nil {
		if err := failures.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stderr, "geocoded %d rows:", rep.rows)
	for _, m := range guccho.GeocodeMethods {
		if rep.methods[m] > 0 {
			fmt.Fprintf(env.Stderr, " %s %d", m, rep.methods[m])
		}
	}
	fmt.Fprintf(env.Stderr, "; failed %d, with warnings %d\n", rep.failed, rep.warnings)
	for _, re := range shown {
		fmt.Fprintf(env.Stderr, "  %s\n", rowErrorLine(re))
	}
	if rest := rep.problems - len(shown); rest > 0 {
		fmt.Fprintf(env.Stderr, "  … and %d more", rest)
		if *failuresFile == "" {
			fmt.Fprint(env.Stderr, " (all in the row_errors column; --failures FILE lists them)")
		}
		fmt.Fprintln(env.Stderr)
	}
	return nil
}

// rowErrorLine is a row problem as guccho geocode prints it:
// row 2, column "lat": ignored: latitude "x" is not a number in decimal degrees.
func rowErrorLine(re guccho.RowError) string {
	if re.Field == "" {
		return fmt.Sprintf("row %d: %s", re.Row, re.Reason)
	}
	return fmt.Sprintf("row %d, column %q: %s", re.Row, re.Field, re.Reason)
}

// loadAtlas builds an atlas from --boundaries, or from the store, which
// gets the default set first when it has none.
func loadAtlas(ctx context.Context, cfg Config, env Env) (*geo.Atlas, error) {
	if cfg.Boundaries != "" {
		gc, err := loadGeocoder(ctx, cfg, env)
		if err != nil {
			return nil, err
		}
		return gc.Atlas(), nil
	}
	s, err := openWithBoundaries(ctx, cfg, env)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	units, err := s.FindUnits(ctx, geo.UnitFilter{WithGeometry: true})
	if err != nil {
		return nil, err
	}
	return geo.NewAtlas(units), nil
}

// loadGeocoder builds a geocoder from --boundaries, or from the store,
// which gets the default set first when it has none, with the store's
// learnt aliases (docs/review.md).
func loadGeocoder(ctx context.Context, cfg Config, env Env) (*geo.Geocoder, error) {
	if cfg.Boundaries != "" {
		set, err := boundarySetFor(cfg.Boundaries)
		if err != nil {
			return nil, err
		}
		units, err := geo.ReadBoundaries(set.fsys)
		if err != nil {
			return nil, guccho.WrapError(err, guccho.ErrorCode(err), "reading boundaries from %s", set.name)
		}
		return geo.NewGeocoder(geo.NewAtlas(units)), nil
	}
	s, err := openWithBoundaries(ctx, cfg, env)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	g := &importer.Geocoders{Store: s, Version: s.BoundariesVersion, Aliases: s}
	return g.Get(ctx)
}

// openWithBoundaries opens the store at --db and gives it the default
// boundary set when it has none.
func openWithBoundaries(ctx context.Context, cfg Config, env Env) (store.Store, error) {
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	log, err := cfg.logger(env)
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := ensureBoundaries(ctx, s, "", log, env.Stderr); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// geocodeReport counts what geocodeFile did.
type geocodeReport struct {
	rows     int
	methods  map[string]int // geocode method → rows
	failed   int            // rows not geocoded (row_status failed)
	warnings int            // rows geocoded with a value left out (row_status warning)
	problems int            // row errors, of either kind
}

// geocodeFile writes every row of rd with the geocoding columns added, and
// calls onError with each row error (Row, Field, Reason and the row's
// Values) in row order.
func geocodeFile(gc *geo.Geocoder, rd survey.Reader, mapping survey.Mapping, w io.Writer, onError func(guccho.RowError) error) (geocodeReport, error) {
	// Only the place fields matter here: sector and the rest are not checked.
	place := survey.Mapping{Fields: map[string]string{}, UnknownSector: "other"}
	for _, f := range []string{survey.FieldDivision, survey.FieldDistrict, survey.FieldUpazila, survey.FieldUnion,
		survey.FieldLat, survey.FieldLon, survey.FieldGPS, survey.FieldID} {
		place.Fields[f] = mapping.Fields[f]
	}
	sectors, _ := guccho.ParseSectors([]byte(`{"sectors":[{"code":"other","name_en":"Other"}]}`))
	conv := &survey.Converter{Sectors: sectors, Mapping: place}
	atlas := gc.Atlas()
	in := rd.Columns()
	cw := survey.NewCSVWriter(w, append(append([]string(nil), in...), geocodeColumns...))
	rep := geocodeReport{methods: map[string]int{}}
	name := func(code string) string {
		if u, err := atlas.Unit(code); err == nil {
			return u.DisplayName()
		}
		return ""
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, err
		}
		rep.rows++
		vals := make([]string, 0, len(in)+len(geocodeColumns))
		for _, c := range in {
			vals = append(vals, row.Values[c])
		}
		e, errs := conv.Convert(row)
		status := rowOK
		switch {
		case survey.Failed(errs):
			status = rowFailed
			rep.failed++
		case len(errs) > 0:
			status = rowWarning
			rep.warnings++
		}
		reasons := make([]string, len(errs))
		for i, re := range errs {
			if re.Row == 0 {
				re.Row = row.Number
			}
			re.Values = row.Values
			if reasons[i] = re.Reason; re.Field != "" {
				reasons[i] = re.Field + ": " + re.Reason
			}
			rep.problems++
			if err := onError(re); err != nil {
				return rep, err
			}
		}
		res := geo.GeocodeResult{Geocode: guccho.Geocode{Method: guccho.GeocodeNone}}
		if e != nil {
			res = gc.Geocode(geo.GeocodeInput{ID: e.ID, Stated: e.Stated, GPS: e.GPS})
		}
		rep.methods[res.Geocode.Method]++
		a := res.Admin
		var lon, lat string
		if res.Geocode.Method != guccho.GeocodeNone {
			lon, lat = strconv.FormatFloat(res.Point[0], 'f', 6, 64), strconv.FormatFloat(res.Point[1], 'f', 6, 64)
		}
		vals = append(vals, a.Division, name(a.Division), a.District, name(a.District), a.Upazila, name(a.Upazila),
			a.Union, name(a.Union), res.Geocode.Method, strconv.FormatFloat(res.Geocode.Score, 'f', 3, 64),
			strings.Join(res.Geocode.Flags, ";"), lon, lat, strconv.FormatBool(res.DisplayPoint),
			status, strings.Join(reasons, " | "))
		if err := cw.Write(vals); err != nil {
			return rep, err
		}
	}
	return rep, cw.Flush()
}
