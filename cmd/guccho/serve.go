package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/static"
)

func runServe(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(env.Stderr)
	flags.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env GUCCHO_ADDR)")
	cfg.dbFlag(flags)
	cfg.boundariesFlag(flags)
	flags.StringVar(&cfg.BasemapStyleURL, "basemap", cfg.BasemapStyleURL, "optional MapLibre style URL drawn under Guccho's layers (env GUCCHO_BASEMAP_STYLE_URL)")
	flags.IntVar(&cfg.TileCacheMB, "tile-cache-mb", cfg.TileCacheMB, "MiB of encoded tiles kept in memory (env GUCCHO_TILE_CACHE_MB)")
	flags.DurationVar(&cfg.RequestTimeout, "request-timeout", cfg.RequestTimeout, "deadline of each API or tile request (env GUCCHO_REQUEST_TIMEOUT)")
	flags.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (env GUCCHO_LOG_LEVEL)")
	flags.IntVar(&cfg.MaxUploadMB, "max-upload-mb", cfg.MaxUploadMB, "largest survey upload in MB; larger ones get 413 (env GUCCHO_MAX_UPLOAD_MB)")
	flags.IntVar(&cfg.MemoryLimitMB, "memory-limit-mb", cfg.MemoryLimitMB, "soft limit of the server's Go heap in MiB; the GOMEMLIMIT variable wins when set (env GUCCHO_MEMORY_LIMIT_MB)")
	flags.BoolVar(&cfg.Demo, "demo", cfg.Demo, "load the synthetic demo survey when the store has no enterprises (env GUCCHO_DEMO=1)")
	cfg.sectorsFlag(flags)
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), "Usage: guccho serve [flags]\n\nServes the web map, the JSON API and vector tiles.\n\nFlags:\n")
		flags.PrintDefaults()
	}
	pos, err := parseArgs(flags, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: serve takes no arguments (got %q)", errUsage, pos)
	}
	if cfg.MemoryLimitMB <= 0 {
		return fmt.Errorf("%w: --memory-limit-mb %d: want a whole number of MiB above 0", errUsage, cfg.MemoryLimitMB)
	}
	log, err := cfg.logger(env)
	if err != nil {
		return err
	}
	if limit, ok := cfg.memoryLimit(env.Getenv); ok {
		debug.SetMemoryLimit(limit)
	}
	s, kind, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := ensureBoundaries(ctx, s, cfg.Boundaries, log, env.Stderr); err != nil {
		return err
	}
	a, err := newApp(cfg, s)
	if err != nil {
		return err
	}
	if err := recoverImports(ctx, a, log, ""); err != nil {
		return err
	}
	if cfg.Demo {
		if n, err := s.CountEnterprises(ctx, guccho.EnterpriseFilter{}); err != nil {
			return err
		} else if n == 0 {
			log.Info("loading the synthetic demo survey")
			if _, err := loadDemo(ctx, a, demo.DefaultN, 1, env); err != nil {
				return err
			}
			if err := loadDemoChains(ctx, s); err != nil {
				return err
			}
			if err := assembleDemoChain(ctx, a, env.Stderr); err != nil {
				return err
			}
		}
	}
	if err := ensureAdminToken(ctx, s, env.Stderr); err != nil {
		return err
	}
	var app fs.FS
	if built, ok := static.App(); ok {
		app = built
	} else {
		log.Warn("this binary was built without the web app: run 'make build'")
	}
	h := server.New(server.Config{
		Store:           s,
		Sectors:         a.sectors,
		Geocoders:       a.geocoders,
		Importer:        a.importer,
		MaxUploadBytes:  int64(cfg.MaxUploadMB) << 20,
		StoreName:       kind,
		App:             app,
		BasemapStyleURL: cfg.BasemapStyleURL,
		TileCacheBytes:  int64(cfg.TileCacheMB) << 20,
		RequestTimeout:  cfg.RequestTimeout,
		Logger:          log,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// API and tile requests carry their own deadline (--request-timeout, in
	// the server's middleware); uploads, exports and websockets may last
	// longer, so the connection-wide read and write timeouts stay off and
	// only the headers must arrive promptly.
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// The geocoder is built from every unit's geometry (about a second on
	// the default set); build it now rather than in the first edit or upload.
	go func() {
		start := time.Now()
		if _, err := a.geocoders.Get(ctx); err != nil {
			log.Warn("the geocoder could not be built yet", slog.Any("error", err))
			return
		}
		log.Info("geocoder ready", slog.Duration("took", time.Since(start).Round(time.Millisecond)))
	}()
	log.Info("serving", slog.String("url", "http://"+displayAddr(ln.Addr())), slog.String("store", kind), slog.String("db", redact(cfg.DB)))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	defer h.Close() // running imports roll back
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayAddr turns a listen address such as [::]:8080 into localhost:8080.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
