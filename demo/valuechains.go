package demo

import (
	"github.com/guccho/guccho/valuechain"
)

// Chains returns the demo's value chains — synthetic, and marked so
// (Chain.Synthetic) — around three demo clusters: footwear at Bhairab
// (Kishoreganj), dairy at Shahjadpur (Sirajganj) and light engineering at
// Dholaikhal (Old Dhaka). Their actors follow the ValueLinks categories of
// DESIGN §2 and are placed near the cluster, with end markets in Dhaka and
// Chattogram; volumes and values are illustrative assumptions, except the
// footwear centre's ~700 tonnes of waste recycled a year (DESIGN §2).
//
// enterprises gives, per chain id, ids of surveyed demo enterprises of the
// cluster; the chain's producers take them as EnterpriseID, in order, so
// that the map can link a producer to its enterprise. Missing ids leave
// producers unlinked.
func Chains(enterprises map[string][]string) []valuechain.Data {
	chains := []valuechain.Data{footwearChain(), dairyChain(), engineeringChain()}
	for i := range chains {
		ids := enterprises[chains[i].Chain.ID]
		for j := range chains[i].Actors {
			a := &chains[i].Actors[j]
			if a.Role == valuechain.Producer && len(ids) > 0 {
				a.EnterpriseID, ids = ids[0], ids[1:]
			}
		}
	}
	return chains
}

// ChainIDs are the ids of the demo chains, in the order Chains returns
// them, with the sector and admin unit whose enterprises their producers
// take.
var ChainIDs = []struct{ ID, Sector, Admin string }{
	{"demo-footwear-bhairab", "footwear_leather", "BD304811"},
	{"demo-dairy-shahjadpur", "dairy", "BD508867"},
	{"demo-light-engineering-dholaikhal", "light_engineering", "BD302688"},
}

// actor and link keep the tables below short.
func actor(id, name, nameBN string, role valuechain.Role, admin string, lon, lat float64) valuechain.Actor {
	return valuechain.Actor{ID: id, Name: name, NameBN: nameBN, Role: role, Admin: admin, Lon: lon, Lat: lat}
}

func goods(from, to, product string, volume float64, unit string, value float64) valuechain.Link {
	return valuechain.Link{From: from, To: to, Flow: valuechain.Goods, Product: product, Volume: volume, Unit: unit, Value: value, Period: "2024"}
}

func service(from, to, product string, volume float64, unit string, value float64) valuechain.Link {
	return valuechain.Link{From: from, To: to, Flow: valuechain.Services, Product: product, Volume: volume, Unit: unit, Value: value, Period: "2024"}
}

func money(from, to, product string, value float64) valuechain.Link {
	return valuechain.Link{From: from, To: to, Flow: valuechain.Money, Product: product, Value: value, Period: "2024"}
}

