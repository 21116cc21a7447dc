package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/guccho/guccho"
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

// importBoundaries reads a boundary directory and replaces the store's
// boundary set with it, reporting counts and time to w.
func importBoundaries(ctx context.Context, s geo.Store, dir string, w io.Writer) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return guccho.Errorf(guccho.EINVALID, "boundary directory %q: not a directory", dir)
	}
	start := time.Now()
	units, err := geo.ReadBoundaries(os.DirFS(dir))
	if err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "importing boundaries from %s", dir)
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
		dir, counts[geo.Division], counts[geo.District], counts[geo.Upazila], counts[geo.Union],
		read.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return nil
}

// ensureBoundaries imports dir when the store has no units yet.
func ensureBoundaries(ctx context.Context, s geo.Store, dir string, log *slog.Logger, w io.Writer) error {
	counts, err := s.CountUnits(ctx)
	if err != nil {
		return err
	}
	if counts[geo.Union] > 0 {
		return nil
	}
	if dir == "" {
		log.Warn("the store has no boundaries: pass --boundaries DIR (or set GUCCHO_BOUNDARIES), or run 'guccho import boundaries DIR'")
		return nil
	}
	log.Info("first start: importing boundaries", slog.String("dir", dir))
	return importBoundaries(ctx, s, dir, w)
}
