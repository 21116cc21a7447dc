package main

import (
	"context"
	"flag"
	"fmt"
)

func runImport(ctx context.Context, args []string, env Env) error {
	cfg := defaultConfig(env.Getenv)
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: guccho import boundaries DIR [--db PATH]

Replaces the stored administrative boundaries with those in DIR, laid out like
shared/data/bd: boundaries/bd_adm{0..4}_*.geojson and gazetteer/*.csv. The whole
set is validated first and stored in one transaction: a broken file is reported
with its name, feature and field, and leaves the store as it was.

Flags:
`)
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
	if what != "boundaries" {
		return fmt.Errorf("%w: cannot import %q (want: boundaries)", errUsage, what)
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: import boundaries takes one directory", errUsage)
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return importBoundaries(ctx, s, pos[0], env.Stdout)
}