// footwearChain: leather from the Savar tannery estate, rubber and soles in
// Bhairab, synthetics and adhesive from Chawk Bazar → six workshops → the
// common service centre (laser cutting, design software, waste recycling)
// → a paikar and a Bhairab wholesaler → Dhaka and Chattogram markets and
// an exporter at Chattogram port; an MFI, a training provider and the
// Department of Environment around them. Three workshops sell only to the
// paikar: it is the chain's bottleneck.
func footwearChain() valuechain.Data {
	const bh = "BD304811"
	return valuechain.Data{
		Chain: valuechain.Chain{ID: ChainIDs[0].ID, Name: "Bhairab footwear (synthetic)", NameBN: "ভৈরব পাদুকা (কৃত্রিম)",
			Sector: "footwear_leather", Admin: bh, Synthetic: true},
		Actors: []valuechain.Actor{
			actor("leather", "Savar tannery estate leather trader", "সাভার চামড়া শিল্পনগরীর চামড়া ব্যবসায়ী", valuechain.InputSupplier, "BD302672", 90.245, 23.800),
			actor("rubber", "Bhairab rubber and sole supplier", "ভৈরব রাবার ও সোল সরবরাহকারী", valuechain.InputSupplier, bh, 90.984, 24.052),
			actor("synthetics", "Chawk Bazar synthetics and adhesive dealer", "চকবাজার সিনথেটিক ও আঠা বিক্রেতা", valuechain.InputSupplier, "BD302609", 90.396, 23.717),
			actor("w1", "Shoe workshop 1", "জুতার কারখানা ১", valuechain.Producer, bh, 90.992, 24.047),
			actor("w2", "Shoe workshop 2", "জুতার কারখানা ২", valuechain.Producer, bh, 90.996, 24.051),
			actor("w3", "Shoe workshop 3", "জুতার কারখানা ৩", valuechain.Producer, bh, 90.988, 24.043),
			actor("w4", "Sandal workshop 4", "স্যান্ডেলের কারখানা ৪", valuechain.Producer, bh, 91.001, 24.056),
			actor("w5", "Shoe workshop 5", "জুতার কারখানা ৫", valuechain.Producer, bh, 90.979, 24.061),
			actor("w6", "Leather shoe workshop 6", "চামড়ার জুতার কারখানা ৬", valuechain.Producer, bh, 90.995, 24.039),
			actor("csc", "Bhairab footwear common service centre", "ভৈরব পাদুকা কমন সার্ভিস সেন্টার", valuechain.ServiceCentre, bh, 90.990, 24.054),
			actor("paikar", "Bhairab paikar (collector)", "ভৈরবের পাইকার", valuechain.Collector, bh, 90.986, 24.049),
			actor("bhairab-wholesale", "Bhairab bazar wholesaler", "ভৈরব বাজারের পাইকারি বিক্রেতা", valuechain.Wholesaler, bh, 90.983, 24.046),
			actor("dhaka-wholesale", "Old Dhaka shoe wholesaler", "পুরান ঢাকার জুতার পাইকারি বিক্রেতা", valuechain.Wholesaler, "BD302640", 90.410, 23.718),
			actor("dhaka-retail", "Dhaka shoe market retailers", "ঢাকার জুতার বাজারের খুচরা বিক্রেতা", valuechain.Retailer, "BD302640", 90.413, 23.723),
			actor("ctg-retail", "Chattogram shoe retailers", "চট্টগ্রামের জুতার খুচরা বিক্রেতা", valuechain.Retailer, "BD201541", 91.835, 22.337),
			actor("exporter", "Chattogram footwear exporter", "চট্টগ্রামের পাদুকা রপ্তানিকারক", valuechain.Exporter, "BD201565", 91.800, 22.250),
			actor("mfi", "PKSF partner organisation (MFI)", "পিকেএসএফ সহযোগী সংস্থা (এমএফআই)", valuechain.Finance, bh, 90.981, 24.050),
			actor("training", "Footwear design training centre", "পাদুকা নকশা প্রশিক্ষণ কেন্দ্র", valuechain.Training, "BD304849", 90.776, 24.434),
			actor("doe", "Department of Environment", "পরিবেশ অধিদপ্তর", valuechain.Regulator, "BD3026", 90.373, 23.778),
		},
		Links: []valuechain.Link{
			goods("leather", "w1", "leather", 6000, "sq ft", 480000),
			goods("leather", "w6", "leather", 9000, "sq ft", 720000),
			goods("rubber", "w2", "soles", 8000, "pairs", 240000),
			goods("rubber", "w3", "soles", 6000, "pairs", 180000),
			goods("rubber", "w4", "soles", 10000, "pairs", 300000),
			goods("rubber", "w5", "soles", 5000, "pairs", 150000),
			goods("synthetics", "w2", "synthetic leather", 4000, "sq ft", 160000),
			goods("synthetics", "w4", "adhesive", 400, "litres", 60000),
			goods("synthetics", "w5", "synthetic leather", 3000, "sq ft", 120000),
			service("csc", "w1", "laser cutting", 300, "hours", 45000),
			service("csc", "w4", "laser cutting", 200, "hours", 30000),
			service("csc", "w2", "design software", 120, "hours", 12000),
			service("csc", "w6", "design software", 80, "hours", 8000),
			service("csc", "w3", "waste recycling", 300, "tonnes", 0),
			service("csc", "w4", "waste recycling", 400, "tonnes", 0),
			goods("csc", "rubber", "recycled rubber", 700, "tonnes", 1400000),
			goods("w1", "paikar", "shoes", 7000, "pairs", 1540000),
			goods("w2", "paikar", "shoes", 9000, "pairs", 1620000),
			goods("w3", "paikar", "shoes", 6000, "pairs", 900000),
			goods("w4", "paikar", "sandals", 6000, "pairs", 720000),
			goods("w4", "bhairab-wholesale", "sandals", 4000, "pairs", 480000),
			goods("w5", "bhairab-wholesale", "shoes", 5000, "pairs", 850000),
			goods("w6", "exporter", "leather shoes", 3000, "pairs", 2400000),
			goods("w6", "dhaka-wholesale", "leather shoes", 2000, "pairs", 1300000),
			goods("paikar", "dhaka-wholesale", "shoes", 22000, "pairs", 4620000),
			goods("paikar", "bhairab-wholesale", "sandals", 6000, "pairs", 780000),
			goods("bhairab-wholesale", "ctg-retail", "shoes", 5000, "pairs", 1000000),
			goods("bhairab-wholesale", "ctg-retail", "sandals", 10000, "pairs", 1500000),
			goods("dhaka-wholesale", "dhaka-retail", "shoes", 22000, "pairs", 5500000),
			goods("dhaka-wholesale", "dhaka-retail", "leather shoes", 2000, "pairs", 1600000),
			money("mfi", "w2", "loan", 300000),
			money("mfi", "w3", "loan", 150000),
			money("mfi", "w5", "loan", 200000),
			money("w2", "mfi", "repayment", 330000),
			service("training", "w3", "design course", 40, "hours", 0),
			service("training", "w5", "design course", 40, "hours", 0),
			service("doe", "csc", "environmental clearance", 0, "", 0),
		},
	}
}

