package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Config is every setting of the binary, filled from flags and environment
// variables (flags win) in one place and passed down to constructors.
type Config struct {
	Addr            string        // serve: listen address (GUCCHO_ADDR), default ":8080"
	DB              string        // database: a SQLite file path or a postgres:// URL (GUCCHO_DB), default "guccho.db"
	Boundaries      string        // boundary directory imported on first start (GUCCHO_BOUNDARIES)
	BasemapStyleURL string        // optional MapLibre style drawn under Guccho's layers (GUCCHO_BASEMAP_STYLE_URL)
	TileCacheMB     int           // tile cache size in MiB (GUCCHO_TILE_CACHE_MB), default 256
	RequestTimeout  time.Duration // per-request deadline (GUCCHO_REQUEST_TIMEOUT), default 30s
	LogLevel        string        // debug, info, warn or error (GUCCHO_LOG_LEVEL), default info
	Sectors         string        // JSON file of extra sectors (GUCCHO_SECTORS)
	MaxUploadMB     int           // serve: largest survey upload (GUCCHO_MAX_UPLOAD_MB), default 1024
	Demo            bool          // serve: load the demo survey when the store has no enterprises (GUCCHO_DEMO=1)
}

// defaultConfig returns the defaults overridden by environment variables.
func defaultConfig(getenv func(string) string) Config {
	c := Config{Addr: ":8080", DB: "guccho.db", TileCacheMB: 256, RequestTimeout: 30 * time.Second, LogLevel: "info", MaxUploadMB: 1024}
	set := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set("GUCCHO_ADDR", &c.Addr)
	set("GUCCHO_DB", &c.DB)
	set("GUCCHO_BOUNDARIES", &c.Boundaries)
	set("GUCCHO_BASEMAP_STYLE_URL", &c.BasemapStyleURL)
	set("GUCCHO_LOG_LEVEL", &c.LogLevel)
	set("GUCCHO_SECTORS", &c.Sectors)
	if v := getenv("GUCCHO_MAX_UPLOAD_MB"); v != "" {
		fmt.Sscanf(v, "%d", &c.MaxUploadMB)
	}
	c.Demo = getenv("GUCCHO_DEMO") == "1" || getenv("GUCCHO_DEMO") == "true"
	if v := getenv("GUCCHO_TILE_CACHE_MB"); v != "" {
		fmt.Sscanf(v, "%d", &c.TileCacheMB)
	}
	if v := getenv("GUCCHO_REQUEST_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			c.RequestTimeout = d
		}
	}
	return c
}

// dbFlag registers --db on fs.
func (c *Config) dbFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "database: a SQLite file (the embedded store) or a postgres:// URL (env GUCCHO_DB)")
}

// logger returns a text logger on stderr at the configured level.
func (c *Config) logger(env Env) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(c.LogLevel))); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, c.LogLevel)
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: l})), nil
}

// parseArgs parses flags that may stand before, between or after positional
// arguments (Go's flag package stops at the first positional one) and
// returns the positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
