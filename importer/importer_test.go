package importer_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/survey"
)

// newImporter returns an importer over a fresh embedded store holding the
// grid fixture of bdtest.
func newImporter(t *testing.T) (*importer.Importer, *embedded.Store) {
	t.Helper()
	s, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(context.Background(), bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		t.Fatal(err)
	}
	return &importer.Importer{Store: s, Sectors: sectors, BatchSize: 2,
		Geocoders: &importer.Geocoders{Store: s, Version: s.BoundariesVersion}}, s
}

func csvReader(t *testing.T, text string) (survey.Reader, survey.Mapping) {
	t.Helper()
	b := []byte(text)
	rd, err := survey.Open(bytes.NewReader(b), int64(len(b)), "survey.csv")
	if err != nil {
		t.Fatal(err)
	}
	return rd, survey.DetectMapping(rd.Columns())
}

const survey1 = `id,name,sector,district,upazila,union,latitude,longitude,self_employed,wage_workers
E1,Rahim Shoes,footwear,Barguna,Amtali,Amtali Dakshin,22.5,90.5,1,3
E2,Karim Dairy,dairy,Bhola,Nawabganj,,,,2,0
E3,Moon Rockets,spaceships,Bhola,,,,,1,1
E4,Swapped,dairy,Barishal,Nawabganj,,91.5,23.5,1,0
E1,Again,dairy,Barguna,,,,,1,0
E5,Bad count,dairy,Barguna,,,,,many,0
`

func TestImportReportsEveryRow(t *testing.T) {
	im, s := newImporter(t)
	var snapshots []guccho.Import
	im.Progress = func(i guccho.Import) { snapshots = append(snapshots, i) }
	rd, m := csvReader(t, survey1)
	imp, err := im.Run(context.Background(), &guccho.Import{ID: importer.NewID(), Filename: "survey.csv", Format: rd.Format()}, rd, m)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Status != guccho.ImportSucceeded || imp.Read != 6 || imp.Created != 3 || imp.Failed != 3 {
		t.Errorf("report = %+v; want 6 read, 3 created (E1, E2, E4), 3 failed (spaceships, duplicate E1, bad count)", imp)
	}
	if imp.Methods["gps"] != 2 || imp.Methods["upazila"] != 1 || imp.Flags[guccho.FlagSwappedLatLon] != 1 {
		t.Errorf("methods %v, flags %v; want E1 and E4 by gps (E4 swapped), E2 by upazila", imp.Methods, imp.Flags)
	}
	if imp.Mapping["district"] != "district" || imp.Mapping["lat"] != "latitude" {
		t.Errorf("mapping recorded = %v", imp.Mapping)
	}
	if len(snapshots) < 3 || snapshots[len(snapshots)-1].Status != guccho.ImportSucceeded {
		t.Errorf("progress snapshots: %d, last %+v", len(snapshots), snapshots[len(snapshots)-1])
	}
	var fails []string
	s.FindImportFailures(context.Background(), imp.ID, func(r guccho.RowError) error {
		fails = append(fails, r.Field+"@"+strconv.Itoa(r.Row)+"="+r.Values["name"])
		return nil
	})
	if got := strings.Join(fails, " "); got != "sector@3=Moon Rockets id@5=Again self_employed@6=Bad count" {
		t.Errorf("failed rows = %q", got)
	}
	e4, err := s.FindEnterpriseByID(context.Background(), "E4")
	if err != nil || e4.Admin.Union != "BD10065113" || e4.GPS == nil || (*e4.GPS)[0] != 91.5 {
		t.Errorf("E4 (swapped GPS) = %+v, %v; want it fixed into BD10065113", e4, err)
	}
	e2, _ := s.FindEnterpriseByID(context.Background(), "E2")
	if e2.Admin.Upazila != "BD100918" || !e2.DisplayPoint || e2.Geocode.Method != "upazila" {
		t.Errorf("E2 (names only, Nawabganj in Bhola) = %+v", e2)
	}

	// The same file again changes nothing.
	rd, m = csvReader(t, survey1)
	again, err := im.Run(context.Background(), &guccho.Import{ID: importer.NewID(), Filename: "survey.csv"}, rd, m)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != 3 {
		t.Errorf("re-import = %+v, want 3 unchanged", again)
	}
	if n, _ := s.CountEnterprises(context.Background(), guccho.EnterpriseFilter{}); n != 3 {
		t.Errorf("%d enterprises after importing twice, want 3", n)
	}
}

func TestImportWithoutASectorColumnFailsWhole(t *testing.T) {
	im, s := newImporter(t)
	rd, m := csvReader(t, "id,name,district\nE1,A,Barguna\n")
	imp, err := im.Run(context.Background(), &guccho.Import{ID: "imp-x", Filename: "x.csv"}, rd, m)
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), "sector") {
		t.Fatalf("err = %v, want EINVALID naming the missing sector column", err)
	}
	stored, _ := s.FindImportByID(context.Background(), "imp-x")
	if imp.Status != guccho.ImportFailed || stored == nil || stored.Status != guccho.ImportFailed || !strings.Contains(stored.Error, "sector") {
		t.Errorf("the failed import's record = %+v", stored)
	}
}

