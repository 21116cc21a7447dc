// Package gpkg writes OGC GeoPackage files (OGC 12-128r18, version 1.3):
// one SQLite file with feature layers of EPSG:4326 geometries and typed
// attribute columns, which QGIS, GDAL/OGR (ogrinfo, ogr2ogr) and ArcGIS
// open as they are. It is pure Go, on the modernc.org/sqlite driver.
//
// A file is written in one transaction:
//
//	w, err := gpkg.Create(ctx, "clusters.gpkg")
//	l, err := w.AddLayer(gpkg.Schema{Name: "clusters", Geometry: gpkg.Polygon,
//		Fields: []gpkg.Field{{Name: "sector", Type: gpkg.Text}, {Name: "size", Type: gpkg.Integer}}})
//	err = l.Add(outline, "dairy", 52)
//	err = w.Close() // commits; Discard instead drops the file
//
// Each layer gets the spatial index extension (gpkg_rtree_index): an R*Tree
// filled as features are added and the triggers that keep it up to date
// when another program edits the file later.
package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/guccho/guccho"
)

// The header values that mark an SQLite file as a GeoPackage 1.3.
const (
	ApplicationID = 0x47504B47 // "GPKG"
	UserVersion   = 10300      // 1.3.0
)

// SRSID is the spatial reference system of every layer: EPSG:4326, WGS 84
// longitude/latitude in degrees (x = longitude, y = latitude).
const SRSID = 4326

// GeometryColumn is the name of each layer's geometry column.
const GeometryColumn = "geom"

// GeometryType is the geometry type of a layer, as GeoPackage names it.
type GeometryType string

// The geometry types a layer may declare. Geometry accepts any of them.
const (
	Point              GeometryType = "POINT"
	LineString         GeometryType = "LINESTRING"
	Polygon            GeometryType = "POLYGON"
	MultiPoint         GeometryType = "MULTIPOINT"
	MultiLineString    GeometryType = "MULTILINESTRING"
	MultiPolygon       GeometryType = "MULTIPOLYGON"
	GeometryCollection GeometryType = "GEOMETRYCOLLECTION"
	Geometry           GeometryType = "GEOMETRY"
)

// typeOf returns the GeoPackage type name of an orb geometry (a Ring or a
// Bound is written as a polygon).
func typeOf(g orb.Geometry) GeometryType {
	return GeometryType(strings.ToUpper(g.GeoJSONType()))
}

// FieldType is the SQLite type of an attribute column.
type FieldType string

// The attribute column types.
const (
	Text    FieldType = "TEXT"    // a Go string
	Integer FieldType = "INTEGER" // any Go integer, or a bool as 0/1
	Real    FieldType = "REAL"    // a float64 or float32 (NaN is NULL), or any integer
)

// Field is an attribute column of a layer.
type Field struct {
	Name string
	Type FieldType
}

// Schema describes a feature layer.
type Schema struct {
	// Name is the table name and the layer's identifier. It must not be
	// empty, start with gpkg_, rtree_ or sqlite_, or repeat (in any case)
	// the name of another layer of the file.
	Name string
	// Description is shown by QGIS as the layer's abstract and by ogrinfo
	// as its DESCRIPTION.
	Description string
	Geometry    GeometryType
	// Fields are the attribute columns, in order; names must differ from
	// each other and from "fid" and "geom" (in any case).
	Fields []Field
}

// Writer writes a GeoPackage file in one transaction. It is not safe for
// concurrent use.
type Writer struct {
	path   string
	ctx    context.Context // of Create, which the transaction ends with
	db     *sql.DB
	tx     *sql.Tx
	layers []*Layer
	names  map[string]bool // lower-case table names
	now    string          // last_change of every layer
	err    error           // the first database error; the file is then lost
	done   bool
}

// Layer is one feature table of a Writer.
type Layer struct {
	w      *Writer
	schema Schema
	insert *sql.Stmt
	index  *sql.Stmt
	count  int
	bound  orb.Bound
	bounds bool // whether bound holds a geometry yet
}

