// Package bdtest gives tests and benchmarks the Bangladesh boundary data:
// the default set shipped with Guccho (data.Boundaries), or the folder named
// by $GUCCHO_BOUNDARIES when that is set (to run the suite on another set,
// such as the official full-resolution files). So the tests need nothing
// beside the repository.
package bdtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
)

// FS returns the boundary data as a file system laid out as
// geo.ReadBoundaries reads it, and a name for messages.
func FS(tb testing.TB) (fs.FS, string) {
	tb.Helper()
	if d := os.Getenv("GUCCHO_BOUNDARIES"); d != "" {
		if !isDir(filepath.Join(d, "boundaries")) {
			tb.Fatalf("GUCCHO_BOUNDARIES=%s has no boundaries/ folder", d)
		}
		return os.DirFS(d), d
	}
	return data.Boundaries(), data.BoundariesName
}

// Dir returns a directory holding boundaries/ and gazetteer/ with the data
// of FS: $GUCCHO_BOUNDARIES itself, or else a copy of the shipped set,
// decompressed into a temporary directory removed when the test ends.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("GUCCHO_BOUNDARIES"); d != "" {
		FS(tb) // fails the test when d has no boundaries/
		return d
	}
	dir := tb.TempDir()
	if err := os.CopyFS(dir, data.Boundaries()); err != nil {
		tb.Fatalf("writing the %s to %s: %v", data.BoundariesName, dir, err)
	}
	return dir
}

// SharedDir returns the shared boundary data beside the repository
// (../shared/data/bd), the source of the shipped copy. When it is not there
// the test is skipped, except under CI (CI=true), where it fails: CI has the
// shared data beside the clone.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "bd")
	if !isDir(filepath.Join(d, "boundaries")) {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no shared boundary data beside the repository (%s)", d)
		}
		tb.Skip("no shared boundary data beside the repository")
	}
	return d
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

// Units returns every unit of the boundary data of FS, all levels, with
// geometry, read once per test binary. Callers must not modify the units.
func Units(tb testing.TB) []*geo.Unit {
	tb.Helper()
	fsys, name := FS(tb)
	loadOnce.Do(func() { loaded, loadErr = geo.ReadBoundaries(fsys) })
	if loadErr != nil {
		tb.Fatalf("reading boundaries from %s: %v", name, loadErr)
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
