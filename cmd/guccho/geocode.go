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
	"github.com/guccho/guccho/survey"
)

const geocodeUsage = `Usage: guccho geocode IN [-o OUT.csv] [--mapping FILE] [--boundaries DIR | --db PATH]

Geocodes a survey file (CSV, XLSX or GeoJSON) without a server and writes it as
CSV with these columns added: adm1..adm4 P-codes and English names, the geocode
method (gps, union, upazila, district, division, none), score and flags, and the
map point (lon, lat, display_point: true when it is a point inside the unit, not
a surveyed location). Admin-name and GPS columns are found by their headers, or
by --mapping. Boundaries come from --boundaries (env GUCCHO_BOUNDARIES) or, when
that is not set, from the store at --db.

Flags:
`

var geocodeColumns = []string{"adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name", "adm3_pcode", "adm3_name",
	"adm4_pcode", "adm4_name", "geocode_method", "geocode_score", "geocode_flags", "lon", "lat", "display_point"}

func runGeocode(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("geocode", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	fs.StringVar(&cfg.Boundaries, "boundaries", cfg.Boundaries, "boundary directory (env GUCCHO_BOUNDARIES)")
	out := fs.String("o", "", "output CSV file (default standard output)")
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
	atlas, err := loadAtlas(ctx, cfg)
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
	n, methods, err := geocodeFile(atlas, rd, mapping, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "geocoded %d rows:", n)
	for _, m := range guccho.GeocodeMethods {
		if methods[m] > 0 {
			fmt.Fprintf(env.Stderr, " %s %d", m, methods[m])
		}
	}
	fmt.Fprintln(env.Stderr)
	return nil
}

// loadAtlas builds an atlas from --boundaries, or from the store.
func loadAtlas(ctx context.Context, cfg Config) (*geo.Atlas, error) {
	if cfg.Boundaries != "" {
		units, err := geo.ReadBoundaries(os.DirFS(cfg.Boundaries))
		if err != nil {
			return nil, guccho.WrapError(err, guccho.ErrorCode(err), "reading boundaries from %s", cfg.Boundaries)
		}
		return geo.NewAtlas(units), nil
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	units, err := s.FindUnits(ctx, geo.UnitFilter{WithGeometry: true})
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "no boundaries: pass --boundaries DIR or import them into %s", cfg.DB)
	}
	return geo.NewAtlas(units), nil
}

// geocodeFile writes every row of rd with the geocoding columns added.
func geocodeFile(atlas *geo.Atlas, rd survey.Reader, mapping survey.Mapping, w io.Writer) (int, map[string]int, error) {
	// Only the place fields matter here: sector and the rest are not checked.
	place := survey.Mapping{Fields: map[string]string{}, UnknownSector: "other"}
	for _, f := range []string{survey.FieldDivision, survey.FieldDistrict, survey.FieldUpazila, survey.FieldUnion,
		survey.FieldLat, survey.FieldLon, survey.FieldGPS, survey.FieldID} {
		place.Fields[f] = mapping.Fields[f]
	}
	sectors, _ := guccho.ParseSectors([]byte(`{"sectors":[{"code":"other","name_en":"Other"}]}`))
	conv := &survey.Converter{Sectors: sectors, Mapping: place}
	gc := geo.NewGeocoder(atlas)
	in := rd.Columns()
	cw := survey.NewCSVWriter(w, append(append([]string(nil), in...), geocodeColumns...))
	methods := map[string]int{}
	n := 0
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
			return n, methods, err
		}
		n++
		vals := make([]string, 0, len(in)+len(geocodeColumns))
		for _, c := range in {
			vals = append(vals, row.Values[c])
		}
		e, _ := conv.Convert(row)
		res := geo.GeocodeResult{Geocode: guccho.Geocode{Method: guccho.GeocodeNone}}
		if e != nil {
			res = gc.Geocode(geo.GeocodeInput{ID: e.ID, Stated: e.Stated, GPS: e.GPS})
		}
		methods[res.Geocode.Method]++
		a := res.Admin
		var lon, lat string
		if res.Geocode.Method != guccho.GeocodeNone {
			lon, lat = strconv.FormatFloat(res.Point[0], 'f', 6, 64), strconv.FormatFloat(res.Point[1], 'f', 6, 64)
		}
		vals = append(vals, a.Division, name(a.Division), a.District, name(a.District), a.Upazila, name(a.Upazila),
			a.Union, name(a.Union), res.Geocode.Method, strconv.FormatFloat(res.Geocode.Score, 'f', 3, 64),
			strings.Join(res.Geocode.Flags, ";"), lon, lat, strconv.FormatBool(res.DisplayPoint))
		if err := cw.Write(vals); err != nil {
			return n, methods, err
		}
	}
	return n, methods, cw.Flush()
}
