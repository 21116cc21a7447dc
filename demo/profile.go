package demo

import "github.com/paulmach/orb"

// The figures the demo survey reproduces. They come from PKSF's SMART
// situational analysis (2024) as summarised in DESIGN §2; everything else
// in this file is an illustrative assumption, chosen to look plausible,
// and must not be quoted as a finding.
const (
	// DefaultN is the number of enterprises SMART surveyed.
	DefaultN = 5457
	// SurveyDistricts is the number of districts SMART covered.
	SurveyDistricts = 41
	// MeanJobs is SMART's mean employment per enterprise, self plus wage.
	MeanJobs = 5.91
	// RECPAware is the share familiar with Resource-Efficient and Cleaner
	// Production; horticulture and food processing have their own
	// (RECPAwareHorticulture, 0) and the other sectors make up the rest.
	RECPAware             = 0.13
	RECPAwareHorticulture = 0.3177
	// RECPAdopted is the share of the RECP-aware who implemented a measure.
	RECPAdopted = 0.0284
	// RawMaterialBarrier is the share citing high raw-material costs as a
	// barrier to fair prices.
	RawMaterialBarrier = 0.267
)

// BarrierRawMaterial is the code, in the barriers column, of SMART's high
// raw-material costs; the other barrier codes are illustrative.
const BarrierRawMaterial = "high_raw_material_cost"

// otherBarriers are the further barriers a record may cite, each with its
// (illustrative) probability.
var otherBarriers = []struct {
	code string
	p    float64
}{
	{"lack_of_credit", 0.38},
	{"market_access", 0.31},
	{"unreliable_electricity", 0.22},
	{"skilled_labour_shortage", 0.18},
	{"competition_from_imports", 0.12},
	{"poor_transport", 0.10},
}

// practices are the RECP measures an adopter may have taken.
var practices = []string{"energy_efficiency", "water_saving", "waste_recycling", "material_efficiency", "cleaner_fuel", "chemical_management"}

// sectorProfile is how one sector of the catalogue is generated.
type sectorProfile struct {
	code  string
	share float64 // of all enterprises
	// awareWeight ranks the sector's RECP awareness among the sectors
	// without a SMART figure; the weights share out what horticulture
	// leaves of the overall 13 %.
	awareWeight float64
	jobs        float64 // mean employment before the survey-wide rescaling
	female      float64 // share of female owners
	// background is the share of the sector's enterprises spread evenly
	// over the survey districts; the rest go to the anchors.
	background float64
	anchors    []anchor
	words      []string // what its enterprises call themselves
}

// anchor is a known concentration of a sector: points scatter around a
// centre with a normal spread, inside the centre's district.
type anchor struct {
	upazila string    // P-code of the upazila holding the centre
	centre  orb.Point // lon, lat; zero means the upazila's label point
	sigmaKM float64   // standard deviation of the spread in each direction
	weight  float64   // relative to the sector's other anchors
}

