package profile_test

import (
	"slices"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/profile"
)

// tanner is a footwear enterprise of union BD10040913 (upazila BD100409,
// district BD1004, division BD10) that every case below edits.
func tanner() *guccho.Enterprise {
	yes := true
	return &guccho.Enterprise{ID: "e1", Name: "Tannery", Sector: "footwear",
		Admin:      guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040913"},
		Point:      [2]float64{90.1, 23.5},
		Employment: guccho.Employment{Self: 2, Wage: 3}, OwnerGender: "female",
		RECP: guccho.RECP{Aware: &yes}, Barriers: []string{"credit"}, Attributes: map[string]string{"phone": "1"}}
}

func TestChangedUnitsListsTheDeepestUnitsOfAnEditThatChangesWhatProfilesCount(t *testing.T) {
	here, there := "BD10040913", "BD20030405"
	cases := []struct {
		name string
		edit func(e *guccho.Enterprise) // nil: the enterprise is gone
		old  bool                       // the enterprise existed before
		want []string
	}{
		{"a rename counts alike", func(e *guccho.Enterprise) { e.Name = "Tannery Ltd" }, true, nil},
		{"a move within the union counts alike", func(e *guccho.Enterprise) { e.Point = [2]float64{90.11, 23.51} }, true, nil},
		{"an attribute no profile counts", func(e *guccho.Enterprise) { e.Attributes["phone"] = "2" }, true, nil},
		{"a barrier listed twice counts once", func(e *guccho.Enterprise) { e.Barriers = []string{"credit", "credit"} }, true, nil},
		{"wage jobs", func(e *guccho.Enterprise) { e.Employment.Wage++ }, true, []string{here, here}},
		{"workers by gender", func(e *guccho.Enterprise) { f := 0; e.Employment.Female = &f }, true, []string{here, here}},
		{"the owner's gender", func(e *guccho.Enterprise) { e.OwnerGender = "" }, true, []string{here, here}},
		{"RECP adoption", func(e *guccho.Enterprise) { no := false; e.RECP.Adopted = &no }, true, []string{here, here}},
		{"a barrier", func(e *guccho.Enterprise) { e.Barriers = []string{"power"} }, true, []string{here, here}},
		{"the sector", func(e *guccho.Enterprise) { e.Sector = "dairy" }, true, []string{here, here}},
		{"a move to another division", func(e *guccho.Enterprise) {
			e.Admin = guccho.AdminCodes{Division: "BD20", District: "BD2003", Upazila: "BD200304", Union: there}
		}, true, []string{here, there}},
		{"placed only at its district now", func(e *guccho.Enterprise) { e.Admin.Upazila, e.Admin.Union = "", "" }, true, []string{here, "BD1004"}},
		{"created", func(*guccho.Enterprise) {}, false, []string{here}},
		{"deleted", nil, true, []string{here}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var old, e *guccho.Enterprise
			if tc.old {
				old = tanner()
			}
			if tc.edit != nil {
				e = tanner()
				tc.edit(e)
			}
			if got := profile.ChangedUnits(old, e); !slices.Equal(got, tc.want) {
				t.Errorf("ChangedUnits = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDeepestUnitsAreTheCodesNoOtherLiesIn(t *testing.T) {
	cases := []struct {
		name  string
		admin guccho.AdminCodes
		want  []string
	}{
		{"none", guccho.AdminCodes{}, nil},
		{"nested to the union", guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040913"}, []string{"BD10040913"}},
		{"nested to the district", guccho.AdminCodes{Division: "BD10", District: "BD1004"}, []string{"BD1004"}},
		{"codes that do not nest", guccho.AdminCodes{Division: "BD10", District: "BD2003"}, []string{"BD10", "BD2003"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := profile.DeepestUnits(tc.admin); !slices.Equal(got, tc.want) {
				t.Errorf("DeepestUnits(%+v) = %q, want %q", tc.admin, got, tc.want)
			}
		})
	}
}
