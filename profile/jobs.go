package profile

import (
	"cmp"
	"slices"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// JobKey names one row of the sums that stores keep for
// Aggregator.AggregateJobs and EnterpriseStats: a unit of a level
// (division to union; "" for enterprises not resolved to the level), a
// sector, a geocode method and the synthetic flag. AggregateJobs sums the
// rows of a unit and sector over their methods and flags; EnterpriseStats
// sums a unit's rows (the whole country: every division's, and "").
type JobKey struct {
	Level     geo.Level
	Unit      string
	Sector    string
	Method    string
	Synthetic bool
}

// Jobs is a change to one row of AggregateJobs: enterprises, self and wage
// jobs added (negative: removed).
type Jobs struct{ Enterprises, Self, Wage int }

// JobDeltas accumulates the changes a write makes to the sums
// AggregateJobs returns, at every level it accepts. Stores keep those sums
// as a table and apply a write's deltas in the write's own transaction, as
// they do the count pyramid's (tiles.CellDeltas), so that AggregateJobs
// reads them instead of every enterprise. Keys whose change nets to zero
// are dropped.
type JobDeltas map[JobKey]Jobs

// Add counts an enterprise of sector, geocoded by method (synthetic or
// not), resolved to the units admin, with self and wage jobs: sign +1 when
// it appears, −1 when it goes. Self and wage are counted as CountsOf
// counts them.
func (d JobDeltas) Add(admin guccho.AdminCodes, sector, method string, synthetic bool, self, wage, sign int) {
	for _, u := range [...]struct {
		level geo.Level
		unit  string
	}{{geo.Division, admin.Division}, {geo.District, admin.District}, {geo.Upazila, admin.Upazila}, {geo.Union, admin.Union}} {
		k := JobKey{u.level, u.unit, sector, method, synthetic}
		v := d[k]
		v.Enterprises += sign
		v.Self += sign * self
		v.Wage += sign * wage
		if v == (Jobs{}) {
			delete(d, k)
		} else {
			d[k] = v
		}
	}
}

// AddEnterprise counts e with sign +1 (it appears) or −1 (it goes).
func (d JobDeltas) AddEnterprise(e *guccho.Enterprise, sign int) {
	d.Add(e.Admin, e.Sector, string(e.Geocode.Method), e.Synthetic, e.Employment.Self, e.Employment.Wage, sign)
}

// Keys returns the keys ordered by level, unit, sector, method (byte by
// byte) and synthetic (false first).
// Stores write them in this order, so that two writers never take the
// same rows' locks in opposite orders.
func (d JobDeltas) Keys() []JobKey {
	keys := make([]JobKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b JobKey) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), strings.Compare(a.Unit, b.Unit), strings.Compare(a.Sector, b.Sector),
			strings.Compare(a.Method, b.Method), compareBool(a.Synthetic, b.Synthetic))
	})
	return keys
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
