package profile

import (
	"maps"
	"reflect"
	"strings"

	"github.com/guccho/guccho"
)

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

// ChangedUnits returns the P-codes a write lists in its change event
// (guccho.EnterpriseChange.Units) for one enterprise that was old and is
// now e (old nil: created; e nil: deleted): none when both count alike in
// every unit — the same CountsOf, sector and admin codes at every level, as
// after a rename or a move within a unit — and otherwise the deepest units
// of both (DeepestUnits), whose profiles and their ancestors' may differ.
func ChangedUnits(old, e *guccho.Enterprise) []string {
	if old != nil && e != nil && countsAlike(old, e) {
		return nil
	}
	var out []string
	for _, v := range [...]*guccho.Enterprise{old, e} {
		if v != nil {
			out = append(out, DeepestUnits(v.Admin)...)
		}
	}
	return out
}

// countsAlike reports whether a and b add the same to every unit's
// aggregates.
func countsAlike(a, b *guccho.Enterprise) bool {
	if a.Sector != b.Sector || a.Admin != b.Admin {
		return false
	}
	ca, cb := CountsOf(a), CountsOf(b)
	if !maps.Equal(ca.Barriers, cb.Barriers) {
		return false
	}
	ca.Barriers, cb.Barriers = nil, nil
	return reflect.DeepEqual(ca, cb)
}

// DeepestUnits returns the admin codes of a that are no ancestor of another
// of its codes: the finest one when they nest, as the geocoder sets them
// (each P-code begins with its parent's), every unit a is counted in
// otherwise. A unit's profile counts the enterprise exactly when one of
// them lies in it (is the unit or one of its descendants).
func DeepestUnits(a guccho.AdminCodes) []string {
	codes := [...]string{a.Division, a.District, a.Upazila, a.Union}
	var out []string
	for i, c := range codes {
		if c == "" {
			continue
		}
		deepest := true
		for _, d := range codes[i+1:] {
			if d != "" && strings.HasPrefix(d, c) {
				deepest = false
				break
			}
		}
		if deepest {
			out = append(out, c)
		}
	}
	return out
}
