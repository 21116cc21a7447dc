package geo

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/guccho/guccho"
)

// scoreAlias is the score of a name matched through a learnt alias: an
// editor's fix, exact like a name, but once removed from the source.
const scoreAlias = 0.97

// aliasKey is what an alias applies to: a normalised name at a level,
// stated inside exactly one parent unit ("" for nationwide).
type aliasKey struct {
	level  Level
	within string
	name   string
}

// AliasName returns the form in which aliases keep a name and in which the
// geocoder compares it: Normalize, with the survey form words ("UP",
// "P.S.", "Dist.", …) dropped as the geocoder drops them.
func AliasName(s string) string { return dropFieldWords(Normalize(s)) }

// WithAliases returns a geocoder that also knows the learnt aliases: a
// stated name at an alias's level whose AliasName equals the alias's name,
// looked up inside exactly the alias's parent (the finest unit resolved from
// the coarser names, or nationwide for ""), means the alias's unit. An
// alias is used only where no unit has the name exactly in that parent
// (ambiguous names included, which it decides), before any variant, prefix
// or fuzzy match; it scores 0.97 and flags name_alias. Aliases that do not
// fit the boundary set (CheckAlias) are left out. g itself is unchanged;
// the two share everything else.
func (g *Geocoder) WithAliases(aliases []guccho.Alias) *Geocoder {
	c := *g
	c.aliases = make(map[aliasKey]*Unit, len(aliases))
	for _, al := range aliases {
		u, err := g.atlas.CheckAlias(al)
		if err != nil {
			continue
		}
		lvl, _ := ParseLevel(al.Level)
		c.aliases[aliasKey{lvl, al.Within, al.Name}] = u
	}
	return &c
}

// CheckAlias checks that an alias fits the atlas and returns its unit: a
// level from division to union, a name already in AliasName form, a unit
// PCode of that level, and a parent Within that is "" or a coarser unit
// holding it. Errors are EINVALID and name the field.
func (a *Atlas) CheckAlias(al guccho.Alias) (*Unit, error) {
	lvl, err := ParseLevel(al.Level)
	if err != nil || lvl < Division {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"level\": %q is not division, district, upazila or union", al.Level)
	}
	if al.Name == "" || AliasName(al.Name) != al.Name {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"name\": %q is empty or not normalised (want %q)", al.Name, AliasName(al.Name))
	}
	u, ok := a.byCode[al.PCode]
	if !ok {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"pcode\": no unit %q", al.PCode)
	}
	if u.Level != lvl {
		return nil, guccho.Errorf(guccho.EINVALID, "field \"pcode\": %s is a %s, not a %s", al.PCode, u.Level, lvl)
	}
	if al.Within != "" {
		p, ok := a.byCode[al.Within]
		if !ok || p.Level >= lvl || !strings.HasPrefix(al.PCode, al.Within) {
			return nil, guccho.Errorf(guccho.EINVALID, "field \"within\": %q is not a unit holding %s", al.Within, al.PCode)
		}
	}
	return u, nil
}

