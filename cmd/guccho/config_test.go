package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// badEnvironment has, for every GUCCHO_* variable config.go reads, values
// that must stop a command, and the expected form the message must name.
var badEnvironment = []struct {
	name   string
	values []string
	want   string
}{
	{"GUCCHO_ADDR", []string{"8080", "localhost", ":http-ish", ":70000", " :8080"}, "want a listen address such as :8080 or 127.0.0.1:8080"},
	{"GUCCHO_DB", []string{"mysql://me@db/guccho", "guccho.db "}, "want a SQLite file path or a postgres:// URL"},
	{"GUCCHO_BOUNDARIES", []string{" data/bd", "data/bd\n"}, "want a directory"},
	{"GUCCHO_BASEMAP_STYLE_URL", []string{"tiles.example.org/style.json", "ftp://example.org/style.json", "https://"}, "want an http:// or https:// URL"},
	{"GUCCHO_TILE_CACHE_MB", []string{"64MB", "1.5", "0", "-1"}, "want a whole number of MiB above 0, such as 256"},
	{"GUCCHO_REQUEST_TIMEOUT", []string{"30", "30 s", "0s", "-5s"}, "want a duration such as 30s or 2m"},
	{"GUCCHO_LOG_LEVEL", []string{"loud", "3"}, "want debug, info, warn or error"},
	{"GUCCHO_SECTORS", []string{" sectors.json"}, "want a JSON file"},
	{"GUCCHO_MAX_UPLOAD_MB", []string{"1GB", "0", "-10"}, "want a whole number of MB above 0, such as 1024"},
	{"GUCCHO_MEMORY_LIMIT_MB", []string{"2GiB", "0", "-1"}, "want a whole number of MiB above 0, such as 2560"},
	{"GUCCHO_DEMO", []string{"yes", "on", "2"}, "want 1, true, 0 or false"},
}

func TestMalformedEnvironment(t *testing.T) {
	for _, tt := range badEnvironment {
		for _, v := range tt.values {
			t.Run(tt.name+"="+v, func(t *testing.T) {
				_, err := defaultConfig(func(k string) string {
					if k == tt.name {
						return v
					}
					return ""
				})
				want := fmt.Sprintf("%s=%q: %s", tt.name, v, tt.want)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("defaultConfig = %v; want an error containing %q", err, want)
				}
				if exitCode(err) != 2 {
					t.Errorf("exit code %d, want 2 (a usage error)", exitCode(err))
				}
			})
		}
	}
}

func TestWellFormedEnvironment(t *testing.T) {
	env := map[string]string{
		"GUCCHO_ADDR":              "127.0.0.1:9000",
		"GUCCHO_DB":                "postgresql://guccho@db/guccho",
		"GUCCHO_BOUNDARIES":        "data/bd",
		"GUCCHO_BASEMAP_STYLE_URL": "https://tiles.example.org/style.json",
		"GUCCHO_TILE_CACHE_MB":     "64",
		"GUCCHO_REQUEST_TIMEOUT":   "2m",
		"GUCCHO_LOG_LEVEL":         "DEBUG",
		"GUCCHO_SECTORS":           "my sectors.json",
		"GUCCHO_MAX_UPLOAD_MB":     "50",
		"GUCCHO_DEMO":              "true",
		"GUCCHO_MEMORY_LIMIT_MB":   "1024",
	}
	got, err := defaultConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: "127.0.0.1:9000", DB: "postgresql://guccho@db/guccho", Boundaries: "data/bd",
		BasemapStyleURL: "https://tiles.example.org/style.json", TileCacheMB: 64, RequestTimeout: 2 * time.Minute,
		LogLevel: "DEBUG", Sectors: "my sectors.json", MaxUploadMB: 50, Demo: true, MemoryLimitMB: 1024}
	if got != want {
		t.Errorf("defaultConfig =\n%+v, want\n%+v", got, want)
	}
	for _, tt := range badEnvironment {
		if _, ok := env[tt.name]; !ok {
			t.Errorf("no well-formed value of %s is tried", tt.name)
		}
	}
	// GUCCHO_DEMO=0 turns the demo off; an empty variable keeps the default.
	env = map[string]string{"GUCCHO_DEMO": "0", "GUCCHO_DB": ""}
	if got, err := defaultConfig(func(k string) string { return env[k] }); err != nil || got.Demo || got.DB != "guccho.db" {
		t.Errorf("GUCCHO_DEMO=0, GUCCHO_DB empty: %+v, %v", got, err)
	}
}

// serve limits the Go heap to --memory-limit-mb (2,560 MiB by default)
// unless GOMEMLIMIT is set, which the runtime has read and which wins.
func TestMemoryLimit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		env   map[string]string
		limit int64
		ours  bool
	}{
		{"the default", nil, 2560 << 20, true},
		{"GUCCHO_MEMORY_LIMIT_MB", map[string]string{"GUCCHO_MEMORY_LIMIT_MB": "1500"}, 1500 << 20, true},
		{"GOMEMLIMIT wins", map[string]string{"GUCCHO_MEMORY_LIMIT_MB": "1500", "GOMEMLIMIT": "4GiB"}, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			c, err := defaultConfig(getenv)
			if err != nil {
				t.Fatal(err)
			}
			limit, ours := c.memoryLimit(getenv)
			if limit != tt.limit || ours != tt.ours {
				t.Errorf("memoryLimit = %d, %v; want %d, %v", limit, ours, tt.limit, tt.ours)
			}
		})
	}
}

func TestMalformedEnvironmentStopsEveryCommand(t *testing.T) {
	const want = `GUCCHO_REQUEST_TIMEOUT="30": want a duration such as 30s or 2m`
	for _, c := range commands() {
		if c.name == "version" {
			continue // reads no settings
		}
		t.Run(c.name, func(t *testing.T) {
			// Should the setting be ignored, the store and the listener stay
			// out of the way and serve stops at once.
			env := map[string]string{"GUCCHO_REQUEST_TIMEOUT": "30", "GUCCHO_DB": filepath.Join(t.TempDir(), "g.db"), "GUCCHO_ADDR": "127.0.0.1:0"}
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			err := run(ctx, []string{c.name}, Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }})
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("guccho %s with GUCCHO_REQUEST_TIMEOUT=30 = %v; want an error containing %q", c.name, err, want)
			}
		})
	}
}

// TestBadEnvironmentCoversEveryVariable keeps badEnvironment in step with
// the variables config.go reads.
func TestBadEnvironmentCoversEveryVariable(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	var tested []string
	for _, tt := range badEnvironment {
		tested = append(tested, tt.name)
	}
	for _, name := range regexp.MustCompile(`"(GUCCHO_[A-Z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(tested, name[1]) {
			t.Errorf("config.go reads %s, but badEnvironment has no case for it", name[1])
		}
	}
}
