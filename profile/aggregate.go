// Package profile describes the enterprises of an area — an admin unit, or a
// set of units such as a potential cluster — as researchers profile a
// cluster: enterprises and jobs (self and wage, workers by gender where the
// survey gives them, owners by gender), the sector mix with each sector's
// location quotient against the whole country, awareness and adoption of
// Resource-Efficient and Cleaner Production (RECP), and the barriers named.
//
// Stores sum enterprises per admin unit and sector (Aggregator, one GROUP BY
// in the database, or for enterprises and jobs alone a table the stores
// keep in step with their writes); everything else here is pure arithmetic
// over those sums, so a profile never reads an enterprise twice.
package profile

import (
	"context"
	"maps"

	"github.com/guccho/guccho/geo"
)

// Counts sums the enterprises of one group. Every field counts enterprises
// except the job and worker sums.
type Counts struct {
	Enterprises int `json:"enterprises"`
	Self        int `json:"self_jobs"` // owners and unpaid family workers
	Wage        int `json:"wage_jobs"` // paid workers
	// GenderReported counts the enterprises that gave their workers by
	// gender (female, male or both); Female and Male sum those workers.
	GenderReported int `json:"gender_reported"`
	Female         int `json:"female_workers"`
	Male           int `json:"male_workers"`
	// Owners by gender; enterprises without an owner gender count in none.
	OwnerFemale int `json:"owner_female"`
	OwnerMale   int `json:"owner_male"`
	OwnerOther  int `json:"owner_other"`
	// RECP: AwareKnown enterprises said whether they know RECP, Aware of
	// them said yes; the same for adoption.
	AwareKnown   int `json:"recp_aware_known"`
	Aware        int `json:"recp_aware"`
	AdoptedKnown int `json:"recp_adopted_known"`
	Adopted      int `json:"recp_adopted"`
	// Barriers counts, per barrier as recorded, the enterprises naming it
	// (once each, however often an enterprise lists it).
	Barriers map[string]int `json:"barriers,omitempty"`
}

// Jobs is self plus wage employment.
func (c Counts) Jobs() int { return c.Self + c.Wage }

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Enterprises += o.Enterprises
	c.Self += o.Self
	c.Wage += o.Wage
	c.GenderReported += o.GenderReported
	c.Female += o.Female
	c.Male += o.Male
	c.OwnerFemale += o.OwnerFemale
	c.OwnerMale += o.OwnerMale
	c.OwnerOther += o.OwnerOther
	c.AwareKnown += o.AwareKnown
	c.Aware += o.Aware
	c.AdoptedKnown += o.AdoptedKnown
	c.Adopted += o.Adopted
	if len(o.Barriers) > 0 && c.Barriers == nil {
		c.Barriers = make(map[string]int, len(o.Barriers))
	}
	for b, n := range o.Barriers {
		c.Barriers[b] += n
	}
}

// Clone returns a copy of c that shares nothing with it.
func (c Counts) Clone() Counts {
	c.Barriers = maps.Clone(c.Barriers)
	return c
}

// Aggregate is the sum of the enterprises of one sector in one admin unit.
type Aggregate struct {
	// Unit is the P-code at the level aggregated; "" sums the enterprises
	// not resolved to that level (placed only at a coarser level, or not
	// at all).
	Unit   string `json:"unit"`
	Sector string `json:"sector"`
	Counts
}

// Aggregator is a store that sums its enterprises per admin unit; the
// embedded and PostGIS stores implement it, and the server offers
// statistics and profiles when its enterprise store does.
type Aggregator interface {
	// AggregateEnterprises returns one Aggregate per unit of the level and
	// sector that has enterprises, ordered by unit and sector, read in one
	// consistent snapshot. Units without enterprises are absent. level
	// must be geo.Division, District, Upazila or Union (else EINVALID).
	AggregateEnterprises(ctx context.Context, level geo.Level) ([]Aggregate, error)
	// AggregateUnit returns the Aggregates of the one unit pcode (a
	// division, district, upazila or union P-code, else EINVALID), one per
	// sector, ordered by sector: the rows of AggregateEnterprises at the
	// unit's level whose Unit is pcode. It reads only that unit's
	// enterprises (through an index), so its cost follows the unit's size,
	// not the country's. A unit without enterprises has none.
	AggregateUnit(ctx context.Context, pcode string) ([]Aggregate, error)
	// AggregateJobs returns the rows of AggregateEnterprises at level
	// with only Enterprises, Self and Wage counted (the other counts zero,
	// no barriers): what location quotients, Moran's I and hot spots
	// divide and compare. Stores keep these sums up to date as they write
	// (JobDeltas), so reading them costs the level's units and sectors,
	// not its enterprises. Same order, Unit "" for enterprises not
	// resolved to the level; EINVALID for a level that is no division,
	// district, upazila or union.
	AggregateJobs(ctx context.Context, level geo.Level) ([]Aggregate, error)
}

// EventStale is the type of the transient event the server publishes on
// the clusters topic when enterprises or boundaries changed, so that
// statistics and profiles computed before are out of date: clients that
// show them fetch them again. Its payload names the event that caused it
// ({"cause":"enterprises.changed","event_id":42}).
const EventStale = "clusters.stale"