// LearnAlias returns the alias an editor's choice of the unit chosen
// teaches, for a record stating st that the geocoder placed at placed. It
// goes down the stated levels, to the chosen unit's level, to the first
// name the geocoder did not know exactly: one it did not use (placed has no
// code there), or one it matched only approximately (fuzzy, variant) to the
// unit the editor confirms. That name, within the finest unit placed above
// it, means chosen's unit at that level.
//
// It teaches nothing (false) when every stated name is a unit's exact name;
// when the choice contradicts a name the geocoder used, or lies outside the
// placed parent; when an upazila or union name had no parent at all (a bare
// name is not safe to learn nationwide); or when an unused name is one the
// geocoder knows at that level (ambiguous inside the parent, as "Sadar" in
// Comilla, or a unit elsewhere): one fix must not decide such a name for
// every later record.
func (g *Geocoder) LearnAlias(st guccho.AdminNames, placed guccho.AdminCodes, chosen string) (guccho.Alias, bool) {
	names := [...]string{st.Division, st.District, st.Upazila, st.Union}
	pl := [...]string{placed.Division, placed.District, placed.Upazila, placed.Union}
	lvl := Level(len(chosen)/2 - 1) // P-codes add two digits a level: BD10 is a division
	if lvl < Division || lvl > Union {
		return guccho.Alias{}, false
	}
	within := ""
	for l := Division; l <= lvl; l++ {
		i := int(l - Division)
		name, target := AliasName(names[i]), chosen[:2+2*int(l)]
		switch {
		case name == "":
		case pl[i] != "":
			if pl[i] != target {
				return guccho.Alias{}, false
			}
			if _, _, n := g.lookup(name, searchKey(name), l, within); n != 1 && (within != "" || l <= District) {
				return guccho.Alias{Level: l.String(), Within: within, Name: name, PCode: target}, true
			}
		case !strings.HasPrefix(chosen, within) || within == "" && l > District:
			return guccho.Alias{}, false
		default:
			if m := g.match(name, l, within, true); m.status != unknown {
				return guccho.Alias{}, false // ambiguous, or a unit elsewhere: not a name to learn
			}
			return guccho.Alias{Level: l.String(), Within: within, Name: name, PCode: target}, true
		}
		if pl[i] != "" {
			within = pl[i]
		}
	}
	return guccho.Alias{}, false
}

// aliasColumns is the header of an aliases CSV file.
var aliasColumns = []string{"level", "within", "name", "pcode", "created_by", "created_at"}

// WriteAliasesCSV writes aliases as CSV: a header, then level, within,
// name, pcode, created_by and created_at (RFC 3339) per alias.
func WriteAliasesCSV(w io.Writer, aliases []*guccho.Alias) error {
	cw := csv.NewWriter(w)
	cw.Write(aliasColumns)
	for _, a := range aliases {
		at := ""
		if !a.CreatedAt.IsZero() {
			at = a.CreatedAt.UTC().Format(time.RFC3339)
		}
		cw.Write([]string{a.Level, a.Within, a.Name, a.PCode, a.CreatedBy, at})
	}
	cw.Flush()
	return cw.Error()
}

// ReadAliasesCSV reads an aliases CSV file (WriteAliasesCSV's layout; the
// columns level, name and pcode are required, within, created_by and
// created_at optional, in any order) and checks every row against the
// atlas: names are normalised (AliasName) and the row must pass
// CheckAlias. Errors are EINVALID and name the row (1 = the first data row)
// and the column; the first error stops the reading, so a file is taken
// whole or not at all.
func (a *Atlas) ReadAliasesCSV(r io.Reader) ([]guccho.Alias, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, guccho.Errorf(guccho.EINVALID, "the aliases file is empty: want a header %s", strings.Join(aliasColumns, ","))
	}
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINVALID, "the aliases file is not CSV")
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range []string{"level", "name", "pcode"} {
		if _, ok := col[c]; !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "the aliases file has no column %q (header: %s)", c, strings.Join(head, ","))
		}
	}
	var out []guccho.Alias
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, guccho.WrapError(err, guccho.EINVALID, "row %d: not CSV", row)
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		al := guccho.Alias{Level: strings.ToLower(cell("level")), Within: cell("within"), Name: AliasName(cell("name")),
			PCode: cell("pcode"), CreatedBy: cell("created_by")}
		if s := cell("created_at"); s != "" {
			if al.CreatedAt, err = time.Parse(time.RFC3339, s); err != nil {
				return nil, guccho.Errorf(guccho.EINVALID, "row %d, column \"created_at\": %q is not an RFC 3339 time", row, s)
			}
		}
		if _, err := a.CheckAlias(al); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "row %d: %s", row, guccho.ErrorMessage(err))
		}
		out = append(out, al)
	}
}
