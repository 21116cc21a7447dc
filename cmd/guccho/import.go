package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/survey"
)

const importUsage = `Usage:
  guccho import boundaries DIR [--db PATH]
  guccho import enterprises FILE [--mapping FILE] [--sheet NAME] [--db PATH] [--sectors FILE] [--boundaries DIR]
  guccho import centres FILE [--sheet NAME] [--db PATH] [--sectors FILE] [--boundaries DIR]

boundaries replaces the stored administrative boundaries with those in DIR,
laid out like the default set in data/bd, uncompressed:
boundaries/bd_adm{0..4}_*.geojson and gazetteer/*.csv. The whole set is
validated first and stored in one transaction: a broken file is reported with
its name, feature and field, and leaves the store as it was.

enterprises imports a survey file (CSV, XLSX or GeoJSON): columns are mapped
by their headers (KoboToolbox and ODK exports included) or by a JSON mapping
file, every row is geocoded, and the whole file is stored in one transaction.
Importing the same file again changes nothing. A report lists rows read,
created, updated, unchanged and failed, with the reasons. A store without
boundaries first gets those of --boundaries DIR (env GUCCHO_BOUNDARIES) or,
when neither is given, the default set shipped with Guccho.

centres imports common service centres (CSV, XLSX or GeoJSON with name,
name_bn, sector, services separated by ";" or "|", operator, lon and lat or
a Point geometry, and an optional id), upserting them by id. All or nothing:
every bad row is listed with its number and column, and then nothing is
stored. See docs/centres.md.

Flags:
`

func runImport(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	cfg.sectorsFlag(fs)
	cfg.boundariesFlag(fs)
	mappingFile := fs.String("mapping", "", "JSON column mapping (enterprises): {\"fields\": {\"district\": \"Zila\", …}}")
	sheet := fs.String("sheet", "", "XLSX worksheet to read (enterprises); default the first")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), importUsage)
		fs.PrintDefaults()
	}
	if len(args) == 0 {
		fs.Usage()
		return errUsage
	}
	what := args[0]
	if what == "-h" || what == "--help" {
		fs.Usage()
		return nil
	}
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if what != "boundaries" && what != "enterprises" && what != "centres" {
		return fmt.Errorf("%w: cannot import %q (want boundaries, enterprises or centres)", errUsage, what)
	}
	if len(pos) != 1 || pos[0] == "" {
		fs.Usage()
		return fmt.Errorf("%w: import %s takes one path", errUsage, what)
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if what == "boundaries" {
		set, err := boundarySetFor(pos[0])
		if err != nil {
			return err
		}
		return importBoundaries(ctx, s, set, env.Stdout)
	}
	log, err := cfg.logger(env)
	if err != nil {
		return err
	}
	if err := ensureBoundaries(ctx, s, cfg.Boundaries, log, env.Stderr); err != nil {
		return err
	}
	app, err := newApp(cfg, s)
	if err != nil {
		return err
	}
	if what == "centres" {
		return importCentres(ctx, app, pos[0], survey.Options{Sheet: *sheet}, env)
	}
	var explicit *survey.Mapping
	if *mappingFile != "" {
		m, err := readMappingFile(*mappingFile)
		if err != nil {
			return err
		}
		explicit = &m
	}
	return importFile(ctx, app, pos[0], explicit, survey.Options{Sheet: *sheet}, env)
}

// countingReaderAt remembers the furthest byte read, for progress.
type countingReaderAt struct {
	r   io.ReaderAt
	max int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if end := off + int64(n); end > c.max {
		c.max = end
	}
	return n, err
}

// importFile imports one survey file with a progress bar on stderr and a
// report on stdout.
func importFile(ctx context.Context, app *app, path string, explicit *survey.Mapping, opts survey.Options, env Env) error {
	f, err := os.Open(path)
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %v", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	cr := &countingReaderAt{r: f}
	rd, err := survey.OpenWith(cr, st.Size(), filepath.Base(path), opts)
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %s", path, guccho.ErrorMessage(err))
	}
	mapping := survey.DetectMapping(rd.Columns())
	if explicit != nil {
		mapping = mapping.Merge(*explicit)
	}
	bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(env.Stderr), progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("importing "+filepath.Base(path)), progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish())
	im := *app.importer
	im.Progress = func(guccho.Import) { bar.Set64(cr.max) }
	imp := &guccho.Import{ID: importer.NewID(), Filename: filepath.Base(path), Format: rd.Format(), CreatedBy: "cli"}
	imp, err = im.Run(ctx, imp, rd, mapping)
	bar.Finish()
	printReport(env.Stdout, imp)
	return err
}

// printReport writes an import's report for a person.
func printReport(w io.Writer, imp *guccho.Import) {
	fmt.Fprintf(w, "import %s (%s): %s\n", imp.ID, imp.Filename, imp.Status)
	if imp.Error != "" {
		fmt.Fprintf(w, "  error: %s\n  nothing was stored\n", imp.Error)
		return
	}
	fmt.Fprintf(w, "  rows read %d: created %d, updated %d, unchanged %d, failed %d, with warnings %d\n",
		imp.Read, imp.Created, imp.Updated, imp.Unchanged, imp.Failed, imp.Warnings)
	fmt.Fprint(w, "  placed by:")
	for _, m := range guccho.GeocodeMethods {
		if n := imp.Methods[m]; n > 0 {
			fmt.Fprintf(w, " %s %d", m, n)
		}
	}
	fmt.Fprintln(w)
	if len(imp.Flags) > 0 {
		fmt.Fprint(w, "  flags:")
		for _, f := range sortedKeys(imp.Flags) {
			fmt.Fprintf(w, " %s %d", f, imp.Flags[f])
		}
		fmt.Fprintln(w)
	}
	if imp.Failed+imp.Warnings > 0 {
		fmt.Fprintf(w, "  failed rows: GET /api/imports/%s/failures.csv on a running server\n", imp.ID)
	}
}
