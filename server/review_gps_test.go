package server_test

import (
	"testing"

	"github.com/guccho/guccho"
)

// An enterprise keeps its surveyed GPS point when an editor moves it into
// another unit in its import's review (its method becomes the unit's
// level), and the point clusters are found among still holds it: the
// enterprises with a GPS point are not exactly those of method gps, so the
// cluster points cannot be read with a method filter (server
// loadGPSPoints).
func TestAReviewedGPSRecordStaysAClusterPoint(t *testing.T) {
	url, editor, _, _ := reviewServer(t)
	// A point in Bhola (BD10091815) stated as Amtali in Barguna: the GPS
	// point wins and the record goes to review as a contradiction.
	imp := importSurvey(t, url, editor, []byte("id,name,sector,district,upazila,lat,lon\n"+
		"G1,Disagreeing dairy,dairy,Barguna,Amtali,24.5,92.5\n"))
	if imp.Status != guccho.ImportSucceeded || imp.Review != 1 {
		t.Fatalf("import: %+v; want 1 row for review", imp)
	}
	if e := enterpriseAt(t, url, "G1"); e.Geocode.Method != guccho.GeocodeGPS || e.Admin.Union != "BD10091815" {
		t.Fatalf("G1 as imported: admin %+v, geocode %+v; want gps in BD10091815", e.Admin, e.Geocode)
	}
	if r := decideRow(t, url, editor, imp.ID, 1, `{"action":"pick","pcode":"BD100409"}`); r.status != 200 {
		t.Fatalf("pick for row 1 = %d %s", r.status, r.body)
	}
	e := enterpriseAt(t, url, "G1")
	if e.Geocode.Method != "upazila" || e.GPS == nil || *e.GPS != [2]float64{92.5, 24.5} {
		t.Fatalf("G1 after the pick: geocode %+v, gps %v; want method upazila and the surveyed point kept", e.Geocode, e.GPS)
	}
	a, _ := getClusters(t, url+"/api/clusters?sector=dairy&method=smef&min_units=1")
	if a.Points != 1 || len(a.Features) != 1 || a.Features[0].Properties.Centre != [2]float64{92.5, 24.5} {
		t.Errorf("clusters of dairy: %d points, features %+v; want G1's surveyed point as a cluster of one", a.Points, a.Features)
	}
}
