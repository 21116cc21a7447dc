// Package demo generates Guccho's demo survey: a synthetic set of
// microenterprise records, shaped like a KoboToolbox export, so that a new
// user sees a living map at once and the geocoder can be measured against
// a known truth.
//
// Every record is invented and says so (column synthetic = "true"). The
// survey matches the published figures of PKSF's SMART situational analysis
// (2024) listed in DESIGN §2 — 5,457 enterprises in nine sectors across 41
// districts, 5.91 jobs each, 13 % familiar with RECP (31.77 % in
// horticulture, none in food processing), 2.84 % of those having adopted a
// measure, 26.7 % citing high raw-material costs — and places sectors
// where their known clusters are (footwear around Bhairab, light
// engineering in Old Dhaka and Bogura, …). Everything else, from sector
// shares to owner gender, is an illustrative assumption (see profile.go).
// Producers of the footwear, dairy and light-engineering clusters also
// answer where their main input comes from and who buys the most, by type
// and place (columns input_source_type, input_source_place, buyer_type,
// buyer_place; see trade.go), the survey fields value chains are derived
// from.
//
// Names are written as field staff write them: old and new spellings,
// Bangla, variants, typos, missing unions, "Sadar" shorthands; GPS points
// are sometimes missing, zero, swapped or in the wrong upazila. Generation
// is deterministic for a seed and streams in constant memory.
package demo

import (
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
)

// GPS habits of the field (illustrative rates).
const (
	pGPS          = 0.60 // a record has a GPS point
	pGPSZero      = 0.01 // of those: written as 0, 0
	pGPSSwapped   = 0.02 // latitude and longitude in each other's column
	pGPSDisplaced = 0.03 // taken in a neighbouring upazila (a stale fix, the office)
)

// Options configure a Generator.
type Options struct {
	N    int    // number of enterprises; 0 means DefaultN (5,457, SMART's sample)
	Seed uint64 // the same N and Seed give the same survey, row for row
}

// Truth is where a generated enterprise really is: what a perfect geocoder
// would find.
type Truth struct {
	Union, Upazila, District string    // P-codes
	Point                    orb.Point // lon, lat, inside Union
}

// Generator streams the records of one demo survey. It is not safe for
// concurrent use; memory does not grow with N.
type Generator struct {
	atlas *geo.Atlas
	r     *rand.Rand
	w     writer
	seed  uint64 // seeds each record's own source of trade answers

	n, done int
	plans   []*sectorPlan
	// Survey-wide quotas still to hand out, drawn without replacement so
	// that the totals are exact: RECP adopters among the aware still to
	// come, and records citing raw-material costs.
	awareLeft, adoptLeft, rawLeft int
	jobs                          int // employment summed over the records so far
}

// sectorPlan is one sector's share of the survey.
type sectorPlan struct {
	sec       guccho.Sector
	prof      *sectorProfile
	left      int     // records still to come
	awareLeft int     // RECP-aware records still to come
	jobsMean  float64 // mean employment, rescaled so the survey's is MeanJobs
	cells     []*cell
}

// cell is where some of a sector's records go: around an anchor's centres,
// or spread over one district.
type cell struct {
	left     int
	district *geo.Unit
	centres  []orb.Point // nil: spread evenly over the district
	sigmaKM  float64
}

