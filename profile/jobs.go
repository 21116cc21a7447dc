package profile

import (
	"cmp"
	"slices"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// JobKey names one row of Aggregator.AggregateJobs: a unit of a level
// (division to union; "" for enterprises not resolved to the level) and a
// sector.
type JobKey struct {
	Level  geo.Level
	Unit   string
	Sector string
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

// Add counts an enterprise of sector, resolved to the units admin, with
// self and wage jobs: sign +1 when it appears, −1 when it goes. Self and
// wage are counted as CountsOf counts them.
func (d JobDeltas) Add(admin guccho.AdminCodes, sector string, self, wage, sign int) {
	for _, u := range [...]struct {
		level geo.Level
		unit  string
	}{{geo.Division, admin.Division}, {geo.District, admin.District}, {geo.Upazila, admin.Upazila}, {geo.Union, admin.Union}} {
		k := JobKey{u.level, u.unit, sector}
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
	d.Add(e.Admin, e.Sector, e.Employment.Self, e.Employment.Wage, sign)
}

// Keys returns the keys ordered by level, unit and sector (byte by byte).
// Stores write them in this order, so that two writers never take the
// same rows' locks in opposite orders.
func (d JobDeltas) Keys() []JobKey {
	keys := make([]JobKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b JobKey) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), strings.Compare(a.Unit, b.Unit), strings.Compare(a.Sector, b.Sector))
	})
	return keys
}
