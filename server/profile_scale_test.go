package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/store"
)

// wholeCountryCounter is an embedded store that records which of its
// aggregations the server asks for.
type wholeCountryCounter struct {
	*embedded.Store
	mu    sync.Mutex
	whole []geo.Level // AggregateEnterprises: every unit of a level
	units []string    // AggregateUnit
}

func (c *wholeCountryCounter) AggregateEnterprises(ctx context.Context, lv geo.Level) ([]profile.Aggregate, error) {
	c.mu.Lock()
	c.whole = append(c.whole, lv)
	c.mu.Unlock()
	return c.Store.AggregateEnterprises(ctx, lv)
}

func (c *wholeCountryCounter) AggregateUnit(ctx context.Context, pcode string) ([]profile.Aggregate, error) {
	c.mu.Lock()
	c.units = append(c.units, pcode)
	c.mu.Unlock()
	return c.Store.AggregateUnit(ctx, pcode)
}

// The profile of a unit reads that unit's enterprises and the enterprises
// and jobs of its level, and statistics read only enterprises and jobs,
// never the whole aggregates of every unit of the country (a pass over
// every answer of every enterprise's record, barriers too: minutes at 12
// million); the profile still equals the one computed from those
// aggregates.
func TestProfileOfAUnitDoesNotAggregateTheCountry(t *testing.T) {
	var counter *wholeCountryCounter
	ts, _, _ := statsServerOver(t, func(s *embedded.Store) store.Store {
		counter = &wholeCountryCounter{Store: s}
		return counter
	})
	for _, tc := range []struct {
		name, pcode string
		level       geo.Level
	}{
		{"division", "BD10", geo.Division},
		{"district", "BD1004", geo.District},
		{"upazila", "BD100409", geo.Upazila},
		{"union", "BD10040911", geo.Union},
		{"union without enterprises", "BD10040915", geo.Union},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got profile.Profile
			decode(t, get(t, ts.URL+"/api/profile/"+tc.pcode+"?min_count=1"), &got)
			all, err := counter.Store.AggregateEnterprises(context.Background(), tc.level)
			if err != nil {
				t.Fatal(err)
			}
			want, err := profile.OfUnit(all, tc.pcode, 1)
			if err != nil {
				t.Fatal(err)
			}
			wantJSON, _ := json.Marshal(want)
			var wantBack profile.Profile
			json.Unmarshal(wantJSON, &wantBack)
			if !reflect.DeepEqual(got, wantBack) {
				t.Errorf("profile of %s\n got %+v\nwant %+v (from every unit's aggregates)", tc.pcode, got, wantBack)
			}
		})
	}
	for _, path := range []string{"/api/stats/lq?sector=dairy&level=district&min_count=1", "/api/stats/hotspots?level=union&permutations=9"} {
		if r := get(t, ts.URL+path); r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	counter.mu.Lock()
	defer counter.mu.Unlock()
	if len(counter.whole) > 0 {
		t.Errorf("profiles and statistics aggregated every answer of every unit of levels %v; want none", counter.whole)
	}
	if want := []string{"BD10", "BD1004", "BD100409", "BD10040911", "BD10040915"}; !reflect.DeepEqual(counter.units, want) {
		t.Errorf("units aggregated %v, want %v", counter.units, want)
	}
}

