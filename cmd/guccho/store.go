package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/store"
)

// openStore opens the store named by cfg.DB: a postgres:// URL (the PostGIS
// store) or a SQLite file path (the embedded store).
func openStore(ctx context.Context, cfg Config) (store.Store, string, error) {
	dsn := cfg.DB
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s, err := postgis.Open(ctx, dsn, postgis.Options{StatementTimeout: cfg.RequestTimeout})
		if err != nil {
			return nil, "", err
		}
		return s, "postgis", nil
	}
	s, err := embedded.Open(ctx, dsn)
	if err != nil {
		return nil, "", err
	}
	return s, "embedded", nil
}

// redact hides the password of a database URL.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.Index(dsn[i+3:], "@"); j >= 0 {
			cred := dsn[i+3 : i+3+j]
			if k := strings.Index(cred, ":"); k >= 0 {
				return dsn[:i+3] + cred[:k] + ":***" + dsn[i+3+j:]
			}
		}
	}
	return dsn
}

// boundarySet is a boundary set a command may import: a directory the user
// named, or the default set shipped in the binary.
type boundarySet struct {
	name    string // the directory, or data.BoundariesName
	fsys    fs.FS
	shipped bool // the default set shipped in the binary
}

// boundariesFlag registers --boundaries on fs: the set imported into a store
// that has none.
func (c *Config) boundariesFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.Boundaries, "boundaries", c.Boundaries,
		"boundary directory imported when the store has none; default the boundary set shipped with Guccho (env GUCCHO_BOUNDARIES)")
}

// boundarySetFor returns the set in dir, or the default set when dir is "".
// A dir that is not a directory is an EINVALID error naming it.
func boundarySetFor(dir string) (boundarySet, error) {
	if dir == "" {
		return boundarySet{name: data.BoundariesName, fsys: data.Boundaries(), shipped: true}, nil
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return boundarySet{}, guccho.Errorf(guccho.EINVALID, "boundary directory %q: not a directory", dir)
	}
	return boundarySet{name: dir, fsys: os.DirFS(dir)}, nil
}

// importBoundaries reads a boundary set and replaces the store's boundary
// set with it, reporting counts and time to w.
func importBoundaries(ctx context.Context, s geo.Store, set boundarySet, w io.Writer) error {
	start := time.Now()
	units, err := geo.ReadBoundaries(set.fsys)
	if err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "importing boundaries from %s", set.name)
	}
	read := time.Since(start)
	if err := s.ReplaceBoundaries(ctx, units); err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "storing boundaries")
	}
	counts, err := s.CountUnits(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "imported boundaries from %s: %d divisions, %d districts, %d upazilas, %d unions (read and validated in %s, total %s)\n",
		set.name, counts[geo.Division], counts[geo.District], counts[geo.Upazila], counts[geo.Union],
		read.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	if set.shipped {
		fmt.Fprintf(w, "  %s\n", data.BoundariesAttribution)
	}
	return nil
}

// ensureBoundaries imports the boundary set in dir, or the default set when
// dir is "", when the store has no units yet. Every command that needs
// boundaries calls it first, so each one takes --boundaries and
// GUCCHO_BOUNDARIES and works on a new store. A store that already has
// boundaries keeps them (guccho import boundaries DIR replaces them).
func ensureBoundaries(ctx context.Context, s geo.Store, dir string, log *slog.Logger, w io.Writer) error {
	counts, err := s.CountUnits(ctx)
	if err != nil {
		return err
	}
	if counts[geo.Union] > 0 {
		if dir != "" {
			log.Debug("the store has boundaries: not importing --boundaries (guccho import boundaries DIR replaces them)", slog.String("dir", dir))
		}
		return nil
	}
	set, err := boundarySetFor(dir)
	if err != nil {
		return err
	}
	log.Info("the store has no boundaries: importing them", slog.String("set", set.name))
	return importBoundaries(ctx, s, set, w)
}
