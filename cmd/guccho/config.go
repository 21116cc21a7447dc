package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
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
	MemoryLimitMB   int           // serve: soft limit of the Go heap in MiB (GUCCHO_MEMORY_LIMIT_MB), default 2560; GOMEMLIMIT wins
}

// defaultConfig returns the defaults overridden by environment variables.
// A variable set to a value of the wrong form is an error naming the
// variable, its value and the form wanted; unset or empty ones keep the
// default.
func defaultConfig(getenv func(string) string) (Config, error) {
	c := Config{Addr: ":8080", DB: "guccho.db", TileCacheMB: 256, RequestTimeout: 30 * time.Second, LogLevel: "info", MaxUploadMB: 1024, MemoryLimitMB: 2560}
	for _, e := range envSettings(&c) {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if strings.TrimSpace(v) != v || e.parse(v) != nil {
			return Config{}, fmt.Errorf("%w: %s=%q: want %s", errUsage, e.name, v, e.want)
		}
	}
	return c, nil
}

// envSetting is one environment variable: its name, the form it wants (as
// error messages say it) and how its value sets c.
type envSetting struct {
	name, want string
	parse      func(v string) error // v is non-empty and without surrounding spaces
}

// envSettings lists every environment variable the binary reads, each
// setting a field of c.
func envSettings(c *Config) []envSetting {
	str := func(dst *string) func(string) error {
		return func(v string) error { *dst = v; return nil }
	}
	positive := func(dst *int) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return errUsage
			}
			*dst = n
			return nil
		}
	}
	return []envSetting{
		{"GUCCHO_ADDR", "a listen address such as :8080 or 127.0.0.1:8080", func(v string) error {
			_, port, err := net.SplitHostPort(v)
			if err != nil {
				return err
			}
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return errUsage
			}
			c.Addr = v
			return nil
		}},
		{"GUCCHO_DB", "a SQLite file path or a postgres:// URL", func(v string) error {
			if scheme, _, ok := strings.Cut(v, "://"); ok && scheme != "postgres" && scheme != "postgresql" {
				return errUsage
			}
			c.DB = v
			return nil
		}},
		{"GUCCHO_BOUNDARIES", "a directory", str(&c.Boundaries)},
		{"GUCCHO_BASEMAP_STYLE_URL", "an http:// or https:// URL of a MapLibre style", func(v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errUsage
			}
			c.BasemapStyleURL = v
			return nil
		}},
		{"GUCCHO_TILE_CACHE_MB", "a whole number of MiB above 0, such as 256", positive(&c.TileCacheMB)},
		{"GUCCHO_REQUEST_TIMEOUT", "a duration such as 30s or 2m", func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errUsage
			}
			c.RequestTimeout = d
			return nil
		}},
		{"GUCCHO_LOG_LEVEL", "debug, info, warn or error", func(v string) error {
			switch strings.ToLower(v) {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return errUsage
		}},
		{"GUCCHO_SECTORS", "a JSON file", str(&c.Sectors)},
		{"GUCCHO_MAX_UPLOAD_MB", "a whole number of MB above 0, such as 1024", positive(&c.MaxUploadMB)},
		{"GUCCHO_MEMORY_LIMIT_MB", "a whole number of MiB above 0, such as 2560", positive(&c.MemoryLimitMB)},
		{"GUCCHO_DEMO", "1, true, 0 or false", func(v string) error {
			switch strings.ToLower(v) {
			case "1", "true":
				c.Demo = true
			case "0", "false":
				c.Demo = false
			default:
				return errUsage
			}
			return nil
		}},
	}
}

// memoryLimit is the soft limit serve sets on the Go heap
// (runtime/debug.SetMemoryLimit): MemoryLimitMB, unless the environment
// sets GOMEMLIMIT, which the Go runtime has read already and which wins
// (ok false). The limit makes the collector work harder as the heap nears
// it rather than let the heap grow to twice what is live: at national scale
// the cluster points of 7 million enterprises and their load's garbage
// would otherwise pass 3 GB resident (docs/deploy.md#memory).
func (c *Config) memoryLimit(getenv func(string) string) (limit int64, ok bool) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	return int64(c.MemoryLimitMB) << 20, true
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
