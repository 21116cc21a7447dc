package tiles

import (
	"github.com/guccho/guccho/geo"
)

// AdminFeatures turns administrative units into tile features: the id is
// geo.FeatureID of the P-code and the properties are pcode, name_en (the
// current official spelling, Unit.DisplayName), name_en_codab (Unit.NameEN),
// name_bn, level (an int, 1–4) and parent (the parent's P-code). Units without
// geometry and units with a malformed P-code are left out. The features
// share the units' geometry; neither is modified.
func AdminFeatures(units []*geo.Unit) []Feature {
	out := make([]Feature, 0, len(units))
	for _, u := range units {
		if len(u.Geometry) == 0 {
			continue
		}
		id, err := geo.FeatureID(u.PCode)
		if err != nil {
			continue
		}
		out = append(out, Feature{
			ID:       id,
			Geometry: u.Geometry,
			Properties: map[string]any{
				"pcode":         u.PCode,
				"name_en":       u.DisplayName(),
				"name_en_codab": u.NameEN,
				"name_bn":       u.NameBN,
				"level":         int(u.Level),
				"parent":        u.Parent,
			},
		})
	}
	return out
}

// AdminIndexes builds one Index per layer of AdminLayers from units of every
// level: divisions from level 1, districts from 2, upazilas from 3 and
// unions from 4. Units of other levels are ignored. Errors are those of
// NewIndex.
func AdminIndexes(units []*geo.Unit, opt Options) (Indexes, error) {
	byLevel := make(map[geo.Level][]*geo.Unit)
	for _, u := range units {
		byLevel[u.Level] = append(byLevel[u.Level], u)
	}
	out := make(Indexes, len(AdminLayers))
	for i, l := range AdminLayers {
		ix, err := NewIndex(l, AdminFeatures(byLevel[geo.Levels[i]]), opt)
		if err != nil {
			return nil, err
		}
		out[l.Name] = ix
	}
	return out, nil
}