// Create starts a GeoPackage at path, replacing any file there (and its
// SQLite journal). ctx governs the whole write, as the context of
// sql.DB.BeginTx does: once it is done, Add and Close fail and the file is
// removed. Every layer is EPSG:4326. Errors are EINVALID for a path that
// cannot be written, else EINTERNAL.
func Create(ctx context.Context, path string) (*Writer, error) {
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: %v", path, err)
		}
	}
	// Create the file first, so that a bad path fails with the operating
	// system's words rather than SQLite's.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: %v", path, err)
	}
	f.Close()
	// The journal stays in memory: the file is new, and a failed write
	// removes it rather than rolling it back.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(MEMORY)&_pragma=synchronous(OFF)")
	if err != nil {
		os.Remove(path)
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "opening %s", path)
	}
	db.SetMaxOpenConns(1)
	w := &Writer{path: path, ctx: ctx, db: db, names: map[string]bool{}, now: time.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	if err := w.start(ctx); err != nil {
		w.Discard()
		return nil, err
	}
	return w, nil
}

// srsRows are the rows of gpkg_spatial_ref_sys the standard requires.
var srsRows = []struct {
	name, org  string
	id, orgID  int
	definition string
	desc       string
}{
	{"WGS 84 geodetic", "EPSG", 4326, 4326, `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`,
		"longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"},
	{"Undefined cartesian SRS", "NONE", -1, -1, "undefined", "undefined cartesian coordinate reference system"},
	{"Undefined geographic SRS", "NONE", 0, 0, "undefined", "undefined geographic coordinate reference system"},
}

// start marks the file as a GeoPackage and creates the required tables.
func (w *Writer) start(ctx context.Context) error {
	for _, q := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", ApplicationID),
		fmt.Sprintf("PRAGMA user_version = %d", UserVersion),
	} {
		if _, err := w.db.ExecContext(ctx, q); err != nil {
			return guccho.WrapError(err, guccho.EINTERNAL, "%s: %s", w.path, q)
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return guccho.WrapError(err, guccho.EINTERNAL, "%s: starting the transaction", w.path)
	}
	w.tx = tx
	if err := w.exec(`CREATE TABLE gpkg_spatial_ref_sys (
	srs_name TEXT NOT NULL,
	srs_id INTEGER PRIMARY KEY,
	organization TEXT NOT NULL,
	organization_coordsys_id INTEGER NOT NULL,
	definition TEXT NOT NULL,
	description TEXT)`); err != nil {
		return err
	}
	for _, r := range srsRows {
		if err := w.exec(`INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)`, r.name, r.id, r.org, r.orgID, r.definition, r.desc); err != nil {
			return err
		}
	}
	return w.exec(`CREATE TABLE gpkg_contents (
	table_name TEXT NOT NULL PRIMARY KEY,
	data_type TEXT NOT NULL,
	identifier TEXT UNIQUE,
	description TEXT DEFAULT '',
	last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
	srs_id INTEGER,
	CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
	table_name TEXT NOT NULL,
	column_name TEXT NOT NULL,
	geometry_type_name TEXT NOT NULL,
	srs_id INTEGER NOT NULL,
	z TINYINT NOT NULL,
	m TINYINT NOT NULL,
	CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
	CONSTRAINT uk_gc_table_name UNIQUE (table_name),
	CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
	CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_extensions (
	table_name TEXT,
	column_name TEXT,
	extension_name TEXT NOT NULL,
	definition TEXT NOT NULL,
	scope TEXT NOT NULL,
	CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`)
}

// exec runs one statement in the transaction, keeping the first error.
func (w *Writer) exec(query string, args ...any) error {
	if _, err := w.tx.Exec(query, args...); err != nil {
		return w.fail(err, "%s", firstLine(query))
	}
	return nil
}

