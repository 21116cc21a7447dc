package postgis

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// TestContentDocHashesLikeContentHash checks that an import's one encoding
// of a record gives the hash guccho.Enterprise.ContentHash gives (edits
// and imports compare hashes to find unchanged rows), and a doc that
// reads back as the record without the columns the store keeps apart.
func TestContentDocHashesLikeContentHash(t *testing.T) {
	female := 2
	aware := true
	cases := []struct {
		name string
		e    guccho.Enterprise
	}{
		{"bare", guccho.Enterprise{ID: "e1", Sector: "dairy", Geocode: guccho.Geocode{Method: guccho.GeocodeNone}}},
		{"full", guccho.Enterprise{ID: "e2", FeatureID: 7, Name: "রহিম ডেইরি", Sector: "dairy", SubSector: "milk",
			GPS: &orb.Point{90.4, 23.8}, Point: orb.Point{90.4, 23.8},
			Admin:      guccho.AdminCodes{Division: "BD30", District: "BD3026"},
			Geocode:    guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1, Flags: []string{guccho.FlagNameFuzzy}},
			Employment: guccho.Employment{Self: 1, Wage: 3, Female: &female}, RECP: guccho.RECP{Aware: &aware},
			Barriers: []string{"high_cost"}, Attributes: map[string]string{"phone": "+8801", "b": "x"},
			ImportID: "imp-1", ImportRow: 12, CreatedAt: time.Unix(1e9, 0), UpdatedAt: time.Unix(2e9, 0)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, hash, err := contentDoc(&tc.e)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.e.ContentHash(); hash != want {
				t.Errorf("hash = %s, want %s", hash, want)
			}
			var got guccho.Enterprise
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != tc.e.ID || got.Name != tc.e.Name || got.ContentHash() != tc.e.ContentHash() {
				t.Errorf("doc reads back as %+v, want the content of %+v", got, tc.e)
			}
			if got.FeatureID != 0 || got.ImportID != "" || got.ImportRow != 0 || !got.CreatedAt.IsZero() {
				t.Errorf("doc keeps the store's own columns: %s", doc)
			}
		})
	}
}
