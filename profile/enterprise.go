package profile

import "github.com/guccho/guccho"

// CountsOf returns the counts of one enterprise, as a store's
// AggregateEnterprises counts it: summing CountsOf over the enterprises of
// a unit and sector gives that unit's Aggregate. It is how the profile of
// an area that is no admin unit — a point cluster's members — is built.
func CountsOf(e *guccho.Enterprise) Counts {
	c := Counts{Enterprises: 1, Self: e.Employment.Self, Wage: e.Employment.Wage}
	if f, m := e.Employment.Female, e.Employment.Male; f != nil || m != nil {
		c.GenderReported = 1
		if f != nil {
			c.Female = *f
		}
		if m != nil {
			c.Male = *m
		}
	}
	switch e.OwnerGender {
	case "female":
		c.OwnerFemale = 1
	case "male":
		c.OwnerMale = 1
	case "other":
		c.OwnerOther = 1
	}
	if a := e.RECP.Aware; a != nil {
		c.AwareKnown = 1
		if *a {
			c.Aware = 1
		}
	}
	if a := e.RECP.Adopted; a != nil {
		c.AdoptedKnown = 1
		if *a {
			c.Adopted = 1
		}
	}
	for _, b := range e.Barriers {
		if c.Barriers == nil {
			c.Barriers = map[string]int{}
		}
		c.Barriers[b] = 1 // once per enterprise, however often it is listed
	}
	return c
}