// New prepares a survey of opt.N enterprises over the units of a, in the
// sectors of the catalogue that the demo profile knows (nil means the
// built-in catalogue of data/sectors.json).
//
// With the shared COD-AB data the survey covers exactly 41 districts up to
// 20,000 enterprises. Larger surveys (a national 12 million) cover more
// districts, up to all 64 at a million, and give each cluster more centres
// while spreading a larger share evenly; see profile.go. An atlas lacking
// the profile's places (a test fixture) gets its own districts instead and
// no anchors; one without districts yields no records.
func New(a *geo.Atlas, sectors *guccho.Sectors, opt Options) *Generator {
	n := opt.N
	if n <= 0 {
		n = DefaultN
	}
	if sectors == nil {
		var err error
		if sectors, err = guccho.ParseSectors(data.SectorsJSON); err != nil {
			panic("demo: the built-in sector catalogue does not parse: " + err.Error())
		}
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x6a09e667f3bcc909))
	g := &Generator{atlas: a, r: r, w: writer{r}, n: n, seed: opt.Seed}

	districts := surveyDistricts(a, districtCount(n))
	inSurvey := map[string]*geo.Unit{}
	for _, d := range districts {
		inSurvey[d.PCode] = d
	}
	if len(districts) == 0 {
		g.n = 0
		return g
	}

	// Sectors and their sizes.
	var shares []float64
	for i := range profile {
		p := &profile[i]
		if sec, ok := sectors.Lookup(p.code); ok && sec.Code == p.code {
			g.plans = append(g.plans, &sectorPlan{sec: sec, prof: p})
			shares = append(shares, p.share)
		}
	}
	if len(g.plans) == 0 {
		g.n = 0
		return g
	}
	meanJobs := 0.0
	for i, k := range apportion(n, shares) {
		g.plans[i].left = k
		meanJobs += float64(k) * g.plans[i].prof.jobs / float64(n)
	}

	anchorShare := math.Min(1, math.Sqrt(scaleFrom/float64(n)))
	centres := centresPerAnchor(n)
	for _, sp := range g.plans {
		sp.jobsMean = sp.prof.jobs * MeanJobs / meanJobs
		var cells []*cell
		var weights []float64
		anchored := (1 - sp.prof.background) * anchorShare
		total := 0.0
		for _, an := range sp.prof.anchors {
			total += an.weight
		}
		for _, an := range sp.prof.anchors {
			up, err := a.Unit(an.upazila)
			if err != nil || inSurvey[up.Parent] == nil {
				anchored = 0 // the atlas is not the shared data: spread all
				break
			}
			cells = append(cells, &cell{district: inSurvey[up.Parent], centres: anchorCentres(r, a, up, an, centres), sigmaKM: an.sigmaKM})
			weights = append(weights, anchored*an.weight/total)
		}
		if anchored == 0 {
			cells, weights = nil, nil
		}
		for _, d := range districts {
			cells = append(cells, &cell{district: d})
			weights = append(weights, (1-anchored)/float64(len(districts)))
		}
		for i, k := range apportion(sp.left, weights) {
			cells[i].left = k
		}
		sp.cells = cells
	}

	// RECP quotas: horticulture and food processing as SMART found them,
	// the other sectors share the rest of the 13 % by their weights.
	aware := round(RECPAware * float64(n))
	rest := aware
	var others []*sectorPlan
	var weights []float64
	for _, sp := range g.plans {
		switch sp.sec.Code {
		case "horticulture":
			sp.awareLeft = min(round(RECPAwareHorticulture*float64(sp.left)), sp.left)
			rest -= sp.awareLeft
		case "food_processing":
		default:
			others = append(others, sp)
			weights = append(weights, sp.prof.awareWeight*float64(sp.left))
		}
	}
	for i, k := range apportion(max(rest, 0), weights) {
		others[i].awareLeft = min(k, others[i].left)
	}
	for _, sp := range g.plans {
		g.awareLeft += sp.awareLeft
	}
	g.adoptLeft = round(RECPAdopted * float64(g.awareLeft))
	g.rawLeft = round(RawMaterialBarrier * float64(n))
	return g
}

// districtCount is how many districts a survey of n enterprises covers.
func districtCount(n int) int {
	if n <= scaleFrom {
		return SurveyDistricts
	}
	grow := math.Log(float64(n)/scaleFrom) / math.Log(scaleAll/scaleFrom)
	return min(SurveyDistricts+int(math.Ceil(grow*(64-SurveyDistricts))), 64)
}

// centresPerAnchor is how many centres each anchor has for n enterprises:
// one, and one more per doubling above scaleFrom.
func centresPerAnchor(n int) int {
	if n <= scaleFrom {
		return 1
	}
	return 1 + int(math.Log2(float64(n)/scaleFrom))
}

// surveyDistricts returns the first k districts of districtOrder that a
// has, then a's other districts in P-code order.
func surveyDistricts(a *geo.Atlas, k int) []*geo.Unit {
	var out []*geo.Unit
	seen := map[string]bool{}
	add := func(d *geo.Unit) {
		if len(out) < k && !seen[d.PCode] && hasUnions(a, d) {
			seen[d.PCode] = true
			out = append(out, d)
		}
	}
	for _, c := range districtOrder {
		if d, err := a.Unit(c); err == nil && d.Level == geo.District {
			add(d)
		}
	}
	for _, d := range a.Level(geo.District) {
		add(d)
	}
	return out
}

func hasUnions(a *geo.Atlas, d *geo.Unit) bool {
	for _, u := range a.Children(d.PCode) {
		if len(a.Children(u.PCode)) > 0 {
			return true
		}
	}
	return false
}

