// Package bdtest finds the shared Bangladesh boundary data for tests and
// benchmarks. The data is never copied into the repository: it is read from
// $GUCCHO_BOUNDARIES or, failing that, from ../shared/data/bd beside the
// repository.
package bdtest

import (
	"os"
	"path/filepath"
	"runtime"
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
