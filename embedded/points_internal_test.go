package embedded

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/tiles"
)

// backToSchema12 turns the closed store at path into what the code before
// migration 0013 kept: the points of enterprise_points in an R*Tree
// (enterprise_rtree), each at the point it was indexed at — the row's, or
// for a row an unfinished indexing has not moved yet, its saved prior
// version's — the cursor columns under their old names, and 0013 not
// applied.
func backToSchema12(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type entry struct {
		key, fid int64
		at       []orb.Point // the row's point and any saved ones
	}
	var entries []*entry
	rows, err := db.Query(`SELECT p.key, p.fid, e.lon, e.lat FROM enterprise_points p JOIN enterprises e ON e.fid = p.fid`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e entry
		var lon, lat sql.NullFloat64
		if err := rows.Scan(&e.key, &e.fid, &lon, &lat); err != nil {
			t.Fatal(err)
		}
		if p, ok := pointOf(lon, lat); ok {
			e.at = append(e.at, p)
		}
		entries = append(entries, &e)
	}
	rows.Close()
	for _, e := range entries {
		rows, err := db.Query(`SELECT lon, lat FROM import_undo WHERE fid = ? AND lon IS NOT NULL`, e.fid)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p orb.Point
			if err := rows.Scan(&p[0], &p[1]); err != nil {
				t.Fatal(err)
			}
			e.at = append(e.at, p)
		}
		rows.Close()
	}
	if _, err := db.Exec(`CREATE VIRTUAL TABLE enterprise_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat)`); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		i := slices.IndexFunc(e.at, func(p orb.Point) bool { return tiles.PointKey(p) == e.key })
		if i < 0 {
			t.Fatalf("points entry (%d, %d) is at no point the enterprise has or had", e.key, e.fid)
		}
		p := e.at[i]
		if _, err := db.Exec(`INSERT INTO enterprise_rtree VALUES (?, ?, ?, ?, ?)`, e.fid, p[0], p[0], p[1], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`DROP TABLE enterprise_points;
		ALTER TABLE import_indexing RENAME COLUMN points_done TO rtree_done;
		ALTER TABLE import_indexing RENAME COLUMN points_key TO rtree_key;
		ALTER TABLE import_indexing RENAME COLUMN points_fid TO rtree_fid;
		DELETE FROM schema_migrations WHERE version = 13`); err != nil {
		t.Fatal(err)
	}
}