// dairyChain: feed and veterinary services → five farms → milk collectors
// (ghosh) → the Baghabari chilling and processing plant → a Dhaka
// distributor → Dhaka shops, and sweet shops in Sirajganj buying from the
// collector; an MFI, livestock training and BSTI. Three farms sell only to
// the collector: it is the chain's bottleneck.
func dairyChain() valuechain.Data {
	const sh = "BD508867"
	return valuechain.Data{
		Chain: valuechain.Chain{ID: ChainIDs[1].ID, Name: "Shahjadpur dairy (synthetic)", NameBN: "শাহজাদপুর দুগ্ধ (কৃত্রিম)",
			Sector: "dairy", Admin: sh, Synthetic: true},
		Actors: []valuechain.Actor{
			actor("feed", "Shahjadpur cattle feed dealer", "শাহজাদপুর গো-খাদ্য বিক্রেতা", valuechain.InputSupplier, sh, 89.598, 24.176),
			actor("vet", "Veterinary service provider", "পশু চিকিৎসা সেবাদানকারী", valuechain.BusinessServices, sh, 89.603, 24.170),
			actor("f1", "Dairy farm 1", "দুগ্ধ খামার ১", valuechain.Producer, sh, 89.585, 24.160),
			actor("f2", "Dairy farm 2", "দুগ্ধ খামার ২", valuechain.Producer, sh, 89.612, 24.181),
			actor("f3", "Dairy farm 3", "দুগ্ধ খামার ৩", valuechain.Producer, sh, 89.574, 24.190),
			actor("f4", "Dairy farm 4", "দুগ্ধ খামার ৪", valuechain.Producer, sh, 89.620, 24.152),
			actor("f5", "Dairy farm 5", "দুগ্ধ খামার ৫", valuechain.Producer, sh, 89.590, 24.140),
			actor("ghosh", "Milk collector (ghosh)", "দুধ সংগ্রহকারী (ঘোষ)", valuechain.Collector, sh, 89.596, 24.168),
			actor("plant", "Baghabari chilling and processing plant", "বাঘাবাড়ি শীতলীকরণ ও প্রক্রিয়াকরণ কেন্দ্র", valuechain.Processor, sh, 89.588, 24.115),
			actor("distributor", "Dhaka dairy distributor", "ঢাকার দুগ্ধ পরিবেশক", valuechain.Wholesaler, "BD302690", 90.393, 23.764),
			actor("dhaka-shops", "Dhaka grocery shops", "ঢাকার মুদি দোকান", valuechain.Retailer, "BD302690", 90.398, 23.760),
			actor("sweets", "Sirajganj sweet shops", "সিরাজগঞ্জের মিষ্টির দোকান", valuechain.Retailer, "BD508878", 89.700, 24.455),
			actor("mfi", "PKSF partner organisation (MFI)", "পিকেএসএফ সহযোগী সংস্থা (এমএফআই)", valuechain.Finance, sh, 89.600, 24.173),
			actor("training", "Upazila livestock training", "উপজেলা প্রাণিসম্পদ প্রশিক্ষণ", valuechain.Training, sh, 89.605, 24.178),
			actor("bsti", "BSTI", "বিএসটিআই", valuechain.Regulator, "BD302692", 90.402, 23.765),
		},
		Links: []valuechain.Link{
			goods("feed", "f1", "cattle feed", 30, "tonnes", 1200000),
			goods("feed", "f2", "cattle feed", 20, "tonnes", 800000),
			goods("feed", "f4", "cattle feed", 25, "tonnes", 1000000),
			service("vet", "f1", "veterinary care", 24, "visits", 36000),
			service("vet", "f3", "veterinary care", 12, "visits", 18000),
			goods("f1", "ghosh", "milk", 60000, "litres", 3000000),
			goods("f2", "ghosh", "milk", 40000, "litres", 2000000),
			goods("f3", "ghosh", "milk", 30000, "litres", 1500000),
			goods("f4", "plant", "milk", 50000, "litres", 2600000),
			goods("f5", "plant", "milk", 20000, "litres", 1040000),
			goods("ghosh", "plant", "milk", 110000, "litres", 6380000),
			goods("ghosh", "sweets", "milk", 20000, "litres", 1300000),
			goods("plant", "distributor", "pasteurised milk", 170000, "litres", 13600000),
			goods("distributor", "dhaka-shops", "pasteurised milk", 170000, "litres", 15300000),
			money("mfi", "f2", "loan", 250000),
			money("mfi", "f5", "loan", 150000),
			service("training", "f3", "fodder and hygiene course", 24, "hours", 0),
			service("training", "f5", "fodder and hygiene course", 24, "hours", 0),
			service("bsti", "plant", "quality certification", 0, "", 0),
		},
	}
}