// anchorCentres returns k centres of an anchor: its own, then the label
// points of unions of its upazila drawn at random.
func anchorCentres(r *rand.Rand, a *geo.Atlas, up *geo.Unit, an anchor, k int) []orb.Point {
	c := an.centre
	if c == (orb.Point{}) {
		c = up.Label
	}
	out := []orb.Point{c}
	unions := a.Children(up.PCode)
	for len(out) < k && len(unions) > 0 {
		out = append(out, unions[r.IntN(len(unions))].Label)
	}
	return out
}

// apportion splits total into parts proportional to weights, rounding by
// largest remainder so that the parts sum to total exactly.
func apportion(total int, weights []float64) []int {
	out := make([]int, len(weights))
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	if sum <= 0 || total <= 0 {
		return out
	}
	given := 0
	rem := make([]float64, len(weights))
	for i, w := range weights {
		x := float64(total) * w / sum
		out[i] = int(x)
		rem[i] = x - float64(out[i])
		given += out[i]
	}
	for ; given < total; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

func round(x float64) int { return int(math.Round(x)) }

// Columns returns the header of the export, in the order of Next's values.
func (g *Generator) Columns() []string {
	return []string{
		"_id", "enterprise_name", "sector", "sub_sector",
		"division", "district", "upazila", "union",
		"_gps_latitude", "_gps_longitude",
		"self_employed", "wage_workers", "owner_gender",
		"recp_aware", "recp_adopted", "recp_practices", "barriers",
		"synthetic",
		"input_source_type", "input_source_place", "buyer_type", "buyer_place",
	}
}

// Next returns the next record's values (a new slice, in Columns order)
// and where the enterprise really is; ok is false after the last record.
func (g *Generator) Next() (values []string, truth Truth, ok bool) {
	if g.done >= g.n {
		return nil, Truth{}, false
	}
	left := g.n - g.done
	sp := g.plans[g.pickSector(left)]
	c := sp.cells[pickCell(g.r, sp)]
	aware := g.r.IntN(sp.left) < sp.awareLeft
	raw := g.r.IntN(left) < g.rawLeft
	sp.left--
	c.left--

	pt, union := g.place(c)
	upazila, _ := g.atlas.Unit(union.Parent)
	district, _ := g.atlas.Unit(upazila.Parent)
	division, _ := g.atlas.Unit(district.Parent)
	truth = Truth{Union: union.PCode, Upazila: upazila.PCode, District: district.PCode, Point: pt}

	names := g.statedNames(division, district, upazila, union)
	lat, lon := g.gps(pt, upazila)
	self, wage := g.employment(sp)
	adopted := ""
	if aware {
		adopted = "no"
		if g.r.IntN(g.awareLeft) < g.adoptLeft {
			adopted = "yes"
			g.adoptLeft--
		}
		g.awareLeft--
		sp.awareLeft--
	}
	if raw {
		g.rawLeft--
	}
	gender := "male"
	if g.w.chance(sp.prof.female) {
		gender = "female"
	}
	g.done++
	id := strconv.Itoa(g.done)
	tr := tradeAnswers(g.seed, id, sp.sec.Code, c.centres != nil, upazila.NameEN)

	values = []string{
		id,
		g.enterpriseName(sp),
		g.sectorName(sp.sec),
		g.subSector(sp.sec),
		names[0], names[1], names[2], names[3],
		lat, lon,
		strconv.Itoa(self), strconv.Itoa(wage), gender,
		yesNo(aware), adopted, g.practices(adopted == "yes"), g.barriers(raw),
		"true",
		tr[0], tr[1], tr[2], tr[3],
	}
	return values, truth, true
}

// WriteCSV writes the header and every record still to come as UTF-8 CSV,
// without the truth.
func (g *Generator) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(g.Columns()); err != nil {
		return err
	}
	for {
		v, _, ok := g.Next()
		if !ok {
			break
		}
		if err := cw.Write(v); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// pickSector draws a sector with probability proportional to the records
// it still has to give, so the sizes come out exact.
func (g *Generator) pickSector(left int) int {
	x := g.r.IntN(left)
	for i, sp := range g.plans {
		if x < sp.left {
			return i
		}
		x -= sp.left
	}
	panic("demo: sector counts out of step") // unreachable: the lefts sum to left
}

// pickCell draws one of a sector's cells in the same way.
func pickCell(r *rand.Rand, sp *sectorPlan) int {
	x := r.IntN(sp.left)
	for i, c := range sp.cells {
		if x < c.left {
			return i
		}
		x -= c.left
	}
	panic("demo: cell counts out of step")
}

// place draws a true location for a record of cell c: around one of its
// centres with a normal spread, kept inside the cell's district, or, for a
// spread cell (and when 50 draws around a centre all leave the district),
// in a random union of a random upazila of the district, uniformly inside
// the union.
func (g *Generator) place(c *cell) (orb.Point, *geo.Unit) {
	for range 50 {
		if len(c.centres) == 0 {
			break
		}
		ctr := c.centres[g.r.IntN(len(c.centres))]
		pt := offsetKM(ctr, g.r.NormFloat64()*c.sigmaKM, g.r.NormFloat64()*c.sigmaKM)
		if u, ok := g.atlas.Locate(pt); ok && strings.HasPrefix(u.PCode, c.district.PCode) {
			return pt, u
		}
	}
	var ups []*geo.Unit
	for _, u := range g.atlas.Children(c.district.PCode) {
		if len(g.atlas.Children(u.PCode)) > 0 {
			ups = append(ups, u)
		}
	}
	unions := g.atlas.Children(ups[g.r.IntN(len(ups))].PCode)
	u := unions[g.r.IntN(len(unions))]
	b := u.Bound
	for range 64 {
		pt := exact6(orb.Point{b.Min[0] + g.r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + g.r.Float64()*(b.Max[1]-b.Min[1])})
		if v, ok := g.atlas.Locate(pt); ok && v == u {
			return pt, u
		}
	}
	return u.Label, u
}

// offsetKM moves p by dx km east and dy km north, rounded as the export
// writes it.
func offsetKM(p orb.Point, dx, dy float64) orb.Point {
	lat := p[1] + dy/110.574
	lon := p[0] + dx/(111.320*math.Cos(p[1]*math.Pi/180))
	return exact6(orb.Point{lon, lat})
}

// exact6 rounds a point to the six decimals the export writes, so that a
// truth point is exactly what its row says.
func exact6(p orb.Point) orb.Point {
	x, _ := strconv.ParseFloat(strconv.FormatFloat(p[0], 'f', 6, 64), 64)
	y, _ := strconv.ParseFloat(strconv.FormatFloat(p[1], 'f', 6, 64), 64)
	return orb.Point{x, y}
}

// employment draws self and wage employment: a geometric number of jobs
// around the sector's mean, nudged whenever the running total drifts more
// than a few jobs from MeanJobs per record, so the survey's mean is MeanJobs.
func (g *Generator) employment(sp *sectorPlan) (self, wage int) {
	const slack = 4
	p := 1 / sp.jobsMean // geometric on 1, 2, … with mean jobsMean
	total := 1 + int(math.Log(1-g.r.Float64())/math.Log(1-p))
	target := round(MeanJobs * float64(g.done+1))
	if dev := target - (g.jobs + total); dev > slack {
		total += min(dev-slack, 3)
	} else if dev < -slack {
		total = max(1, total+max(dev+slack, -3))
	}
	g.jobs += total
	self = 1
	switch x := g.r.Float64(); {
	case x < 0.05:
		self = 3
	case x < 0.30:
		self = 2
	}
	self = min(self, total)
	return self, total - self
}

func (g *Generator) enterpriseName(sp *sectorPlan) string {
	return namePrefixes[g.r.IntN(len(namePrefixes))] + " " + sp.prof.words[g.r.IntN(len(sp.prof.words))]
}

// sectorName writes the sector as forms do: its code, English or Bangla
// name.
func (g *Generator) sectorName(sec guccho.Sector) string {
	switch g.r.IntN(3) {
	case 0:
		return sec.Code
	case 1:
		return sec.NameEN
	}
	if sec.NameBN != "" {
		return sec.NameBN
	}
	return sec.NameEN
}

func (g *Generator) subSector(sec guccho.Sector) string {
	if len(sec.SubSectors) == 0 || g.w.chance(0.3) {
		return ""
	}
	return sec.SubSectors[g.r.IntN(len(sec.SubSectors))].Code
}

// practices lists one to three RECP measures of an adopter, space
// separated as a select_multiple column.
func (g *Generator) practices(adopted bool) string {
	if !adopted {
		return ""
	}
	k := 1 + g.r.IntN(3)
	perm := g.r.Perm(len(practices))[:k]
	out := make([]string, k)
	for i, j := range perm {
		out[i] = practices[j]
	}
	return strings.Join(out, " ")
}

// barriers lists the barriers a record cites, space separated.
func (g *Generator) barriers(raw bool) string {
	var out []string
	if raw {
		out = append(out, BarrierRawMaterial)
	}
	for _, b := range otherBarriers {
		if g.w.chance(b.p) {
			out = append(out, b.code)
		}
	}
	return strings.Join(out, " ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