// rtreePointTile is a point tile as the code before migration 0013 read
// it — the R*Tree's entries in the tile's buffered box, in feature id
// order — and how many of them were not in the box: the R*Tree keeps
// 32-bit floats rounded outwards (1e-5° at Bangladesh's longitudes), so it
// also drew points up to a metre or so beyond the buffer's edge, which the
// points table does not.
func rtreePointTile(t *testing.T, path string, tile maptile.Tile) ([]byte, int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := tiles.PointTileBound(tile)
	rows, err := db.Query(`SELECT e.fid, e.id, e.lon, e.lat, e.sector, e.method, e.display_point, e.synthetic
		FROM enterprise_rtree r JOIN enterprises e ON e.fid = r.id
		WHERE r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? AND r.min_lat <= ? ORDER BY e.fid`,
		b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pts []tiles.PointFeature
	beyond := 0
	for rows.Next() {
		var p tiles.PointFeature
		if err := rows.Scan(&p.FeatureID, &p.ID, &p.Point[0], &p.Point[1], &p.Sector, &p.Method, &p.Display, &p.Synthetic); err != nil {
			t.Fatal(err)
		}
		if !b.Contains(p.Point) {
			beyond++
			continue
		}
		pts = append(pts, p)
	}
	raw, err := tiles.EncodePoints(tile, pts)
	if err != nil {
		t.Fatal(err)
	}
	return raw, beyond
}

// A store from before migration 0013 keeps its map: the migration fills
// enterprise_points with what the R*Tree held — every tile from z12 to
// z16 is the same, byte for byte, but for points the R*Tree's rounding
// let in from beyond the buffer's edge — and an import it finds stopped in
// its R*Tree pass is indexed again from the start and ends exact.
func TestPointsMigrationFromTheRTree(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "guccho.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 13))
	at := func() orb.Point { return orb.Point{90.9 + r.Float64()*0.1, 24.0 + r.Float64()*0.1} }
	var first []*guccho.Enterprise
	for i := range 800 {
		first = append(first, pyramidEnterprise(fmt.Sprintf("E%d", i), "dairy", at()))
	}
	// A hair beyond the buffer of E0's z16 tile: the R*Tree drew it there.
	edge := tiles.PointTileBound(maptile.At(first[0].Point, 16))
	first = append(first, pyramidEnterprise("EDGE", "dairy", orb.Point{edge.Max[0] + 1e-9, edge.Center()[1]}))
	importBatches(t, s, "imp-first", first)
	// Edits: one moved, one deleted, one no longer placed.
	moved := pyramidEnterprise("E1", "dairy", at())
	if err := s.UpdateEnterprise(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEnterprise(ctx, "E2"); err != nil {
		t.Fatal(err)
	}
	unplaced := pyramidEnterprise("E3", "dairy", orb.Point{})
	unplaced.GPS, unplaced.Point, unplaced.Geocode = nil, orb.Point{}, guccho.Geocode{Method: guccho.GeocodeNone}
	if err := s.UpdateEnterprise(ctx, unplaced); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	s.Close()

	backToSchema12(t, path)
	var sample []maptile.Tile
	for _, e := range first[:40] {
		for z := maptile.Zoom(tiles.PointZoom); z <= 16; z++ {
			sample = append(sample, maptile.At(e.Point, z))
		}
	}
	var before [][]byte
	beyond := 0
	for _, tile := range sample {
		raw, n := rtreePointTile(t, path, tile)
		beyond += n
		before = append(before, raw)
	}
	if beyond == 0 {
		t.Error("the R*Tree drew no point beyond a tile's buffer; it should have drawn EDGE")
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkIndexes(t, s)
	for i, tile := range sample {
		got, err := s.Tile(ctx, tiles.Request{Layer: "enterprises", Tile: tile})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, before[i]) {
			t.Errorf("tile %v: %d bytes after the migration, %d from the R*Tree before, not the same", tile, len(got), len(before[i]))
		}
	}

	// An import stopped in its R*Tree pass: 300 moved, 100 new.
	var second []*guccho.Enterprise
	for i := range 300 {
		second = append(second, pyramidEnterprise(fmt.Sprintf("E%d", 400+i), "dairy", at()))
	}
	for i := range 100 {
		second = append(second, pyramidEnterprise(fmt.Sprintf("N%d", i), "footwear_leather", at()))
	}
	interruptedImport(t, s, "imp-second", second, 50)
	s.Close()

	backToSchema12(t, path)
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := readIndexState(ctx, s.db, "imp-second")
	if err != nil || st.phase != phaseIndexing || st.pointsDone || st.pointsKey.Valid {
		t.Fatalf("after the migration the import's indexing is %+v (%v), want phase indexing with no points cursor", st, err)
	}
	finishIndexing(t, s, "imp-second")
	checkIndexes(t, s)
}

// The bounding-box filter of FindEnterprises gives exactly the indexed
// enterprises whose points are in the box, edges included.
func TestBoundFilterIsExact(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(7, 14))
	var es []*guccho.Enterprise
	for i := range 1000 {
		p := orb.Point{90.9 + r.Float64()*0.1, 24.0 + r.Float64()*0.1}
		if i%10 == 0 { // on a z14 tile's corner: on a box's edge below
			p = maptile.At(p, 14).Bound().Min
		}
		es = append(es, pyramidEnterprise(fmt.Sprintf("E%d", i), "dairy", p))
	}
	importBatches(t, s, "imp", es)
	boxes := []struct {
		name string
		b    orb.Bound
	}{
		{"a z14 tile", maptile.At(es[0].Point, 14).Bound()},
		{"a z16 tile", maptile.At(es[5].Point, 16).Bound()},
		{"the whole cloud", orb.Bound{Min: orb.Point{90.9, 24.0}, Max: orb.Point{91, 24.1}}},
		{"a thin strip", orb.Bound{Min: orb.Point{90.9, es[10].Point[1]}, Max: orb.Point{91, es[10].Point[1]}}},
		{"one point", es[20].Point.Bound()},
		{"nothing", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}},
	}
	for _, c := range boxes {
		t.Run(c.name, func(t *testing.T) {
			var want, got []string
			for _, e := range es {
				if c.b.Contains(e.Point) {
					want = append(want, e.ID)
				}
			}
			b := c.b
			err := s.FindEnterprises(ctx, guccho.EnterpriseFilter{Bound: &b}, func(e *guccho.Enterprise) error {
				got = append(got, e.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%d enterprises in the box, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
			}
		})
	}
}
