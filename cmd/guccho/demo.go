package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/survey"
)

const demoUsage = `Usage: guccho demo [--n N] [--seed S] [--csv FILE] [--db PATH] [--boundaries DIR]

Generates the demo survey — synthetic data, labelled as such in every record and
in the web app — and imports it like any survey file, then stores the synthetic
value chains of three demo clusters (footwear at Bhairab, dairy at Shahjadpur,
light engineering at Dholaikhal). By default it has the shape
of PKSF's SMART survey (2024): 5,457 enterprises in nine sectors across 41
districts, with messy names and partial GPS. --n 12000000 makes national-scale
data for benchmarks. It also stores four synthetic common service centres
(footwear in Bhairab, light engineering in Old Dhaka and Bogura, dairy in
Shahjadpur) where the boundaries hold them. With --csv it writes the survey to FILE instead of importing
it. A store without boundaries first gets those of --boundaries DIR (env
GUCCHO_BOUNDARIES) or, when neither is given, the default set shipped with
Guccho.

Flags:
`

func runDemo(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	cfg.boundariesFlag(fs)
	n := fs.Int("n", demo.DefaultN, "number of enterprises")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and n give the same survey")
	csvOut := fs.String("csv", "", "write the survey as CSV to this file instead of importing it")
	fs.Usage = func() { fmt.Fprint(fs.Output(), demoUsage); fs.PrintDefaults() }
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *n < 1 {
		fs.Usage()
		return fmt.Errorf("%w: demo takes flags only, and --n must be at least 1", errUsage)
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	log, err := cfg.logger(env)
	if err != nil {
		return err
	}
	if err := ensureBoundaries(ctx, s, cfg.Boundaries, log, env.Stderr); err != nil {
		return err
	}
	a, err := newApp(cfg, s)
	if err != nil {
		return err
	}
	if *csvOut != "" {
		g, err := demoGenerator(ctx, a, *n, *seed)
		if err != nil {
			return err
		}
		f, err := os.Create(*csvOut)
		if err != nil {
			return err
		}
		if err := g.WriteCSV(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	imp, err := loadDemo(ctx, a, *n, *seed, env)
	if imp != nil {
		printReport(env.Stdout, imp)
	}
	if err != nil {
		return err
	}
	if err := loadDemoChains(ctx, s); err != nil {
		return err
	}
	return assembleDemoChain(ctx, a, env.Stdout)
}

// demoGenerator builds the generator over the stored boundaries.
func demoGenerator(ctx context.Context, a *app, n int, seed uint64) (*demo.Generator, error) {
	units, err := a.store.FindUnits(ctx, geo.UnitFilter{WithGeometry: true})
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "no boundaries are stored: import them first (guccho import boundaries DIR, or serve --boundaries DIR)")
	}
	return demo.New(geo.NewAtlas(units), a.sectors, demo.Options{N: n, Seed: seed}), nil
}

// loadDemo generates and imports the demo survey with a progress bar, then
// the demo's common service centres.
func loadDemo(ctx context.Context, a *app, n int, seed uint64, env Env) (*guccho.Import, error) {
	g, err := demoGenerator(ctx, a, n, seed)
	if err != nil {
		return nil, err
	}
	rd := &demoReader{g: g}
	bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription("demo survey"),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	im := *a.importer
	if n > 100_000 {
		im.BatchSize = 10_000
	}
	im.Progress = func(i guccho.Import) { bar.Set(i.Read) }
	imp := &guccho.Import{ID: importer.NewID(), Filename: fmt.Sprintf("demo-survey-n%d-seed%d (synthetic)", n, seed), Format: "demo", CreatedBy: "demo"}
	imp, err = im.Run(ctx, imp, rd, survey.DetectMapping(rd.Columns()))
	bar.Finish()
	if err == nil {
		err = loadDemoCentres(ctx, a, env)
	}
	return imp, err
}

// demoReader reads the generator as a survey file.
type demoReader struct {
	g *demo.Generator
	n int
}

func (d *demoReader) Columns() []string { return d.g.Columns() }
func (d *demoReader) Format() string    { return "demo" }

func (d *demoReader) Next() (survey.Row, error) {
	vals, _, ok := d.g.Next()
	if !ok {
		return survey.Row{}, errEOF
	}
	d.n++
	cols := d.g.Columns()
	m := make(map[string]string, len(cols))
	for i, c := range cols {
		m[c] = vals[i]
	}
	return survey.Row{Number: d.n, Values: m}, nil
}
