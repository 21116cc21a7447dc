package data_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
)

// shipped lists the files of the default set as geo.ReadBoundaries and a
// reader of its licences see them.
var shipped = []string{
	"README.md", "LICENSE.md", "PROVENANCE.md",
	"LICENSE-nuhil-bangladesh-geocode.txt", "LICENSE-r-bangladesh.md",
	"boundaries/bd_adm0_country.geojson", "boundaries/bd_adm1_divisions.geojson",
	"boundaries/bd_adm2_districts.geojson", "boundaries/bd_adm3_upazilas.geojson",
	"boundaries/bd_adm4_unions.geojson",
	"gazetteer/bd_alt_names.csv", "gazetteer/bd_divisions.csv", "gazetteer/bd_districts.csv",
	"gazetteer/bd_upazilas.csv", "gazetteer/bd_unions.csv",
}

func TestBoundariesIsAFileSystem(t *testing.T) {
	if err := fstest.TestFS(data.Boundaries(), shipped...); err != nil {
		t.Fatal(err)
	}
}

func TestBoundariesHidesCompressedNames(t *testing.T) {
	fsys := data.Boundaries()
	if _, err := fs.Stat(fsys, "boundaries/bd_adm2_districts.geojson.gz"); err == nil {
		t.Error("the compressed name is visible; want only the uncompressed one")
	}
	m, err := fs.Glob(fsys, "boundaries/bd_adm2_*.geojson")
	if err != nil || len(m) != 1 {
		t.Errorf("Glob(boundaries/bd_adm2_*.geojson) = %v, %v; want the districts file", m, err)
	}
	b, err := fs.ReadFile(fsys, "gazetteer/bd_divisions.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("adm1_pcode,")) {
		t.Errorf("bd_divisions.csv starts %q; want the CSV header, decompressed", b[:min(len(b), 20)])
	}
}

func TestBoundariesReadAsTheCODABSet(t *testing.T) {
	units, err := geo.ReadBoundaries(data.Boundaries())
	if err != nil {
		t.Fatal(err)
	}
	got := map[geo.Level]int{}
	for _, u := range units {
		got[u.Level]++
	}
	want := map[geo.Level]int{geo.Country: 1, geo.Division: 8, geo.District: 64, geo.Upazila: 544, geo.Union: 5160}
	for l, n := range want {
		if got[l] != n {
			t.Errorf("level %s: %d units, want %d", l, got[l], n)
		}
	}
	a := geo.NewAtlas(units)
	dhaka, err := a.Unit("BD3026")
	if err != nil {
		t.Fatal(err)
	}
	if dhaka.NameEN != "Dhaka" || dhaka.NameBN != "ঢাকা" {
		t.Errorf("BD3026 is %q (%q), want Dhaka (ঢাকা)", dhaka.NameEN, dhaka.NameBN)
	}
}

func TestBoundariesCarryTheirLicences(t *testing.T) {
	fsys := data.Boundaries()
	for name, want := range map[string]string{
		"LICENSE.md":                           "CC BY 3.0 IGO",
		"LICENSE-nuhil-bangladesh-geocode.txt": "Copyright (c) 2014 Nuhil Mehdy",
		"LICENSE-r-bangladesh.md":              "Copyright (c) 2022 bangladesh authors",
	} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v; want it to contain %q", name, err, want)
		}
	}
}

// The shipped copy is byte for byte the shared data it was made from (run
// scripts/bd-data.sh when this fails after the shared data changed).
func TestBoundariesMatchSharedData(t *testing.T) {
	dir := bdtest.SharedDir(t)
	fsys := data.Boundaries()
	for _, name := range shipped {
		if !strings.HasPrefix(name, "boundaries/") && !strings.HasPrefix(name, "gazetteer/") {
			continue
		}
		got, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the shared data (%d bytes, want %d)", name, len(got), len(want))
		}
	}
}
