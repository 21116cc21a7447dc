package profile_test

import (
	"reflect"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
)

func TestJobDeltas(t *testing.T) {
	amtali := guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040911"}
	madhya := guccho.AdminCodes{Division: "BD10", District: "BD1004", Upazila: "BD100409", Union: "BD10040913"}
	district := guccho.AdminCodes{Division: "BD10", District: "BD1004"}
	cases := []struct {
		name  string
		write func(profile.JobDeltas)
		want  profile.JobDeltas
	}{
		{"an enterprise appears at every level", func(d profile.JobDeltas) {
			d.Add(amtali, "dairy", "union", false, 2, 3, +1)
		}, profile.JobDeltas{
			{geo.Division, "BD10", "dairy", "union", false}:    {1, 2, 3},
			{geo.District, "BD1004", "dairy", "union", false}:  {1, 2, 3},
			{geo.Upazila, "BD100409", "dairy", "union", false}: {1, 2, 3},
			{geo.Union, "BD10040911", "dairy", "union", false}: {1, 2, 3},
		}},
		{"placed only at its district, under unit \"\" below it", func(d profile.JobDeltas) {
			d.Add(district, "dairy", "union", false, 1, 0, +1)
		}, profile.JobDeltas{
			{geo.Division, "BD10", "dairy", "union", false}:   {1, 1, 0},
			{geo.District, "BD1004", "dairy", "union", false}: {1, 1, 0},
			{geo.Upazila, "", "dairy", "union", false}:        {1, 1, 0},
			{geo.Union, "", "dairy", "union", false}:          {1, 1, 0},
		}},
		{"a move to another union nets out above it", func(d profile.JobDeltas) {
			d.Add(amtali, "dairy", "union", false, 2, 3, -1)
			d.Add(madhya, "dairy", "union", false, 2, 3, +1)
		}, profile.JobDeltas{
			{geo.Union, "BD10040911", "dairy", "union", false}: {-1, -2, -3},
			{geo.Union, "BD10040913", "dairy", "union", false}: {1, 2, 3},
		}},
		{"new workers change jobs, not enterprises", func(d profile.JobDeltas) {
			d.Add(amtali, "dairy", "union", false, 2, 3, -1)
			d.Add(amtali, "dairy", "union", false, 2, 5, +1)
		}, profile.JobDeltas{
			{geo.Division, "BD10", "dairy", "union", false}:    {0, 0, 2},
			{geo.District, "BD1004", "dairy", "union", false}:  {0, 0, 2},
			{geo.Upazila, "BD100409", "dairy", "union", false}: {0, 0, 2},
			{geo.Union, "BD10040911", "dairy", "union", false}: {0, 0, 2},
		}},
		{"a new method or flag moves the enterprise between keys", func(d profile.JobDeltas) {
			d.Add(district, "dairy", "district", false, 1, 0, -1)
			d.Add(district, "dairy", "gps", true, 1, 0, +1)
		}, profile.JobDeltas{
			{geo.Division, "BD10", "dairy", "district", false}:   {-1, -1, 0},
			{geo.District, "BD1004", "dairy", "district", false}: {-1, -1, 0},
			{geo.Upazila, "", "dairy", "district", false}:        {-1, -1, 0},
			{geo.Union, "", "dairy", "district", false}:          {-1, -1, 0},
			{geo.Division, "BD10", "dairy", "gps", true}:         {1, 1, 0},
			{geo.District, "BD1004", "dairy", "gps", true}:       {1, 1, 0},
			{geo.Upazila, "", "dairy", "gps", true}:              {1, 1, 0},
			{geo.Union, "", "dairy", "gps", true}:                {1, 1, 0},
		}},
		{"an edit that changes neither leaves nothing", func(d profile.JobDeltas) {
			e := &guccho.Enterprise{Sector: "dairy", Admin: amtali, Geocode: guccho.Geocode{Method: "union"}, Synthetic: true, Employment: guccho.Employment{Self: 1, Wage: 1}}
			d.AddEnterprise(e, -1)
			d.AddEnterprise(e, +1)
		}, profile.JobDeltas{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := profile.JobDeltas{}
			tc.write(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestJobDeltasKeysInOrder(t *testing.T) {
	d := profile.JobDeltas{}
	d.Add(guccho.AdminCodes{Division: "BD20", District: "BD2001"}, "footwear", "union", false, 1, 0, +1)
	d.Add(guccho.AdminCodes{Division: "BD10"}, "dairy", "union", false, 1, 0, +1)
	want := []profile.JobKey{
		{geo.Division, "BD10", "dairy", "union", false}, {geo.Division, "BD20", "footwear", "union", false},
		{geo.District, "", "dairy", "union", false}, {geo.District, "BD2001", "footwear", "union", false},
		{geo.Upazila, "", "dairy", "union", false}, {geo.Upazila, "", "footwear", "union", false},
		{geo.Union, "", "dairy", "union", false}, {geo.Union, "", "footwear", "union", false},
	}
	if got := d.Keys(); !reflect.DeepEqual(got, want) {
		t.Errorf("Keys()\n got %v\nwant %v", got, want)
	}
}