// profile lists the sectors of data/sectors.json. Shares sum to 1. Anchor
// places follow DESIGN §2 and the usual descriptions of these clusters;
// their weights are assumptions.
var profile = []sectorProfile{
	{code: "horticulture", share: 0.16, jobs: 4.2, female: 0.30, background: 0.30,
		anchors: []anchor{
			{upazila: "BD404123", sigmaKM: 3, weight: 0.30}, // Jhikargachha, Jashore (Godkhali flowers)
			{upazila: "BD508125", sigmaKM: 4, weight: 0.20}, // Charghat, Rajshahi (mango)
			{upazila: "BD508182", sigmaKM: 4, weight: 0.10}, // Puthia, Rajshahi
			{upazila: "BD501094", sigmaKM: 3, weight: 0.15}, // Shibganj, Bogura
			{upazila: "BD501020", sigmaKM: 3, weight: 0.10}, // Bogura Sadar
		},
		words: []string{"Nursery", "Krishi Khamar", "Fruit Garden", "Flower Garden", "Agro"}},
	{code: "food_processing", share: 0.14, jobs: 5.0, female: 0.35, background: 1,
		words: []string{"Food Products", "Bakery", "Chanachur Factory", "Spice Mill", "Achar House"}},
	{code: "dairy", share: 0.13, awareWeight: 1.0, jobs: 4.5, female: 0.25, background: 0.25,
		anchors: []anchor{
			{upazila: "BD508867", sigmaKM: 3, weight: 0.35}, // Shahjadpur, Sirajganj (Baghabari milk shed)
			{upazila: "BD508894", sigmaKM: 3, weight: 0.15}, // Ullah Para, Sirajganj
			{upazila: "BD507616", sigmaKM: 3, weight: 0.15}, // Bera, Pabna
			{upazila: "BD507672", sigmaKM: 3, weight: 0.10}, // Santhia, Pabna
		},
		words: []string{"Dairy Farm", "Ghosh Mishti Bhandar", "Milk Collection", "Goshala", "Dugdha Khamar"}},
	{code: "light_engineering", share: 0.12, awareWeight: 1.4, jobs: 8.0, female: 0.05, background: 0.20,
		anchors: []anchor{
			{upazila: "BD302688", centre: orb.Point{90.418, 23.710}, sigmaKM: 1.0, weight: 0.55}, // Dholaikhal, Old Dhaka
			{upazila: "BD501020", centre: orb.Point{89.370, 24.850}, sigmaKM: 2.5, weight: 0.30}, // Bogura town
		},
		words: []string{"Engineering Works", "Lathe Workshop", "Metal Industries", "Spare Parts", "Foundry"}},
	{code: "eco_construction", share: 0.08, awareWeight: 1.0, jobs: 9.5, female: 0.08, background: 0.20,
		anchors: []anchor{
			{upazila: "BD302672", sigmaKM: 3, weight: 0.25}, // Savar, Dhaka
			{upazila: "BD302638", sigmaKM: 3, weight: 0.15}, // Keraniganj, Dhaka
			{upazila: "BD303330", sigmaKM: 3, weight: 0.15}, // Gazipur Sadar
			{upazila: "BD303332", sigmaKM: 3, weight: 0.15}, // Kaliakair, Gazipur
			{upazila: "BD306768", sigmaKM: 3, weight: 0.15}, // Rupganj, Narayanganj
			{upazila: "BD306704", sigmaKM: 3, weight: 0.15}, // Sonargaon, Narayanganj
		},
		words: []string{"Block Industries", "Eco Bricks", "Hollow Block", "Concrete Products", "CEB Works"}},
	{code: "rice_milling", share: 0.10, awareWeight: 0.8, jobs: 8.5, female: 0.10, background: 0.25,
		anchors: []anchor{
			{upazila: "BD506460", sigmaKM: 3, weight: 0.30},                                    // Naogaon Sadar
			{upazila: "BD506450", sigmaKM: 3, weight: 0.10},                                    // Mahadebpur, Naogaon
			{upazila: "BD552764", sigmaKM: 3, weight: 0.25},                                    // Dinajpur Sadar
			{upazila: "BD405079", centre: orb.Point{89.10, 23.87}, sigmaKM: 2.5, weight: 0.25}, // Khajanagar, Kushtia
		},
		words: []string{"Rice Mill", "Chatal", "Auto Rice Mill", "Husking Mill", "Dhan Bhanga Kal"}},
	{code: "eco_tourism", share: 0.06, awareWeight: 1.2, jobs: 6.0, female: 0.20, background: 0.15,
		anchors: []anchor{
			{upazila: "BD202224", sigmaKM: 3, weight: 0.35}, // Cox's Bazar Sadar
			{upazila: "BD202290", sigmaKM: 3, weight: 0.10}, // Teknaf, Cox's Bazar
			{upazila: "BD609127", sigmaKM: 3, weight: 0.12}, // Companiganj, Sylhet (Bholaganj)
			{upazila: "BD609141", sigmaKM: 3, weight: 0.13}, // Gowainghat, Sylhet (Jaflong)
			{upazila: "BD200314", sigmaKM: 3, weight: 0.15}, // Bandarban Sadar
		},
		words: []string{"Eco Resort", "Homestay", "Tour Guide Service", "Cottage", "Boat Service"}},
	{code: "footwear_leather", share: 0.13, awareWeight: 1.6, jobs: 7.0, female: 0.10, background: 0.15,
		anchors: []anchor{
			{upazila: "BD304811", centre: orb.Point{90.99, 24.05}, sigmaKM: 2, weight: 0.80},     // Bhairab, Kishoreganj
			{upazila: "BD302642", centre: orb.Point{90.375, 23.730}, sigmaKM: 1.2, weight: 0.20}, // Hazaribagh and Lalbagh, Dhaka
		},
		words: []string{"Shoe Factory", "Footwear", "Leather Goods", "Sandal House", "Juta Ghar"}},
	{code: "other", share: 0.08, awareWeight: 0.6, jobs: 3.8, female: 0.30, background: 1,
		words: []string{"Enterprise", "Traders", "Handicrafts", "Tailors", "Store"}},
}

// districtOrder lists the districts a survey covers, the first
// SurveyDistricts of them at SMART's size: the anchors' districts, then
// others spread over every division. Larger surveys add the remaining
// districts of the atlas in P-code order.
var districtOrder = []string{
	// anchors
	"BD3048", "BD3026", "BD5010", "BD5088", "BD5076", "BD4041", "BD5081", "BD5064",
	"BD5527", "BD4050", "BD2022", "BD6091", "BD2003", "BD3033", "BD3067",
	// spread
	"BD2015", "BD2019", "BD4561", "BD5585", "BD4047", "BD1006", "BD3093", "BD3029",
	"BD4539", "BD5069", "BD5070", "BD5038", "BD5532", "BD5549", "BD5573", "BD5594",
	"BD4044", "BD4087", "BD3068", "BD3056", "BD3059", "BD2075", "BD2030", "BD6058",
	"BD6036", "BD4572",
}

// Scaling beyond SMART's size: up to scaleFrom enterprises the survey keeps
// its 41 districts and one centre per anchor. Above it the districts grow
// with log N to all 64 at scaleAll, each anchor gains a centre per doubling
// of N, and the anchors' share of each sector falls as sqrt(scaleFrom/N), so
// that a national census-sized set is mostly spread out with many dense
// clusters rather than a few impossibly large ones.
const (
	scaleFrom = 20_000
	scaleAll  = 1_000_000
)

// Enterprise names: an owner's or a shop's name before the sector word.
var namePrefixes = []string{
	"Rahman", "Karim", "Hossain", "Akter", "Begum", "Islam", "Uddin", "Ali", "Sarker", "Mia",
	"Ma", "Bismillah", "Sonali", "Madina", "Amin", "Nur", "Janata", "Bhai Bhai", "Al-Amin", "Shapla",
	"Mayer Doa", "New", "Bengal", "Padma", "Meghna", "Jamuna", "Rupali", "Alif", "Shah", "Molla",
}
