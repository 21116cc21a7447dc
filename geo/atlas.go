package geo

import (
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// Atlas is an in-memory, read-only view of a whole boundary set: units by
// P-code, the hierarchy, reverse geocoding and name search. Stores build one
// after loading or replacing boundaries and swap it in whole, so readers
// never see a half-replaced set. An Atlas is safe for concurrent use.
type Atlas struct {
	byCode   map[string]*Unit
	children map[string][]*Unit
	levels   [Union + 1][]*Unit
	locator  *Locator
	gaz      *Gazetteer
}

// NewAtlas indexes units. The units must have passed Validate; they are
// shared, not copied, and must not be modified afterwards.
func NewAtlas(units []*Unit) *Atlas {
	a := &Atlas{byCode: make(map[string]*Unit, len(units)), children: map[string][]*Unit{}}
	sorted := append([]*Unit(nil), units...)
	SortUnits(sorted)
	for _, u := range sorted {
		a.byCode[u.PCode] = u
		a.levels[u.Level] = append(a.levels[u.Level], u)
		if u.Parent != "" {
			a.children[u.Parent] = append(a.children[u.Parent], u)
		}
	}
	a.locator = NewLocator(a.levels[Union])
	a.gaz = NewGazetteer(sorted)
	return a
}

// Len returns the number of units.
func (a *Atlas) Len() int { return len(a.byCode) }

// Unit returns the unit with the given P-code, or an ENOTFOUND error.
func (a *Atlas) Unit(pcode string) (*Unit, error) {
	if u, ok := a.byCode[pcode]; ok {
		return u, nil
	}
	if _, err := PCodeLevel(pcode); err != nil {
		return nil, err
	}
	return nil, guccho.Errorf(guccho.ENOTFOUND, "no admin unit %s", pcode)
}

// Level returns the units of one level ordered by P-code. The slice is
// shared: do not modify it.
func (a *Atlas) Level(l Level) []*Unit {
	if l < Country || l > Union {
		return nil
	}
	return a.levels[l]
}

// Children returns the direct children of a unit ordered by P-code.
func (a *Atlas) Children(pcode string) []*Unit { return a.children[pcode] }

// descendants returns the units of level below u, in P-code order.
func (a *Atlas) descendants(u *Unit, level Level) []*Unit {
	if u.Level >= level {
		return nil
	}
	kids := a.children[u.PCode]
	if u.Level+1 == level {
		return kids
	}
	var out []*Unit
	for _, k := range kids {
		out = append(out, a.descendants(k, level)...)
	}
	return out
}

// Parents returns the ancestors of u below the country, from the division
// down to the direct parent.
func (a *Atlas) Parents(u *Unit) []*Unit {
	var out []*Unit
	for _, c := range ParentCodes(u.PCode) {
		if p, ok := a.byCode[c]; ok {
			out = append(out, p)
		}
	}
	return out
}

// Counts returns the number of units at each level.
func (a *Atlas) Counts() map[Level]int {
	m := map[Level]int{}
	for l, us := range a.levels {
		if len(us) > 0 {
			m[Level(l)] = len(us)
		}
	}
	return m
}

// Find returns the units matching f, ordered by level then P-code.
// (f.WithGeometry is ignored: an atlas always holds geometry.)
func (a *Atlas) Find(f UnitFilter) []*Unit {
	var cand []*Unit
	switch {
	case len(f.PCodes) > 0:
		for _, c := range f.PCodes {
			if u, ok := a.byCode[c]; ok {
				cand = append(cand, u)
			}
		}
		SortUnits(cand)
	case f.Parent != "":
		cand = a.children[f.Parent]
	case f.Level != nil:
		cand = a.Level(*f.Level)
	default:
		for _, us := range a.levels {
			cand = append(cand, us...)
		}
	}
	out := make([]*Unit, 0, len(cand))
	for _, u := range cand {
		if f.Level != nil && u.Level != *f.Level {
			continue
		}
		if f.Parent != "" && u.Parent != f.Parent {
			continue
		}
		out = append(out, u)
	}
	return out
}

// Reverse returns the units containing pt at every level, found by locating
// the union and walking up its P-code. A point in no union returns an
// ENOTFOUND error.
func (a *Atlas) Reverse(pt orb.Point) (Place, error) {
	if err := CheckLonLat(pt); err != nil {
		return Place{}, err
	}
	u, ok := a.locator.Locate(pt)
	if !ok {
		return Place{}, guccho.Errorf(guccho.ENOTFOUND, "no admin unit at lon %g, lat %g: the point is outside Bangladesh", pt[0], pt[1])
	}
	var p Place
	for _, c := range append(ParentCodes(u.PCode), u.PCode) {
		x := a.byCode[c]
		switch len(c) {
		case 4:
			p.Division = x
		case 6:
			p.District = x
		case 8:
			p.Upazila = x
		case 10:
			p.Union = x
		}
	}
	return p, nil
}

// Locate returns the union containing pt by the Locator's border rule, and
// false when no union contains it (outside Bangladesh, or an impossible
// coordinate). Unlike Reverse it neither allocates nor walks up the
// hierarchy; the union's ancestors are the prefixes of its P-code.
func (a *Atlas) Locate(pt orb.Point) (*Unit, bool) { return a.locator.Locate(pt) }

// LocateUnions returns the P-code of the union containing each point, ""
// where there is none (or the coordinate is impossible).
func (a *Atlas) LocateUnions(pts []orb.Point) []string {
	out := make([]string, len(pts))
	for i, pt := range pts {
		if u, ok := a.locator.Locate(pt); ok {
			out[i] = u.PCode
		}
	}
	return out
}

// Search returns units whose names match q, best first (see Gazetteer.Search).
// An empty query returns an EINVALID error.
func (a *Atlas) Search(q string, opt SearchOptions) ([]Match, error) {
	if strings.TrimSpace(q) == "" {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter q: empty search")
	}
	return a.gaz.Search(q, opt), nil
}

// CheckLonLat returns an EINVALID error unless pt is a longitude in
// [-180, 180] and a latitude in [-90, 90].
func CheckLonLat(pt orb.Point) error {
	if !(pt[0] >= -180 && pt[0] <= 180) {
		return guccho.Errorf(guccho.EINVALID, "parameter lon: %g is not a longitude (-180 to 180)", pt[0])
	}
	if !(pt[1] >= -90 && pt[1] <= 90) {
		return guccho.Errorf(guccho.EINVALID, "parameter lat: %g is not a latitude (-90 to 90)", pt[1])
	}
	return nil
}