// fail records a database error: the write cannot go on.
func (w *Writer) fail(err error, format string, args ...any) error {
	code := guccho.EINTERNAL
	if w.ctx.Err() != nil {
		code, err = guccho.EUNAVAILABLE, fmt.Errorf("%w (%w)", w.ctx.Err(), err)
	}
	e := guccho.WrapError(err, code, "%s: %s", w.path, fmt.Sprintf(format, args...))
	if w.err == nil {
		w.err = e
	}
	return e
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// quote returns an SQL identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// AddLayer creates a feature layer. Errors are EINVALID and name the layer
// and field at fault (see Schema).
func (w *Writer) AddLayer(s Schema) (*Layer, error) {
	if w.done {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: the GeoPackage is closed", w.path)
	}
	if w.err != nil {
		return nil, w.err
	}
	if err := w.check(s); err != nil {
		return nil, err
	}
	cols := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", quote(GeometryColumn) + " " + string(s.Geometry)}
	marks := []string{"?"}
	for _, f := range s.Fields {
		cols = append(cols, quote(f.Name)+" "+string(f.Type))
		marks = append(marks, "?")
	}
	t, rtree := quote(s.Name), quote("rtree_"+s.Name+"_"+GeometryColumn)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"CREATE TABLE " + t + " (" + strings.Join(cols, ", ") + ")", nil},
		{`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, 'features', ?, ?, ?, ?)`,
			[]any{s.Name, s.Name, s.Description, w.now, SRSID}},
		{`INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)`, []any{s.Name, GeometryColumn, string(s.Geometry), SRSID}},
		{"CREATE VIRTUAL TABLE " + rtree + " USING rtree(id, minx, maxx, miny, maxy)", nil},
		{`INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`,
			[]any{s.Name, GeometryColumn}},
	} {
		if err := w.exec(q.sql, q.args...); err != nil {
			return nil, err
		}
	}
	l := &Layer{w: w, schema: s}
	var err error
	fields := []string{quote(GeometryColumn)}
	for _, f := range s.Fields {
		fields = append(fields, quote(f.Name))
	}
	if l.insert, err = w.tx.Prepare("INSERT INTO " + t + " (" + strings.Join(fields, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"); err != nil {
		return nil, w.fail(err, "layer %q: preparing the insert", s.Name)
	}
	if l.index, err = w.tx.Prepare("INSERT INTO " + rtree + " VALUES (?, ?, ?, ?, ?)"); err != nil {
		return nil, w.fail(err, "layer %q: preparing the index insert", s.Name)
	}
	w.names[strings.ToLower(s.Name)] = true
	w.layers = append(w.layers, l)
	return l, nil
}

// check validates a schema.
func (w *Writer) check(s Schema) error {
	bad := func(format string, args ...any) error {
		return guccho.Errorf(guccho.EINVALID, "layer %q: %s", s.Name, fmt.Sprintf(format, args...))
	}
	lower := strings.ToLower(s.Name)
	switch {
	case strings.TrimSpace(s.Name) == "":
		return guccho.Errorf(guccho.EINVALID, "a layer needs a name")
	case strings.ContainsRune(s.Name, 0):
		return bad("a name cannot hold a NUL character")
	case strings.HasPrefix(lower, "gpkg_") || strings.HasPrefix(lower, "rtree_") || strings.HasPrefix(lower, "sqlite_"):
		return bad("names beginning gpkg_, rtree_ or sqlite_ are reserved")
	case w.names[lower]:
		return bad("the GeoPackage has a layer of that name already")
	}
	switch s.Geometry {
	case Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon, GeometryCollection, Geometry:
	default:
		return bad("geometry type %q: want POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION or GEOMETRY", s.Geometry)
	}
	seen := map[string]bool{"fid": true, GeometryColumn: true}
	for i, f := range s.Fields {
		switch {
		case strings.TrimSpace(f.Name) == "":
			return bad("field %d has no name", i+1)
		case strings.ContainsRune(f.Name, 0):
			return bad("field %d: a name cannot hold a NUL character", i+1)
		case seen[strings.ToLower(f.Name)]:
			return bad("field %q: the name is taken (fid and geom are the layer's own)", f.Name)
		}
		seen[strings.ToLower(f.Name)] = true
		switch f.Type {
		case Text, Integer, Real:
		default:
			return bad("field %q: type %q: want TEXT, INTEGER or REAL", f.Name, f.Type)
		}
	}
	return nil
}