// failingReader yields rows and then an error, like a file cut short.
type failingReader struct {
	survey.Reader
	after int
	n     int
}

func (f *failingReader) Next() (survey.Row, error) {
	f.n++
	if f.n > f.after {
		return survey.Row{}, guccho.Errorf(guccho.EINVALID, "row %d: not UTF-8 text", f.n)
	}
	return f.Reader.Next()
}

func TestAnInterruptedImportLeavesTheStoreAsItWas(t *testing.T) {
	im, s := newImporter(t)
	rd, m := csvReader(t, "id,name,sector,district\nE0,Before,dairy,Barguna\n")
	if _, err := im.Run(context.Background(), &guccho.Import{ID: "imp-1"}, rd, m); err != nil {
		t.Fatal(err)
	}
	text := "id,name,sector,district\nE0,Changed,footwear,Bhola\nE1,A,dairy,Barguna\nE2,B,dairy,Barguna\nE3,C,dairy,Barguna\nE4,D,dairy,Barguna\n"
	rd, m = csvReader(t, text)
	imp, err := im.Run(context.Background(), &guccho.Import{ID: "imp-2"}, &failingReader{Reader: rd, after: 4}, m)
	if err == nil || !strings.Contains(err.Error(), "row 5: not UTF-8") {
		t.Fatalf("err = %v, want the reader's error", err)
	}
	if imp.Status != guccho.ImportFailed {
		t.Errorf("status %q", imp.Status)
	}
	if n, _ := s.CountEnterprises(context.Background(), guccho.EnterpriseFilter{}); n != 1 {
		t.Errorf("%d enterprises after a failed import, want the 1 from before", n)
	}
	if e, _ := s.FindEnterpriseByID(context.Background(), "E0"); e.Name != "Before" {
		t.Errorf("E0 = %q, want it untouched", e.Name)
	}
}

func TestACancelledImportStoresNothing(t *testing.T) {
	im, s := newImporter(t)
	ctx, cancel := context.WithCancel(context.Background())
	im.Progress = func(i guccho.Import) {
		if i.Read >= 2 {
			cancel()
		}
	}
	rd, m := csvReader(t, "id,name,sector,district\nE1,A,dairy,Barguna\nE2,B,dairy,Barguna\nE3,C,dairy,Barguna\nE4,D,dairy,Barguna\n")
	imp, err := im.Run(ctx, &guccho.Import{ID: "imp-c"}, rd, m)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n, _ := s.CountEnterprises(context.Background(), guccho.EnterpriseFilter{}); n != 0 || imp.Status != guccho.ImportFailed {
		t.Errorf("after cancelling: %d enterprises, status %q", n, imp.Status)
	}
}

func TestNoBoundariesNoImport(t *testing.T) {
	s, _ := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "guccho.db"))
	defer s.Close()
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	im := &importer.Importer{Store: s, Sectors: sectors, Geocoders: &importer.Geocoders{Store: s, Version: s.BoundariesVersion}}
	rd, m := csvReader(t, "id,sector\nE1,dairy\n")
	_, err := im.Run(context.Background(), &guccho.Import{ID: "imp-n"}, rd, m)
	if guccho.ErrorCode(err) != guccho.EUNAVAILABLE || !strings.Contains(err.Error(), "boundaries") {
		t.Errorf("err = %v, want a message to import boundaries first", err)
	}
}

// TestImportKeepsRowsForReview: placed rows that did not reach an upazila
// are kept for review with suggestions, in row order; a well-placed row, a
// failed row and a duplicate of an earlier row are not (BatchSize 2 puts
// the duplicate in a later batch than the row it repeats).
func TestImportKeepsRowsForReview(t *testing.T) {
	im, s := newImporter(t)
	rd, m := csvReader(t, `id,name,sector,district,upazila
R1,Bazar,dairy,Barguna,Amtali Bazar
R2,Fine,dairy,Barguna,Amtali
R3,Rockets,spaceships,Barguna,Amtali Bazar
R4,Nowhere,dairy,,Nawabganj
R1,Again,dairy,Barguna,Amtali Hat
`)
	imp := &guccho.Import{ID: "imp-review", Filename: "survey.csv", Format: "csv"}
	if _, err := im.Run(context.Background(), imp, rd, m); err != nil {
		t.Fatal(err)
	}
	if imp.Review != 2 {
		t.Errorf("report counts %d rows for review, want 2", imp.Review)
	}
	page, err := s.FindReviewItems(context.Background(), imp.ID, guccho.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range page.Items {
		first := ""
		if len(it.Suggestions) > 0 {
			first = it.Suggestions[0].PCode
		}
		got = append(got, strconv.Itoa(it.Row)+" "+it.EnterpriseID+" "+it.Geocode.Method+" "+strings.Join(it.Reasons, ",")+" "+first)
	}
	want := []string{"1 R1 district not_upazila BD100409", "4 R4 none not_upazila BD100651"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("review queue:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
