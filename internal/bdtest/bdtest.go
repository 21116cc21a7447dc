// Package bdtest finds the shared Bangladesh boundary data for tests and
// benchmarks. The data is never copied into the repository: it is read from
// $GUCCHO_BOUNDARIES or, failing that, from ../shared/data/bd beside the
// repository.
package bdtest

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/guccho/guccho/geo"
	"testing"
)

// Dir returns the directory holding boundaries/ and gazetteer/. When the data
// cannot be found the test is skipped, except under CI (CI=true), where it
// fails: CI always has the shared data beside the clone.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("GUCCHO_BOUNDARIES"); d != "" {
		if isDir(filepath.Join(d, "boundaries")) {
			return d
		}
		tb.Fatalf("GUCCHO_BOUNDARIES=%s has no boundaries/ folder", d)
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	d := filepath.Join(root, "..", "shared", "data", "bd")
	if isDir(filepath.Join(d, "boundaries")) {
		return d
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("shared boundary data not found: set GUCCHO_BOUNDARIES or put shared/ beside the repository")
	}
	tb.Skip("shared boundary data not found (set GUCCHO_BOUNDARIES)")
	return ""
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

var (
	loadOnce sync.Once
	loaded   []*geo.Unit
	loadErr  error
)

// Units returns every unit of the shared boundary data, all levels, with
// geometry, read once per test binary. Callers must not modify the units.
func Units(tb testing.TB) []*geo.Unit {
	tb.Helper()
	dir := Dir(tb)
	loadOnce.Do(func() { loaded, loadErr = geo.ReadBoundaries(os.DirFS(dir)) })
	if loadErr != nil {
		tb.Fatalf("reading boundaries from %s: %v", dir, loadErr)
	}
	return loaded
}

// UnitsAt returns the units of one level from Units.
func UnitsAt(tb testing.TB, l geo.Level) []*geo.Unit {
	tb.Helper()
	var out []*geo.Unit
	for _, u := range Units(tb) {
		if u.Level == l {
			out = append(out, u)
		}
	}
	return out
}