// The profile of the whole country (GET /api/profile/BD) is read from the
// national sums every write keeps (enterprises, self and wage jobs per
// sector), aggregating no unit at all: it equals the profile of every
// enterprise summed with only those counts, every sector's LQ is 1, and
// the parts those sums do not count are named.
func TestProfileOfTheCountryReadsTheNationalSums(t *testing.T) {
	var counter *wholeCountryCounter
	ts, _, _ := statsServerOver(t, func(s *embedded.Store) store.Store {
		counter = &wholeCountryCounter{Store: s}
		return counter
	})
	var got struct {
		Unit struct {
			PCode     string `json:"pcode"`
			LevelName string `json:"level_name"`
			NameEN    string `json:"name_en"`
			NameBN    string `json:"name_bn"`
		} `json:"unit"`
		profile.Profile
		NearestCentre *struct{} `json:"nearest_centre"`
		NotSummed     []string  `json:"not_summed"`
	}
	r := get(t, ts.URL+"/api/profile/BD?min_count=1")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/profile/BD: %d %s", r.status, r.body)
	}
	decode(t, r, &got)
	// Every enterprise, resolved to a division or not, with only what the
	// national sums count.
	all, err := counter.Store.AggregateEnterprises(context.Background(), geo.Division)
	if err != nil {
		t.Fatal(err)
	}
	var sums []profile.Aggregate
	for _, a := range all {
		sums = append(sums, profile.Aggregate{Unit: a.Unit, Sector: a.Sector,
			Counts: profile.Counts{Enterprises: a.Enterprises, Self: a.Self, Wage: a.Wage}})
	}
	want, err := profile.New(sums, sums, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	var wantBack profile.Profile
	json.Unmarshal(wantJSON, &wantBack)
	if !reflect.DeepEqual(got.Profile, wantBack) {
		t.Errorf("profile of the country\n got %+v\nwant %+v", got.Profile, wantBack)
	}
	var stats guccho.EnterpriseStats
	decode(t, get(t, ts.URL+"/api/enterprises/stats"), &stats)
	if got.Enterprises != stats.Total || got.Enterprises == 0 {
		t.Errorf("the country's profile counts %d enterprises, the store holds %d", got.Enterprises, stats.Total)
	}
	for _, sec := range got.Sectors {
		if sec.LQ == nil || *sec.LQ != 1 {
			t.Errorf("sector %s: LQ %v against the country itself, want 1", sec.Code, sec.LQ)
		}
	}
	if got.Unit.PCode != "BD" || got.Unit.LevelName != "country" || got.Unit.NameEN != "Bangladesh" || got.Unit.NameBN != "বাংলাদেশ" {
		t.Errorf("unit %+v, want BD, country, Bangladesh, বাংলাদেশ", got.Unit)
	}
	if want := []string{"gender", "owners", "recp", "barriers"}; !reflect.DeepEqual(got.NotSummed, want) || got.NearestCentre != nil {
		t.Errorf("not_summed %v, nearest_centre %v; want %v and null", got.NotSummed, got.NearestCentre, want)
	}
	counter.mu.Lock()
	defer counter.mu.Unlock()
	if len(counter.whole) > 0 || len(counter.units) > 0 {
		t.Errorf("the country's profile aggregated units %v and every unit of levels %v; want neither", counter.units, counter.whole)
	}
}

// The whole country's enterprise counts read every enterprise; the answer
// is kept until the enterprises change, and the first answer after a
// change counts the change.
func TestEnterpriseStatsAreCachedUntilEnterprisesChange(t *testing.T) {
	ts, token, _ := statsServer(t)
	for _, url := range []string{ts.URL + "/api/enterprises/stats", ts.URL + "/api/enterprises/stats?admin=BD1004"} {
		var before guccho.EnterpriseStats
		decode(t, get(t, url), &before)
		// The fixture's own writes reach the hub's listener asynchronously
		// and may drop the first answer once more; wait until one stays.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if r := get(t, url); r.header.Get("X-Cache") == "hit" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: never answered from the cache", url)
			}
		}
		body := fmt.Sprintf(`{"id":"NEW%d","name":"New dairy","sector":"dairy","gps":[90.5,22.5],"employment":{"self":1}}`, before.Total)
		if r := do(t, "POST", ts.URL+"/api/enterprises", token, "application/json", strings.NewReader(body)); r.status != http.StatusCreated {
			t.Fatalf("POST: %d %s", r.status, r.body)
		}
		r := get(t, url)
		var after guccho.EnterpriseStats
		decode(t, r, &after)
		if r.header.Get("X-Cache") != "miss" || after.Total != before.Total+1 || after.BySector["dairy"] != before.BySector["dairy"]+1 {
			t.Errorf("%s after adding a dairy enterprise: X-Cache %q, total %d, dairy %d; want miss, %d, %d", url,
				r.header.Get("X-Cache"), after.Total, after.BySector["dairy"], before.Total+1, before.BySector["dairy"]+1)
		}
	}
}
