package valuechain

import (
	"encoding/json"
	"math"
)

// MarshalJSON encodes a bottleneck as {kind, id, from, to, producers_cut}.
func (b Bottleneck) MarshalJSON() ([]byte, error) {
	type link struct {
		Kind    string `json:"kind"`
		ID      string `json:"id"`
		From    string `json:"from,omitempty"`
		To      string `json:"to,omitempty"`
		CutsOff int    `json:"producers_cut"`
	}
	if b.Actor != "" {
		return json.Marshal(link{Kind: "actor", ID: b.Actor, CutsOff: b.CutsOff})
	}
	return json.Marshal(link{Kind: "link", ID: b.Link, From: b.From, To: b.To, CutsOff: b.CutsOff})
}

// MarshalJSON encodes a stage with snake_case names; unknown (NaN) value
// added, margin and shares are null, and volumes an empty list when none.
func (s StageStats) MarshalJSON() ([]byte, error) {
	vols := s.Volumes
	if vols == nil {
		vols = []Volume{}
	}
	return json.Marshal(struct {
		Stage              int      `json:"stage"`
		Role               Role     `json:"role"`
		Actors             int      `json:"actors"`
		Sold               float64  `json:"sold"`
		Bought             float64  `json:"bought"`
		SoldLinks          int      `json:"sold_links"`
		BoughtLinks        int      `json:"bought_links"`
		Unvalued           int      `json:"unvalued_links"`
		ValueAdded         *float64 `json:"value_added"`
		Margin             *float64 `json:"margin"`
		Volumes            []Volume `json:"volumes"`
		InputsOutside      *float64 `json:"inputs_outside"`
		InputsOutsideLinks *float64 `json:"inputs_outside_links"`
		SalesOutside       *float64 `json:"sales_outside"`
		SalesOutsideLinks  *float64 `json:"sales_outside_links"`
	}{s.Stage, s.Role, s.Actors, s.Sold, s.Bought, s.SoldLinks, s.BoughtLinks, s.Unvalued,
		known(s.ValueAdded), known(s.Margin), vols,
		known(s.InputsOutside), known(s.InputsOutsideLinks), known(s.SalesOutside), known(s.SalesOutsideLinks)})
}

// MarshalJSON encodes the analysis with empty lists rather than null.
func (a Analysis) MarshalJSON() ([]byte, error) {
	type plain Analysis
	p := plain(a)
	if p.Missing == nil {
		p.Missing = []Role{}
	}
	if p.Bottlenecks == nil {
		p.Bottlenecks = []Bottleneck{}
	}
	if p.Actors == nil {
		p.Actors = []ActorStats{}
	}
	return json.Marshal(p)
}

// known returns nil for NaN or infinities, else a pointer to x.
func known(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