// engineeringChain: ship-breaking scrap from Sitakunda and steel from Old
// Dhaka dealers → five lathe workshops in Dholaikhal → Nawabpur spare-parts
// wholesalers → retailers in Bogura and Chattogram; an MFI, a training
// institute, an association and BSTI. Four workshops sell only through
// the Nawabpur wholesaler.
func engineeringChain() valuechain.Data {
	const dk = "BD302688"
	return valuechain.Data{
		Chain: valuechain.Chain{ID: ChainIDs[2].ID, Name: "Dholaikhal light engineering (synthetic)", NameBN: "ধোলাইখাল হালকা প্রকৌশল (কৃত্রিম)",
			Sector: "light_engineering", Admin: dk, Synthetic: true},
		Actors: []valuechain.Actor{
			actor("scrap", "Sitakunda ship-breaking scrap dealer", "সীতাকুণ্ড জাহাজভাঙা লোহার ব্যবসায়ী", valuechain.InputSupplier, "BD201586", 91.680, 22.570),
			actor("steel", "Old Dhaka steel rod and sheet dealer", "পুরান ঢাকার রড ও শিট বিক্রেতা", valuechain.InputSupplier, "BD302640", 90.412, 23.715),
			actor("e1", "Lathe workshop 1", "লেদ কারখানা ১", valuechain.Producer, dk, 90.417, 23.709),
			actor("e2", "Lathe workshop 2", "লেদ কারখানা ২", valuechain.Producer, dk, 90.419, 23.711),
			actor("e3", "Spare parts workshop 3", "খুচরা যন্ত্রাংশ কারখানা ৩", valuechain.Producer, dk, 90.420, 23.708),
			actor("e4", "Foundry 4", "ঢালাই কারখানা ৪", valuechain.Producer, dk, 90.416, 23.712),
			actor("e5", "Metal fabrication 5", "ধাতু কারখানা ৫", valuechain.Producer, dk, 90.421, 23.710),
			actor("nawabpur", "Nawabpur spare parts wholesaler", "নবাবপুর যন্ত্রাংশ পাইকারি বিক্রেতা", valuechain.Wholesaler, "BD302640", 90.414, 23.719),
			actor("bogura-retail", "Bogura spare parts retailers", "বগুড়ার যন্ত্রাংশ খুচরা বিক্রেতা", valuechain.Retailer, "BD501020", 89.370, 24.848),
			actor("ctg-retail", "Chattogram spare parts retailers", "চট্টগ্রামের যন্ত্রাংশ খুচরা বিক্রেতা", valuechain.Retailer, "BD201528", 91.810, 22.330),
			actor("garments", "Garment factories (machine parts buyers)", "পোশাক কারখানা (যন্ত্রাংশ ক্রেতা)", valuechain.Retailer, "BD302672", 90.260, 23.850),
			actor("mfi", "PKSF partner organisation (MFI)", "পিকেএসএফ সহযোগী সংস্থা (এমএফআই)", valuechain.Finance, dk, 90.418, 23.713),
			actor("training", "Technical training institute", "কারিগরি প্রশিক্ষণ প্রতিষ্ঠান", valuechain.Training, "BD302690", 90.399, 23.762),
			actor("association", "Engineering workshop owners' association", "প্রকৌশল কারখানা মালিক সমিতি", valuechain.Association, dk, 90.418, 23.707),
			actor("bsti", "BSTI", "বিএসটিআই", valuechain.Regulator, "BD302692", 90.402, 23.765),
		},
		Links: []valuechain.Link{
			goods("scrap", "e3", "scrap iron", 40, "tonnes", 2400000),
			goods("scrap", "e4", "scrap iron", 80, "tonnes", 4800000),
			goods("steel", "e1", "steel rods", 20, "tonnes", 1900000),
			goods("steel", "e2", "steel rods", 15, "tonnes", 1425000),
			goods("steel", "e5", "steel sheet", 25, "tonnes", 2500000),
			goods("e1", "nawabpur", "spare parts", 30000, "pieces", 4500000),
			goods("e2", "nawabpur", "spare parts", 20000, "pieces", 3000000),
			goods("e3", "nawabpur", "spare parts", 25000, "pieces", 3750000),
			goods("e4", "nawabpur", "castings", 12000, "pieces", 7200000),
			goods("e5", "garments", "machine parts", 4000, "pieces", 4000000),
			goods("e5", "nawabpur", "machine parts", 1000, "pieces", 1000000),
			goods("nawabpur", "bogura-retail", "spare parts", 40000, "pieces", 7200000),
			goods("nawabpur", "ctg-retail", "spare parts", 35000, "pieces", 6300000),
			goods("nawabpur", "ctg-retail", "castings", 12000, "pieces", 8400000),
			money("mfi", "e2", "loan", 400000),
			money("mfi", "e3", "loan", 300000),
			service("training", "e1", "CNC course", 60, "hours", 0),
			service("association", "e4", "trade fair stall", 1, "events", 20000),
			service("bsti", "e4", "quality certification", 0, "", 0),
		},
	}
}
