package guccho_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/guccho/guccho"
)

func TestAChangeListsItsUnitsOnlyWhenTheWriteDoes(t *testing.T) {
	pt := &[2]float64{90, 23}
	cases := []struct {
		name       string
		build      func() guccho.ChangeBuilder
		wantJSON   string // the "units" member, or "" for none
		wantUnits  []string
		wantListed bool
	}{
		{"an edit that changes no profile lists none", func() guccho.ChangeBuilder {
			b := guccho.ChangeBuilder{Action: "updated", ListUnits: true}
			b.Add("e1", "footwear", pt)
			b.AddUnits()
			return b
		}, `[]`, []string{}, true},
		{"an edit lists its units once each, sorted", func() guccho.ChangeBuilder {
			b := guccho.ChangeBuilder{Action: "updated", ListUnits: true}
			b.Add("e1", "footwear", pt)
			b.AddUnits("BD20030405", "BD10040913", "BD10040913", "")
			return b
		}, `["BD10040913","BD20030405"]`, []string{"BD10040913", "BD20030405"}, true},
		{"a write that does not list them", func() guccho.ChangeBuilder {
			b := guccho.ChangeBuilder{Action: "imported", ImportID: "i1"}
			b.Add("e1", "footwear", pt)
			b.AddUnits("BD10040913")
			return b
		}, "", nil, false},
		{"a write of more than MaxChangeIDs enterprises", func() guccho.ChangeBuilder {
			b := guccho.ChangeBuilder{Action: "deleted", ListUnits: true}
			for i := range guccho.MaxChangeIDs + 1 {
				b.Add(fmt.Sprint("e", i), "footwear", pt)
				b.AddUnits("BD10040913")
			}
			return b
		}, "", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.build()
			raw, err := json.Marshal(b.Change())
			if err != nil {
				t.Fatal(err)
			}
			var members map[string]json.RawMessage
			if err := json.Unmarshal(raw, &members); err != nil {
				t.Fatal(err)
			}
			if got := string(members["units"]); got != tc.wantJSON {
				t.Errorf("units in %s = %q, want %q", raw, got, tc.wantJSON)
			}
			var back guccho.EnterpriseChange // as a reader of the log sees it
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			units, listed := back.ChangedUnits()
			if listed != tc.wantListed || !slices.Equal(units, tc.wantUnits) || (listed && units == nil) {
				t.Errorf("ChangedUnits() = %q, %v; want %q, %v", units, listed, tc.wantUnits, tc.wantListed)
			}
		})
	}
}
