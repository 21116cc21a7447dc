package gpkg_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/gpkg"
	"github.com/guccho/guccho/internal/ogrtest"
)

// places are the points of the fixture, with Bangla names.
var places = []struct {
	name, nameBN string
	lon, lat     float64
	enterprises  int
}{
	{"Bhairab", "ভৈরব", 90.9950, 24.0500, 10000},
	{"Dhaka", "ঢাকা", 90.4125, 23.8103, 52},
	{"Bogura", "বগুড়া", 89.3700, 24.8500, 7},
}

// writeFixture writes a GeoPackage of two layers: "grid", the 3×3 grid of
// one-degree squares from (90, 22) to (93, 25), named r<row>c<col> from the
// south-west, with the cell number 1–9 and its area in square degrees (the
// centre cell's NULL); and "places", three points with Bangla names.
func writeFixture(t *testing.T, path string) {
	t.Helper()
	w, err := gpkg.Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	grid, err := w.AddLayer(gpkg.Schema{Name: "grid", Description: "a 3×3 grid", Geometry: gpkg.Polygon, Fields: []gpkg.Field{
		{Name: "name", Type: gpkg.Text}, {Name: "cell", Type: gpkg.Integer}, {Name: "area", Type: gpkg.Real}}})
	if err != nil {
		t.Fatal(err)
	}
	for row := 0; row < 3; row++ {
		for col := 0; col < 3; col++ {
			lon, lat := 90+float64(col), 22+float64(row)
			sq := orb.Polygon{{{lon, lat}, {lon + 1, lat}, {lon + 1, lat + 1}, {lon, lat + 1}, {lon, lat}}}
			area := 1.0
			if row == 1 && col == 1 {
				area = math.NaN()
			}
			if err := grid.Add(sq, fmt.Sprintf("r%dc%d", row, col), 3*row+col+1, area); err != nil {
				t.Fatal(err)
			}
		}
	}
	pts, err := w.AddLayer(gpkg.Schema{Name: "places", Geometry: gpkg.Point, Fields: []gpkg.Field{
		{Name: "name_en", Type: gpkg.Text}, {Name: "name_bn", Type: gpkg.Text}, {Name: "enterprises", Type: gpkg.Integer}, {Name: "cluster", Type: gpkg.Integer}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range places {
		if err := pts.Add(orb.Point{p.lon, p.lat}, p.name, &p.nameBN, p.enterprises, p.enterprises >= 50); err != nil {
			t.Fatal(err)
		}
	}
	if grid.Count() != 9 || pts.Count() != 3 {
		t.Errorf("counts %d and %d, want 9 and 3", grid.Count(), pts.Count())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func openRead(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestWriterTables reads the file back with SQL: the header pragmas, the
// required tables and rows, the features and the spatial index.
func TestWriterTables(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fixture.gpkg")
	writeFixture(t, path)
	if files, _ := os.ReadDir(dir); len(files) != 1 {
		t.Errorf("%d files after writing, want the GeoPackage alone (no journal)", len(files))
	}
	db := openRead(t, path)
	one := func(query string, dst ...any) {
		t.Helper()
		if err := db.QueryRow(query).Scan(dst...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}

	var appID, version int64
	one("PRAGMA application_id", &appID)
	one("PRAGMA user_version", &version)
	if appID != 0x47504B47 || version != 10300 {
		t.Errorf("application_id %#x, user_version %d; want 0x47504b47 (GPKG), 10300", appID, version)
	}
	var check string
	one("PRAGMA integrity_check", &check)
	if check != "ok" {
		t.Errorf("integrity_check: %s", check)
	}
	var srs string
	one("SELECT group_concat(srs_id || ':' || organization || ':' || organization_coordsys_id, ' ') FROM (SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id)", &srs)
	if srs != "-1:NONE:-1 0:NONE:0 4326:EPSG:4326" {
		t.Errorf("gpkg_spatial_ref_sys %s, want the three required rows", srs)
	}

	rows, err := db.Query(`SELECT c.table_name, data_type, identifier, description, last_change || '', min_x, min_y, max_x, max_y, c.srs_id,
		g.column_name, g.geometry_type_name, g.srs_id, g.z, g.m
		FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) ORDER BY c.table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for rows.Next() {
		var name, kind, ident, desc, change, col, gtype string
		var minX, minY, maxX, maxY float64
		var srs, gsrs, z, m int
		if err := rows.Scan(&name, &kind, &ident, &desc, &change, &minX, &minY, &maxX, &maxY, &srs, &col, &gtype, &gsrs, &z, &m); err != nil {
			t.Fatal(err)
		}
		if !stamp.MatchString(change) {
			t.Errorf("%s: last_change %q, want YYYY-MM-DDTHH:MM:SS.SSSZ", name, change)
		}
		got = append(got, fmt.Sprintf("%s %s %s %q [%g %g %g %g] %d %s %s %d %d %d", name, kind, ident, desc, minX, minY, maxX, maxY, srs, col, gtype, gsrs, z, m))
	}
	want := []string{
		`grid features grid "a 3×3 grid" [90 22 93 25] 4326 geom POLYGON 4326 0 0`,
		`places features places "" [89.37 23.8103 90.995 24.85] 4326 geom POINT 4326 0 0`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("contents:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var ext string
	one("SELECT group_concat(table_name || '.' || column_name || ' ' || extension_name || ' ' || scope, ', ') FROM gpkg_extensions", &ext)
	if ext != "grid.geom gpkg_rtree_index write-only, places.geom gpkg_rtree_index write-only" {
		t.Errorf("extensions %s", ext)
	}
	var indexed int
	one("SELECT count(*) FROM rtree_grid_geom WHERE minx >= 91 AND maxx <= 92", &indexed)
	if indexed != 3 {
		t.Errorf("%d grid cells indexed within lon 91–92, want 3 (the middle column)", indexed)
	}
	var triggers int
	one("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'places'", &triggers)
	if triggers != 6 {
		t.Errorf("%d spatial index triggers on places, want 6 (insert, update1–4, delete)", triggers)
	}

	var blob []byte
	var name string
	var cell int
	var area sql.NullFloat64
	one("SELECT geom, name, cell, area FROM grid WHERE fid = 5", &blob, &name, &cell, &area)
	if name != "r1c1" || cell != 5 || area.Valid {
		t.Errorf("grid fid 5: %s, cell %d, area %v; want r1c1, 5, NULL (NaN)", name, cell, area)
	}
	if got, want := fmt.Sprintf("% x", blob[:8]), "47 50 00 03 e6 10 00 00"; got != want {
		t.Errorf("geometry header % x, want %s", blob[:8], want)
	}
	var bn string
	var cluster int
	one("SELECT name_bn, cluster FROM places WHERE name_en = 'Bogura'", &bn, &cluster)
	if bn != "বগুড়া" || cluster != 0 {
		t.Errorf("Bogura: %q, cluster %d; want বগুড়া, 0", bn, cluster)
	}
}

// TestWriterOpensInGDAL opens the file with ogrinfo, as QGIS would through
// GDAL: layers, geometry types, counts, extents and values, with no warning;
// and runs GDAL's GeoPackage validator.
func TestWriterOpensInGDAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fixture.gpkg")
	writeFixture(t, path)

	summary := ogrtest.Info(t, "-so", "-al", path)
	for _, want := range []string{
		"INFO: Open of `" + path + "'\n      using driver `GPKG' successful.",
		"Layer name: grid\nMetadata:\n  DESCRIPTION=a 3×3 grid\nGeometry: Polygon\nFeature Count: 9\nExtent: (90.000000, 22.000000) - (93.000000, 25.000000)",
		"Layer name: places\nGeometry: Point\nFeature Count: 3\nExtent: (89.370000, 23.810300) - (90.995000, 24.850000)",
		"name: String (0.0)\ncell: Integer64 (0.0)\narea: Real (0.0)",
		"name_en: String (0.0)\nname_bn: String (0.0)\nenterprises: Integer64 (0.0)\ncluster: Integer64 (0.0)",
		`ID["EPSG",4326]`,
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("ogrinfo -so -al lacks %q:\n%s", want, summary)
		}
	}

	all := ogrtest.Info(t, "-al", "-q", path)
	for _, want := range []string{
		"OGRFeature(grid):5\n  name (String) = r1c1\n  cell (Integer64) = 5\n  area (Real) = (null)\n  POLYGON ((91 23,92 23,92 24,91 24,91 23))",
		"OGRFeature(grid):9\n  name (String) = r2c2\n  cell (Integer64) = 9\n  area (Real) = 1\n  POLYGON ((92 24,93 24,93 25,92 25,92 24))",
		"OGRFeature(places):1\n  name_en (String) = Bhairab\n  name_bn (String) = ভৈরব\n  enterprises (Integer64) = 10000\n  cluster (Integer64) = 1\n  POINT (90.995 24.05)",
		"name_bn (String) = বগুড়া",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("ogrinfo -al lacks %q:\n%s", want, all)
		}
	}

	// A spatial filter inside the centre cell finds that cell alone.
	filtered := ogrtest.Info(t, "-so", "-spat", "91.5", "23.5", "91.6", "23.6", path, "grid")
	if !strings.Contains(filtered, "Feature Count: 1\n") {
		t.Errorf("ogrinfo -spat inside the centre cell:\n%s", filtered)
	}
	ogrtest.Validate(t, path)
}

// TestIndexFollowsEdits edits a written file through GDAL, as QGIS would,
// and checks that the spatial index triggers keep the R*Tree in step.
func TestIndexFollowsEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "edited.gpkg")
	writeFixture(t, path)
	indexed := func() int {
		t.Helper()
		db := openRead(t, path)
		defer db.Close()
		var n int
		if err := db.QueryRow("SELECT count(*) FROM rtree_grid_geom").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, step := range []struct {
		sql  string
		want int
	}{
		{"DELETE FROM grid WHERE fid = 1", 8},
		{"UPDATE grid SET geom = NULL WHERE fid = 2", 7},
		{"INSERT INTO grid (geom, name) SELECT geom, 'copy' FROM grid WHERE fid = 9", 8},
	} {
		ogrtest.Edit(t, path, step.sql)
		if got := indexed(); got != step.want {
			t.Errorf("after %s: %d rows in rtree_grid_geom, want %d", step.sql, got, step.want)
		}
	}
	if all := ogrtest.Info(t, "-so", "-spat", "92.5", "24.5", "92.6", "24.6", path, "grid"); !strings.Contains(all, "Feature Count: 2\n") {
		t.Errorf("a spatial filter in the north-east cell after the edits:\n%s\nwant 2 features (r2c2 and its copy)", all)
	}
}

// TestWriterRefuses checks that a bad schema or value is refused with a
// message naming the layer, feature and field, and leaves the file
// writable.
func TestWriterRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refuse.gpkg")
	w, err := gpkg.Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Discard()
	pts, err := w.AddLayer(gpkg.Schema{Name: "pts", Geometry: gpkg.Point, Fields: []gpkg.Field{{Name: "n", Type: gpkg.Integer}, {Name: "s", Type: gpkg.Text}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		schema gpkg.Schema
		want   string
	}{
		{"no name", gpkg.Schema{Geometry: gpkg.Point}, "needs a name"},
		{"a reserved name", gpkg.Schema{Name: "gpkg_things", Geometry: gpkg.Point}, "reserved"},
		{"a repeated name", gpkg.Schema{Name: "PTS", Geometry: gpkg.Point}, `layer "PTS": the GeoPackage has a layer of that name`},
		{"an unknown geometry type", gpkg.Schema{Name: "x", Geometry: "CURVE"}, `geometry type "CURVE"`},
		{"a field named fid", gpkg.Schema{Name: "x", Geometry: gpkg.Point, Fields: []gpkg.Field{{Name: "FID", Type: gpkg.Integer}}}, `field "FID": the name is taken`},
		{"a repeated field", gpkg.Schema{Name: "x", Geometry: gpkg.Point, Fields: []gpkg.Field{{Name: "a", Type: gpkg.Text}, {Name: "A", Type: gpkg.Text}}}, `field "A"`},
		{"an unknown field type", gpkg.Schema{Name: "x", Geometry: gpkg.Point, Fields: []gpkg.Field{{Name: "a", Type: "BLOB"}}}, `field "a": type "BLOB"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.AddLayer(tc.schema)
			if err == nil || !strings.Contains(err.Error(), tc.want) || guccho.ErrorCode(err) != guccho.EINVALID {
				t.Errorf("AddLayer: %v, want an invalid error mentioning %q", err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		g      orb.Geometry
		values []any
		want   string
	}{
		{"too few values", orb.Point{1, 2}, []any{1}, `layer "pts", feature 1: 1 values for 2 fields`},
		{"a string for an integer", orb.Point{1, 2}, []any{"seven", "x"}, `feature 1: field n: string seven is not an integer`},
		{"a number for a text", orb.Point{1, 2}, []any{7, 8}, `field s: int 8 is not a string`},
		{"a polygon in a point layer", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, []any{1, "x"}, "a POLYGON in a POINT layer"},
		{"a coordinate that is not a number", orb.Point{math.NaN(), 2}, []any{1, "x"}, "not a finite number"},
		{"an integer too large", orb.Point{1, 2}, []any{uint64(math.MaxUint64), "x"}, "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := pts.Add(tc.g, tc.values...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || guccho.ErrorCode(err) != guccho.EINVALID {
				t.Errorf("Add: %v, want an invalid error mentioning %q", err, tc.want)
			}
		})
	}
	// The refusals left nothing behind: the next feature is number 1.
	if err := pts.Add(orb.Point{1, 2}, int8(3), "ok"); err != nil {
		t.Fatal(err)
	}
	if err := pts.Add(nil, "x", "y"); err == nil || !strings.Contains(err.Error(), "feature 2") {
		t.Errorf("second feature: %v, want an error naming feature 2", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pts.Add(orb.Point{1, 2}, 1, "late"); err == nil {
		t.Error("Add after Close succeeded")
	}
}

// TestCreateReplacesAFile checks that Create replaces what is at the path,
// as os.Create would.
func TestCreateReplacesAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.gpkg")
	os.WriteFile(path, []byte("not a GeoPackage"), 0o644)
	writeFixture(t, path)
	var n int
	if err := openRead(t, path).QueryRow("SELECT count(*) FROM grid").Scan(&n); err != nil || n != 9 {
		t.Errorf("grid after replacing: %d rows, %v", n, err)
	}
	if _, err := gpkg.Create(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir.gpkg")); err == nil || guccho.ErrorCode(err) != guccho.EINVALID {
		t.Errorf("Create in a missing directory: %v, want an invalid error", err)
	}
}

// TestCancelRemovesTheFile checks that a write whose context ends fails,
// and leaves no file behind.
func TestCancelRemovesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cancelled.gpkg")
	ctx, cancel := context.WithCancel(context.Background())
	w, err := gpkg.Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := w.AddLayer(gpkg.Schema{Name: "pts", Geometry: gpkg.Point})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Add(orb.Point{1, 2}); err != nil {
		t.Fatal(err)
	}
	cancel()
	err = l.Add(orb.Point{3, 4})
	if cerr := w.Close(); cerr == nil {
		t.Fatalf("Close after cancel succeeded (Add: %v)", err)
	} else if guccho.ErrorCode(cerr) != guccho.EUNAVAILABLE {
		t.Errorf("Close: %v, want unavailable", cerr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file is still there: %v", err)
	}
}