// Add writes one feature: its geometry (nil for none) and one value per
// field, in the schema's order. A value may be nil (NULL) or a pointer
// (nil is NULL); see FieldType for the Go types each column takes. A
// geometry must be of the layer's type, unless the layer's is Geometry, and
// its coordinates finite.
// Errors name the layer, the feature (counted from 1) and the field: EINVALID
// for a value or geometry that does not fit, which leaves the file as it
// was; a database error ends the write (Close then fails).
func (l *Layer) Add(g orb.Geometry, values ...any) error {
	w := l.w
	if w.done {
		return guccho.Errorf(guccho.EINVALID, "%s: the GeoPackage is closed", w.path)
	}
	if w.err != nil {
		return w.err
	}
	n := l.count + 1
	bad := func(format string, args ...any) error {
		return guccho.Errorf(guccho.EINVALID, "layer %q, feature %d: %s", l.schema.Name, n, fmt.Sprintf(format, args...))
	}
	if len(values) != len(l.schema.Fields) {
		return bad("%d values for %d fields", len(values), len(l.schema.Fields))
	}
	args := make([]any, 1+len(values))
	if g != nil {
		if t := typeOf(g); l.schema.Geometry != Geometry && t != l.schema.Geometry {
			return bad("a %s in a %s layer", t, l.schema.Geometry)
		}
		if b := g.Bound(); !finite(b.Min[0], b.Min[1], b.Max[0], b.Max[1]) {
			return bad("a coordinate is not a finite number")
		}
		b, err := EncodeGeometry(g, SRSID)
		if err != nil {
			return bad("%s", guccho.ErrorMessage(err))
		}
		args[0] = b
	}
	for i, v := range values {
		f := l.schema.Fields[i]
		a, err := convert(v, f.Type)
		if err != nil {
			return bad("field %s: %v", f.Name, err)
		}
		args[1+i] = a
	}
	res, err := l.insert.Exec(args...)
	if err != nil {
		return w.fail(err, "layer %q, feature %d", l.schema.Name, n)
	}
	l.count = n
	if g == nil || empty(g) {
		return nil
	}
	fid, err := res.LastInsertId()
	if err != nil {
		return w.fail(err, "layer %q, feature %d: its fid", l.schema.Name, n)
	}
	b := g.Bound()
	if _, err := l.index.Exec(fid, b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
		return w.fail(err, "layer %q, feature %d: the spatial index", l.schema.Name, n)
	}
	if l.bounds {
		l.bound = l.bound.Union(b)
	} else {
		l.bound, l.bounds = b, true
	}
	return nil
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Count returns the number of features added.
func (l *Layer) Count() int { return l.count }

// convert returns v as the value of a column of type t.
func convert(v any, t FieldType) (any, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil, nil
	}
	switch k := rv.Kind(); {
	case t == Text && k == reflect.String:
		return rv.String(), nil
	case t == Integer && k == reflect.Bool:
		if rv.Bool() {
			return int64(1), nil
		}
		return int64(0), nil
	case (t == Integer || t == Real) && rv.CanInt():
		if t == Real {
			return float64(rv.Int()), nil
		}
		return rv.Int(), nil
	case (t == Integer || t == Real) && rv.CanUint():
		u := rv.Uint()
		if t == Real {
			return float64(u), nil
		}
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%d is too large for an INTEGER", u)
		}
		return int64(u), nil
	case t == Real && rv.CanFloat():
		x := rv.Float()
		if math.IsNaN(x) {
			return nil, nil
		}
		return x, nil
	}
	want := map[FieldType]string{Text: "a string", Integer: "an integer or a bool", Real: "a number"}[t]
	return nil, fmt.Errorf("%T %v is not %s", v, v, want)
}

