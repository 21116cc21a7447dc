// Command guccho is Guccho's one binary: it serves the map, imports data and
// runs batch jobs. Run "guccho help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env Env) error
}

// Env is what a command may touch of the outside world: its output streams
// and the process environment. Tests pass their own.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "serve the web map, the API and vector tiles", runServe},
		{"import", "import boundaries or a survey: import boundaries DIR | import enterprises FILE", runImport},
		{"geocode", "geocode a survey file without a server: geocode IN -o OUT.csv", runGeocode},
		{"demo", "load the synthetic demo survey (or write it as CSV)", runDemo},
		{"clusters", "find point clusters: clusters --method smef|dbscan [--input POINTS.csv] -o OUT.geojson", runClusters},
		{"aliases", "learnt place-name aliases: aliases list | export [-o FILE] | import FILE | remove ID", runAliases},
		{"token", "create an API token for writing: token create --role editor", runToken},
		{"stats", "spatial statistics: stats moran|local-moran|g|gi|gistar|lq|weights …", runStats},
		{"valuechain", "analyze or store a value chain: valuechain analyze|import --actors A.csv --links L.csv …", runValuechain},
		{"atlas", "print a PDF atlas: atlas --sector S --level district|upazila [--deck ID] -o atlas.pdf", runAtlas},
		{"version", "print the version", runVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "guccho:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for usage errors, 1 for everything else.
func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

// errEOF ends survey readers.
var errEOF = io.EOF

// run dispatches to a subcommand.
func run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "--help"}, env)
		}
		usage(env.Stdout)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			// A malformed GUCCHO_* setting stops every command that reads
			// settings, also those that need none of the broken ones.
			if c.name != "version" {
				if _, err := defaultConfig(env.Getenv); err != nil {
					return err
				}
			}
			return c.run(ctx, args[1:], env)
		}
	}
	usage(env.Stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Guccho maps microenterprise clusters in Bangladesh.

Usage: guccho <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "guccho <command> --help" for a command's flags.
`)
}

func runVersion(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 {
		fmt.Fprint(env.Stderr, "Usage: guccho version\n\nPrints the version of this binary.\n")
		if args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return errUsage
	}
	fmt.Fprintln(env.Stdout, "guccho", version)
	return nil
}
