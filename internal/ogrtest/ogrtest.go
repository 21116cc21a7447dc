// Package ogrtest runs GDAL's ogrinfo and GeoPackage validator on files
// that tests write, to check that an export opens in the tools a user would
// open it with. Debian's gdal-bin provides ogrinfo and python3-gdal the
// validator; scripts/deps.sh installs both.
package ogrtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Info runs `ogrinfo -ro args…` (options, the file, then any layer names)
// and returns its standard output. It skips tb where ogrinfo is not
// installed, except under CI=true, where it fails tb. It fails tb when
// ogrinfo exits non-zero or writes anything to standard error, where GDAL
// reports warnings as well as errors.
func Info(tb testing.TB, args ...string) string {
	tb.Helper()
	return run(tb, append([]string{"-ro"}, args...))
}

// Edit runs the SQL statement on path with `ogrinfo path -sql statement`,
// in update mode, as GDAL (and so QGIS) would edit the file: with GDAL's
// own SQL functions (ST_MinX, ST_IsEmpty, …) available to triggers. It
// skips and fails as Info does.
func Edit(tb testing.TB, path, statement string) {
	tb.Helper()
	run(tb, []string{path, "-sql", statement})
}

func run(tb testing.TB, args []string) string {
	tb.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("ogrinfo is not installed (apt-get install gdal-bin; scripts/deps.sh)")
		}
		tb.Skip("ogrinfo is not installed (apt-get install gdal-bin; scripts/deps.sh); skipping the check with GDAL")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// GDAL's messages in English whatever the machine's locale.
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s%s", strings.Join(cmd.Args, " "), err, stderr.String(), stdout.String())
	}
	if stderr.Len() > 0 {
		tb.Errorf("%s wrote to standard error:\n%s", strings.Join(cmd.Args, " "), stderr.String())
	}
	return stdout.String()
}

// Validate runs GDAL's GeoPackage validator (validate_gpkg.py, in Debian's
// python3-gdal) on path and fails tb on any finding. It skips tb where no
// python3 on the PATH has the validator, except under CI=true, where it
// fails tb.
func Validate(tb testing.TB, path string) {
	tb.Helper()
	py := pythonWithGDAL()
	if py == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("no python3 with GDAL's validate_gpkg (apt-get install python3-gdal; scripts/deps.sh)")
		}
		tb.Skip("no python3 with GDAL's validate_gpkg (apt-get install python3-gdal; scripts/deps.sh); skipping the validation")
	}
	cmd := exec.Command(py, "-m", "osgeo_utils.samples.validate_gpkg", path)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		tb.Errorf("validate_gpkg %s: %v\n%s", path, err, out)
	}
}

// pythonWithGDAL returns the first python3 on the PATH that can import
// GDAL's Python utilities (a virtualenv's python3 may come first and lack
// them), or "".
func pythonWithGDAL() string {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		py := filepath.Join(dir, "python3")
		if fi, err := os.Stat(py); err != nil || fi.IsDir() {
			continue
		}
		if exec.Command(py, "-c", "import osgeo_utils.samples.validate_gpkg").Run() == nil {
			return py
		}
	}
	return ""
}
