package server_test

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"

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

// The profile of a unit reads that unit's enterprises and the per-sector
// totals of its level, never the aggregates of every unit of the country
// (which cost a pass over every enterprise's whole record: minutes at 12
// million), and still equals the profile computed from those aggregates.
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
	counter.mu.Lock()
	defer counter.mu.Unlock()
	if len(counter.whole) > 0 {
		t.Errorf("profiles aggregated every unit of levels %v; want only the units asked for", counter.whole)
	}
	if want := []string{"BD10", "BD1004", "BD100409", "BD10040911", "BD10040915"}; !reflect.DeepEqual(counter.units, want) {
		t.Errorf("units aggregated %v, want %v", counter.units, want)
	}
}
