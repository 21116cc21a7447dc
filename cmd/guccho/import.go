package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
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
  guccho import list [--db PATH]
  guccho import undo ID [--db PATH]
  guccho import resume ID [--db PATH] [--sectors FILE]

boundaries replaces the stored administrative boundaries with those in DIR,
laid out like the default set in data/bd, uncompressed:
boundaries/bd_adm{0..4}_*.geojson and gazetteer/*.csv. The whole set is
validated first and stored in one transaction: a broken file is reported with
its name, feature and field, and leaves the store as it was.

enterprises imports a survey file (CSV, XLSX or GeoJSON): columns are mapped
by their headers (KoboToolbox and ODK exports included) or by a JSON mapping
file, every row is geocoded, and the rows are stored in chunks of short
transactions, so edits by others go on beside a long import; the import stays
one unit that can be undone as a whole. Importing the same file again changes
nothing. A report lists rows read,
created, updated, unchanged and failed, with the reasons. A store without
boundaries first gets those of --boundaries DIR (env GUCCHO_BOUNDARIES) or,
when neither is given, the default set shipped with Guccho.

list lists the imports, newest first, with their status (running, succeeded,
failed, undoing, undone, rolled_back) and counts.

undo undoes a succeeded import: the enterprises it created go, those it
updated get their previous version back. It is refused, naming them, when
rows it wrote were edited since or written by a later import (undo that one
first). See docs/import.md.

resume finishes an import interrupted by a crash (kill -9, power loss) from
the chunk it had reached, reading its file again (it must still be where it
was); an import interrupted while indexing its rows for the map needs no
file. Every command that opens the store, serve included, first finishes an
import interrupted while indexing, resumes one interrupted while loading
whose file is at hand, rolls back one whose file is not, and finishes an
interrupted undo; the log says which.

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
	switch what {
	case "boundaries", "enterprises", "centres", "undo", "resume":
	case "list":
		if len(pos) != 0 {
			return fmt.Errorf("%w: import list takes no arguments", errUsage)
		}
		pos = []string{""}
	default:
		return fmt.Errorf("%w: cannot import %q (want boundaries, enterprises, centres, list, undo or resume)", errUsage, what)
	}
	if what != "list" && (len(pos) != 1 || pos[0] == "") {
		fs.Usage()
		if what == "undo" || what == "resume" {
			return fmt.Errorf("%w: import %s takes one import id", errUsage, what)
		}
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
	if err := recoverImports(ctx, app, log, pos[0]); err != nil {
		return err
	}
	switch what {
	case "list":
		imps, err := s.FindImports(ctx)
		if err != nil {
			return err
		}
		for _, imp := range imps {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\trows read %d: created %d, updated %d, unchanged %d, failed %d",
				imp.ID, imp.StartedAt.Format(time.RFC3339), imp.Status, imp.Filename, imp.Read, imp.Created, imp.Updated, imp.Unchanged, imp.Failed)
			if imp.Error != "" {
				fmt.Fprintf(env.Stdout, "\t%s", imp.Error)
			}
			fmt.Fprintln(env.Stdout)
		}
		return nil
	case "undo":
		imp, err := s.UndoImport(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "import %s (%s): undone: %d created removed, %d updated restored\n", imp.ID, imp.Filename, imp.Created, imp.Updated+imp.Unchanged)
		return nil
	case "resume":
		imp, err := s.FindImportByID(ctx, pos[0])
		if err != nil {
			return err
		}
		imp, err = resumeImport(ctx, app, imp)
		printReport(env.Stdout, imp)
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
	if imp.Source, err = importSource(path, st.Size(), opts.Sheet, mapping); err != nil {
		return err
	}
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

// importSource is what a resume of the import of path needs.
func importSource(path string, size int64, sheet string, mapping survey.Mapping) (*guccho.ImportSource, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: %v", path, err)
	}
	m, err := json.Marshal(mapping)
	if err != nil {
		return nil, err
	}
	return &guccho.ImportSource{Path: abs, Size: size, Sheet: sheet, Mapping: m}, nil
}

// resumeImport goes on with an interrupted import from its source file,
// which must be where it was and of the same size; an import interrupted
// while indexing its rows (guccho.ImportIndexing) needs no file and is
// finished. EINVALID when the file is not at hand or the import is not
// interrupted.
func resumeImport(ctx context.Context, app *app, imp *guccho.Import) (*guccho.Import, error) {
	if imp.Status != guccho.ImportRunning {
		return imp, guccho.Errorf(guccho.EINVALID, "import %s is %s: only an interrupted import can be resumed", imp.ID, imp.Status)
	}
	if imp.Phase == guccho.ImportIndexing {
		imp.ResumedAfter = append(imp.ResumedAfter, imp.SourceRow)
		return app.importer.Resume(ctx, imp, nil, survey.Mapping{})
	}
	src := imp.Source
	if src == nil {
		return imp, guccho.Errorf(guccho.EINVALID, "import %s cannot be resumed: it was not started from the command line, so its file was not kept", imp.ID)
	}
	f, err := os.Open(src.Path)
	if err != nil {
		return imp, guccho.Errorf(guccho.EINVALID, "import %s cannot be resumed: its file: %v", imp.ID, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return imp, err
	}
	if st.Size() != src.Size {
		return imp, guccho.Errorf(guccho.EINVALID, "import %s cannot be resumed: its file %s is now %d bytes, was %d", imp.ID, src.Path, st.Size(), src.Size)
	}
	var mapping survey.Mapping
	if err := json.Unmarshal(src.Mapping, &mapping); err != nil {
		return imp, guccho.Errorf(guccho.EINVALID, "import %s cannot be resumed: its stored mapping: %v", imp.ID, err)
	}
	name := src.Name
	if name == "" {
		name = filepath.Base(src.Path)
	}
	rd, err := survey.OpenWith(f, st.Size(), name, survey.Options{Sheet: src.Sheet})
	if err != nil {
		return imp, guccho.Errorf(guccho.EINVALID, "%s: %s", src.Path, guccho.ErrorMessage(err))
	}
	imp.ResumedAfter = append(imp.ResumedAfter, imp.SourceRow)
	return app.importer.Resume(ctx, imp, rd, mapping)
}

// recoverImports deals with the imports a crash interrupted, before a
// command uses the store: an undo is finished; an import interrupted while
// indexing its rows is finished; one interrupted while loading them is
// resumed when its file is at hand, else rolled back; a server's spooled upload is
// removed once its import is recovered. Each is logged. except names an
// import the command itself is about to resume or undo.
func recoverImports(ctx context.Context, app *app, log *slog.Logger, except string) error {
	imps, err := app.store.FindImports(ctx)
	if err != nil {
		return err
	}
	for _, imp := range imps {
		if imp.ID == except || (imp.Status != guccho.ImportRunning && imp.Status != guccho.ImportUndoing) {
			continue
		}
		if imp.Status == guccho.ImportUndoing {
			if _, err := app.store.RollbackImport(ctx, imp.ID, ""); err != nil {
				return err
			}
			log.Warn("finished the interrupted undo of an import", slog.String("import", imp.ID))
			continue
		}
		from, src, phase := imp.SourceRow, imp.Source, imp.Phase
		if src != nil && src.Spooled {
			defer os.Remove(src.Path) // once recovered, either way
		}
		done, err := resumeImport(ctx, app, imp)
		if done.Status != guccho.ImportRunning { // resumed, to its end or to a failure
			log.Warn("resumed an interrupted import", slog.String("import", imp.ID), slog.String("phase", phase), slog.Int("after_row", from),
				slog.Int("rows_read", done.Read), slog.String("status", done.Status), slog.String("error", done.Error))
			continue
		}
		if guccho.ErrorCode(err) != guccho.EINVALID {
			return err
		}
		reason := "interrupted, and rolled back at the next start: " + guccho.ErrorMessage(err)
		if _, err := app.store.RollbackImport(ctx, imp.ID, reason); err != nil {
			return err
		}
		log.Warn("rolled back an interrupted import", slog.String("import", imp.ID), slog.String("why", guccho.ErrorMessage(err)))
	}
	return nil
}
