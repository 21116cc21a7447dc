package demo

import (
	"hash/fnv"
	"math/rand/v2"
)

// trade is one answer about a producer's main input source or main buyer:
// a type and a place as field staff write them. An empty place stands for
// the producer's own upazila.
type trade struct {
	typ, place string
	weight     float64
}

// tradeProfile is what the producers of a sector's clusters answer about
// their main input source and main buyer (illustrative shares, drawn from
// the value-chain literature on each cluster, not from SMART).
type tradeProfile struct {
	inputs, buyers []trade
	blank          float64 // share of producers that leave both blank
}

// tradeProfiles are the sectors whose cluster producers answer the value-
// chain questions: footwear around Bhairab and Hazaribagh, dairy around
// Shahjadpur, light engineering in Old Dhaka and Bogura.
var tradeProfiles = map[string]tradeProfile{
	"footwear_leather": {blank: 0.10,
		inputs: []trade{
			{"leather traders", "Savar", 0.30}, {"চামড়া ব্যবসায়ী", "Hazaribagh", 0.15}, {"leather traders", "Hazaribagh", 0.10},
			{"rubber and sole suppliers", "", 0.30}, {"synthetics dealer", "Chak Bazar", 0.15}},
		buyers: []trade{
			{"paikar", "", 0.40}, {"পাইকার", "ভৈরব", 0.10}, {"wholesalers", "Chak Bazar", 0.30}, {"exporter", "Chattogram", 0.10},
			{"local market", "", 0.10}}},
	"dairy": {blank: 0.10,
		inputs: []trade{{"feed dealer", "", 0.60}, {"গো-খাদ্য ডিলার", "Sirajganj", 0.20}, {"feed dealer", "Sirajganj", 0.20}},
		buyers: []trade{
			{"ghosh (milk collector)", "", 0.40}, {"Milk Vita", "Shahjadpur", 0.30}, {"sweet shops", "Sirajganj", 0.15},
			{"haat", "", 0.15}}},
	"light_engineering": {blank: 0.10,
		inputs: []trade{{"scrap dealer", "Sitakunda", 0.40}, {"steel dealer", "Sutrapur", 0.40}, {"steel dealer", "", 0.20}},
		buyers: []trade{
			{"garment factories", "Gazipur Sadar", 0.30}, {"wholesalers", "Sutrapur", 0.40}, {"retailers", "", 0.15},
			{"factories", "Tejgaon", 0.15}}},
}

// tradeAnswers returns a cluster producer's input source type and place
// and buyer type and place (columns input_source_type … buyer_place), or
// four blanks for records outside the sectors of tradeProfiles or outside
// their clusters (anchored false). They are drawn from their own random
// source, seeded from the survey's seed and the record's id, so adding them
// changed no other value of the survey. own is the producer's upazila,
// written in for an empty place.
func tradeAnswers(seed uint64, id, sector string, anchored bool, own string) [4]string {
	p, ok := tradeProfiles[sector]
	if !ok || !anchored {
		return [4]string{}
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	if r.Float64() < p.blank {
		return [4]string{}
	}
	pick := func(ts []trade) (string, string) {
		total := 0.0
		for _, t := range ts {
			total += t.weight
		}
		x := r.Float64() * total
		t := ts[len(ts)-1]
		for _, c := range ts {
			if x -= c.weight; x < 0 {
				t = c
				break
			}
		}
		if t.place == "" {
			return t.typ, own
		}
		return t.typ, t.place
	}
	var out [4]string
	out[0], out[1] = pick(p.inputs)
	out[2], out[3] = pick(p.buyers)
	return out
}
