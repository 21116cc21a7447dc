package geo

import (
	"cmp"
	"slices"
	"strings"

	"github.com/guccho/guccho"
)

// wordFactor scales the score of a suggestion found from one word of a
// name ("Bhairab" of "Bhairab Bazar") rather than the whole name.
const wordFactor = 0.8

// elsewhereFactor scales the score of a suggestion outside the parent the
// record's other names gave.
const elsewhereFactor = 0.5

// Suggest lists at most n units the names of a record might mean, best
// first, for an editor reviewing where the geocoder placed it (placed).
// It looks at the first stated name, top down, that the placement did not
// use (or, when all were used, the finest stated one) and searches it among
// the units of its level inside the finest unit placed above it: the whole
// name by Gazetteer.Search (exact, prefix, fuzzy), then each of its words
// of three letters or more (score × 0.8: "Bhairab Bazar" suggests the
// upazila Bhairab), then, when nothing fits inside that parent, the whole
// name nationwide (score × 0.5: the parent may be what is wrong). Each unit
// comes once, under its best score; ties go to the smaller P-code. Suggest
// is pure and safe for concurrent use.
func (g *Geocoder) Suggest(st guccho.AdminNames, placed guccho.AdminCodes, n int) []guccho.Suggestion {
	if n <= 0 {
		return nil
	}
	names := [...]string{st.Division, st.District, st.Upazila, st.Union}
	pl := [...]string{placed.Division, placed.District, placed.Upazila, placed.Union}
	level, name, within := Level(-1), "", ""
	for l := Division; l <= Union; l++ {
		i := int(l - Division)
		if AliasName(names[i]) == "" {
			continue
		}
		level, name, within = l, names[i], ""
		for j := i - 1; j >= 0; j-- {
			if pl[j] != "" {
				within = pl[j]
				break
			}
		}
		if pl[i] == "" {
			break
		}
	}
	if level < 0 {
		return nil
	}
	best := map[*Unit]float64{}
	offer := func(ms []Match, factor float64) {
		for _, m := range ms {
			if s := m.Score * factor; s > best[m.Unit] {
				best[m.Unit] = s
			}
		}
	}
	opt := SearchOptions{Limit: n, Level: &level, Within: within}
	offer(g.gaz.Search(name, opt), 1)
	if words := strings.Fields(AliasName(name)); len(words) > 1 {
		for _, w := range words {
			if len([]rune(w)) >= 3 && !optionalWords[w] {
				offer(g.gaz.Search(w, opt), wordFactor)
			}
		}
	}
	if len(best) == 0 && within != "" {
		opt.Within = ""
		offer(g.gaz.Search(name, opt), elsewhereFactor)
	}
	units := make([]*Unit, 0, len(best))
	for u := range best {
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b *Unit) int {
		if c := cmp.Compare(best[b], best[a]); c != 0 {
			return c
		}
		return strings.Compare(a.PCode, b.PCode)
	})
	if len(units) > n {
		units = units[:n]
	}
	out := make([]guccho.Suggestion, len(units))
	for i, u := range units {
		out[i] = g.suggestion(u, best[u])
	}
	return out
}

// suggestion describes a unit for an editor.
func (g *Geocoder) suggestion(u *Unit, score float64) guccho.Suggestion {
	s := guccho.Suggestion{PCode: u.PCode, Level: u.Level.String(), Name: u.DisplayName(), NameBN: u.NameBN,
		Score: float64(int(score*1000+0.5)) / 1000}
	if u.Level > District {
		if d, ok := g.atlas.byCode[u.PCode[:6]]; ok {
			s.Parent = d.DisplayName()
		}
	} else if u.Level == District {
		if d, ok := g.atlas.byCode[u.PCode[:4]]; ok {
			s.Parent = d.DisplayName()
		}
	}
	return s
}

// PlaceIn places a record in the unit pcode as an editor chose it: Admin
// down to that unit, the unit's level as method, score 1, the flag
// reviewed, and a display point inside the unit (DisplayPoint(id, unit)).
// ENOTFOUND when there is no such unit.
func (g *Geocoder) PlaceIn(id, pcode string) (GeocodeResult, error) {
	u, err := g.atlas.Unit(pcode)
	if err != nil {
		return GeocodeResult{}, err
	}
	if u.Level < Division {
		return GeocodeResult{}, guccho.Errorf(guccho.EINVALID, "unit %s: a record is placed in a division, district, upazila or union", pcode)
	}
	return GeocodeResult{
		Admin:        adminCodes(u.PCode),
		Geocode:      guccho.Geocode{Method: u.Level.String(), Score: 1, Flags: []string{guccho.FlagReviewed}},
		Point:        g.DisplayPoint(id, u),
		DisplayPoint: true,
	}, nil
}

// Atlas returns the atlas the geocoder places records in.
func (g *Geocoder) Atlas() *Atlas { return g.atlas }
