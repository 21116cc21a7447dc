package pgtest_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryPackageStopsItsCluster checks that every package whose tests
// use pgtest runs them through pgtest.Main: without it the throwaway
// cluster its first test started outlives the test binary (the server
// package's did, one PostgreSQL left running per run).
func TestEveryPackageStopsItsCluster(t *testing.T) {
	root := filepath.Join("..", "..")
	uses, stops := map[string]bool{}, map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		if strings.Contains(string(src), `"github.com/guccho/guccho/internal/pgtest"`) {
			uses[dir] = true
		}
		if strings.Contains(string(src), "pgtest.Main(m)") {
			stops[dir] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) < 3 {
		t.Fatalf("found pgtest used in %d packages; the walk did not reach the repository", len(uses))
	}
	for dir := range uses {
		if !stops[dir] {
			t.Errorf("%s: its tests use pgtest but have no TestMain calling pgtest.Main(m)", dir)
		}
	}
}
