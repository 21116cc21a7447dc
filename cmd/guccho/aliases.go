package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

const aliasesUsage = `Usage: guccho aliases list|export [-o FILE]|import FILE|remove ID [--db PATH]

Manages the aliases the store has learnt from editors' fixes in imports'
review queues (docs/review.md): a place name at a level, stated inside one
parent unit, that means one unit ("bhairab bazar" within Kishoreganj is the
upazila Bhairab). Imports, the server and "guccho geocode --db" use them.

  list          prints every alias: id, level, within, name, pcode, author, time
  export        writes them as CSV (level,within,name,pcode,created_by,created_at)
                to standard output or -o FILE
  import FILE   adds the aliases of a CSV file in that layout, all or none:
                every row is checked against the boundaries; a row equal to a
                stored alias is skipped, one that contradicts it fails with
                its row number
  remove ID     removes one alias

Flags:
`

func runAliases(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("aliases", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	out := fs.String("o", "", "export: the CSV file to write (default standard output)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), aliasesUsage); fs.PrintDefaults() }
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fs.Usage()
		return nil
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"list": 1, "export": 1, "import": 2, "remove": 2}
	if len(pos) == 0 || want[pos[0]] != len(pos) {
		fs.Usage()
		return fmt.Errorf("%w: want: aliases list | export [-o FILE] | import FILE | remove ID", errUsage)
	}
	switch pos[0] {
	case "import":
		f, err := os.Open(pos[1])
		if err != nil {
			return guccho.Errorf(guccho.EINVALID, "%s: %v", pos[1], err)
		}
		defer f.Close()
		s, err := openWithBoundaries(ctx, cfg, env)
		if err != nil {
			return err
		}
		defer s.Close()
		units, err := s.FindUnits(ctx, geo.UnitFilter{})
		if err != nil {
			return err
		}
		as, err := geo.NewAtlas(units).ReadAliasesCSV(f)
		if err != nil {
			return guccho.WrapError(err, guccho.ErrorCode(err), "%s: %s", pos[1], guccho.ErrorMessage(err))
		}
		n, err := s.ImportAliases(ctx, as)
		if err != nil {
			return guccho.WrapError(err, guccho.ErrorCode(err), "%s: %s", pos[1], guccho.ErrorMessage(err))
		}
		fmt.Fprintf(env.Stderr, "read %d aliases: %d new, %d stored already\n", len(as), n, len(as)-n)
		return nil
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	switch pos[0] {
	case "remove":
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil || id < 1 {
			return guccho.Errorf(guccho.EINVALID, "alias id %q: want a whole number ≥ 1 (guccho aliases list shows them)", pos[1])
		}
		if err := s.DeleteAlias(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "removed alias %d\n", id)
		return nil
	}
	as, err := s.FindAliases(ctx)
	if err != nil {
		return err
	}
	if pos[0] == "list" {
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tlevel\twithin\tname\tpcode\tcreated_by\tcreated_at")
		for _, a := range as {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Level, a.Within, a.Name, a.PCode, a.CreatedBy, a.CreatedAt.UTC().Format(time.RFC3339))
		}
		return tw.Flush()
	}
	var w io.Writer = env.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := geo.WriteAliasesCSV(w, as); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "exported %d aliases\n", len(as))
	return nil
}
