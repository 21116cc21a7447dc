package demo

import (
	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
)

// Centres returns the demo's common service centres: invented records
// (Synthetic true, operator "synthetic demo data") placed at anchors of the
// demo survey. Only the Bhairab centre stands for a real one — Bhairab's
// footwear cluster has a common service centre with shared machines — and
// even its record here is made up. Each call returns new values.
func Centres() []*guccho.Centre {
	const operator = "synthetic demo data"
	return []*guccho.Centre{
		{ID: "demo-csc-bhairab-footwear", NameEN: "Bhairab Footwear Common Service Centre", NameBN: "ভৈরব পাদুকা কমন সার্ভিস সেন্টার",
			Sector: "footwear_leather", Services: []string{"shared machines", "waste recycling", "training"},
			Operator: operator, Point: orb.Point{90.985, 24.052}, Synthetic: true},
		{ID: "demo-csc-dholaikhal-engineering", NameEN: "Dholaikhal Light Engineering Service Centre", NameBN: "ধোলাইখাল হালকা প্রকৌশল সার্ভিস সেন্টার",
			Sector: "light_engineering", Services: []string{"shared CNC lathe", "testing", "design"},
			Operator: operator, Point: orb.Point{90.417, 23.709}, Synthetic: true},
		{ID: "demo-csc-bogura-engineering", NameEN: "Bogura Light Engineering Service Centre", NameBN: "বগুড়া হালকা প্রকৌশল সার্ভিস সেন্টার",
			Sector: "light_engineering", Services: []string{"foundry", "heat treatment", "training"},
			Operator: operator, Point: orb.Point{89.372, 24.848}, Synthetic: true},
		{ID: "demo-csc-shahjadpur-dairy", NameEN: "Shahjadpur Dairy Service Centre", NameBN: "শাহজাদপুর দুগ্ধ সার্ভিস সেন্টার",
			Sector: "dairy", Services: []string{"milk chilling", "quality testing", "veterinary advice"},
			Operator: operator, Point: orb.Point{89.59, 24.17}, Synthetic: true},
	}
}