// Close writes each layer's extent, adds the spatial index triggers,
// commits and closes the file. After a database error (or once the context
// of Create is done) it removes the file and returns the error. Calling
// Close again does nothing.
func (w *Writer) Close() error {
	if w.done {
		return nil
	}
	if w.err != nil {
		err := w.err
		w.Discard()
		return err
	}
	for _, l := range w.layers {
		l.insert.Close()
		l.index.Close()
		if l.bounds {
			b := l.bound
			if err := w.exec(`UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
				b.Min[0], b.Min[1], b.Max[0], b.Max[1], l.schema.Name); err != nil {
				break
			}
		}
		if err := w.exec(rtreeTriggers(l.schema.Name, GeometryColumn)); err != nil {
			break
		}
	}
	if w.err == nil {
		if err := w.tx.Commit(); err != nil {
			w.fail(err, "committing")
		}
	}
	if w.err != nil {
		err := w.err
		w.Discard()
		return err
	}
	w.done = true
	if err := w.db.Close(); err != nil {
		return guccho.WrapError(err, guccho.EINTERNAL, "%s: closing", w.path)
	}
	return nil
}

// Discard abandons the write and removes the file. It does nothing after
// Close succeeded.
func (w *Writer) Discard() {
	if w.done {
		return
	}
	w.done = true
	if w.tx != nil {
		w.tx.Rollback()
	}
	w.db.Close()
	os.Remove(w.path)
}

// rtreeTriggers returns the triggers of the spatial index extension
// (OGC 12-128r18, annex F.3) for column c of table t, with fid as the row
// id: they keep rtree_<t>_<c> in step with inserts, updates and deletes
// made after the file is written. They call ST_IsEmpty, ST_MinX and the
// like, which GeoPackage readers that write (GDAL, QGIS) provide; this
// package fills the index itself and adds the triggers last.
func rtreeTriggers(t, c string) string {
	r := strings.NewReplacer(
		"<T>", quote(t), "<C>", quote(c), "<R>", quote("rtree_"+t+"_"+c),
		"<N>", strings.ReplaceAll("rtree_"+t+"_"+c, `"`, `""`),
		"<BOUNDS>", fmt.Sprintf("NEW.fid, ST_MinX(NEW.%[1]s), ST_MaxX(NEW.%[1]s), ST_MinY(NEW.%[1]s), ST_MaxY(NEW.%[1]s)", quote(c)),
	)
	return r.Replace(`
CREATE TRIGGER "<N>_insert" AFTER INSERT ON <T>
WHEN (NEW.<C> NOT NULL AND NOT ST_IsEmpty(NEW.<C>))
BEGIN
	INSERT OR REPLACE INTO <R> VALUES (<BOUNDS>);
END;
CREATE TRIGGER "<N>_update1" AFTER UPDATE OF <C> ON <T>
WHEN OLD.fid = NEW.fid AND (NEW.<C> NOTNULL AND NOT ST_IsEmpty(NEW.<C>))
BEGIN
	INSERT OR REPLACE INTO <R> VALUES (<BOUNDS>);
END;
CREATE TRIGGER "<N>_update2" AFTER UPDATE OF <C> ON <T>
WHEN OLD.fid = NEW.fid AND (NEW.<C> ISNULL OR ST_IsEmpty(NEW.<C>))
BEGIN
	DELETE FROM <R> WHERE id = OLD.fid;
END;
CREATE TRIGGER "<N>_update3" AFTER UPDATE ON <T>
WHEN OLD.fid != NEW.fid AND (NEW.<C> NOTNULL AND NOT ST_IsEmpty(NEW.<C>))
BEGIN
	DELETE FROM <R> WHERE id = OLD.fid;
	INSERT OR REPLACE INTO <R> VALUES (<BOUNDS>);
END;
CREATE TRIGGER "<N>_update4" AFTER UPDATE ON <T>
WHEN OLD.fid != NEW.fid AND (NEW.<C> ISNULL OR ST_IsEmpty(NEW.<C>))
BEGIN
	DELETE FROM <R> WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER "<N>_delete" AFTER DELETE ON <T>
WHEN OLD.<C> NOT NULL
BEGIN
	DELETE FROM <R> WHERE id = OLD.fid;
END;`)
}
