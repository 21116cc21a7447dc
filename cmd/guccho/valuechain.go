package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/server"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/valuechain"
)

const valuechainUsage = `Usage: guccho valuechain analyze --actors A.csv --links L.csv [-o OUT.csv] [--stages-out S.csv] [flags]
       guccho valuechain import --actors A.csv --links L.csv --sector S [--cluster ID | --admin PCODE] [--name N] [--id ID] [--db …]
       guccho valuechain assemble --cluster ID [--sector S] [--method smef|dbscan …] [--db …]
       (see guccho valuechain import --help, guccho valuechain assemble --help)

Analyzes one value chain read from an actors file and a links file (CSV, XLSX
or a JSON array; see docs/valuechain.md) and writes, per actor, its stage,
in- and out-degree, degree centrality, betweenness (raw and normalised as
networkx does for a directed graph) and how many producers it cuts off from
the end markets, as CSV to -o (default standard output). Per-stage flows,
value added, margins and geographic reach go to --stages-out as CSV; a
summary (method, missing stages, bottlenecks, key actors) goes to standard
output, or to standard error when the actor CSV does.

Bad rows are listed with file, row and field, and nothing is analyzed.

Flags:
`

// autoPivots: exact betweenness up to this many actors, else pivotsLarge
// sampled pivots.
const (
	autoExactActors = 5000
	pivotsLarge     = 500
)

func runValuechain(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("valuechain", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	actorsPath := fs.String("actors", "", "actors file (CSV, XLSX or JSON)")
	linksPath := fs.String("links", "", "links file (CSV, XLSX or JSON)")
	out := fs.String("o", "", "per-actor CSV (default standard output)")
	stagesOut := fs.String("stages-out", "", "per-stage CSV")
	pivots := fs.Int("pivots", -1, fmt.Sprintf("betweenness from this many sampled source actors (Brandes & Pich); 0 exact; default exact up to %d actors, else %d", autoExactActors, pivotsLarge))
	seed := fs.Uint64("seed", 1, "seed of the pivot sample")
	flowsFlag := fs.String("flows", "goods,services,money", "flows whose links make the network for degree and betweenness")
	fs.Usage = func() { fmt.Fprint(fs.Output(), valuechainUsage); fs.PrintDefaults() }
	if len(args) == 0 {
		fs.Usage()
		return errUsage
	}
	if args[0] == "-h" || args[0] == "--help" {
		fs.Usage()
		return nil
	}
	if args[0] == "import" {
		return runValuechainImport(ctx, args[1:], env)
	}
	if args[0] == "assemble" {
		return runValuechainAssemble(ctx, args[1:], env)
	}
	if args[0] != "analyze" {
		fs.Usage()
		return fmt.Errorf("%w: valuechain %q: the subcommands are analyze, import and assemble", errUsage, args[0])
	}
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 || *actorsPath == "" || *linksPath == "" {
		fs.Usage()
		return fmt.Errorf("%w: valuechain analyze takes --actors and --links and no other arguments", errUsage)
	}
	var flows []valuechain.Flow
	for _, f := range strings.Split(*flowsFlag, ",") {
		switch fl := valuechain.Flow(strings.TrimSpace(f)); fl {
		case valuechain.Goods, valuechain.Services, valuechain.Money:
			flows = append(flows, fl)
		default:
			return fmt.Errorf("%w: --flows: %q is not goods, services or money", errUsage, f)
		}
	}

	g, err := readChain(*actorsPath, *linksPath)
	if err != nil {
		listBadRows(env.Stderr, err)
		return err
	}
	n := len(g.Actors())
	opt := valuechain.Options{Pivots: *pivots, Flows: flows, Rand: rand.New(rand.NewPCG(*seed, 0))}
	if opt.Pivots < 0 {
		opt.Pivots = 0
		if n > autoExactActors {
			opt.Pivots = pivotsLarge
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	a, err := g.Analyze(opt)
	if err != nil {
		return err
	}
	took := time.Since(start)

	summary := env.Stdout
	var w io.Writer = env.Stdout
	if *out == "" {
		summary = env.Stderr
	} else {
		f, err := os.Create(*out)
		if err != nil {
			return guccho.Errorf(guccho.EINVALID, "-o: %v", err)
		}
		defer f.Close()
		w = f
	}
	if err := writeActorStats(w, a); err != nil {
		return err
	}
	if *stagesOut != "" {
		f, err := os.Create(*stagesOut)
		if err != nil {
			return guccho.Errorf(guccho.EINVALID, "--stages-out: %v", err)
		}
		defer f.Close()
		if err := writeStageStats(f, a); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	writeSummary(summary, g, a, took)
	if f, ok := w.(*os.File); ok && *out != "" {
		return f.Close()
	}
	return nil
}

// listBadRows writes the first 50 bad rows of a Read error, if it has any.
func listBadRows(w io.Writer, err error) {
	var bad valuechain.BadRows
	if errors.As(err, &bad) {
		for i, b := range bad {
			if i == 50 {
				fmt.Fprintf(w, "… and %d more\n", len(bad)-i)
				break
			}
			fmt.Fprintf(w, "%s row %d, field %q: %s\n", b.File, b.Row, b.Field, b.Reason)
		}
	}
}

// readChain opens both files and reads them with valuechain.Read.
func readChain(actorsPath, linksPath string) (*valuechain.Graph, error) {
	var files [2]valuechain.File
	for i, p := range []string{actorsPath, linksPath} {
		f, err := os.Open(p)
		if err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: %v", p, err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		files[i] = valuechain.File{Name: filepath.Base(p), R: f, Size: st.Size()}
	}
	return valuechain.Read(files[0], files[1])
}

func writeActorStats(w io.Writer, a *valuechain.Analysis) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "role", "stage", "in_degree", "out_degree", "degree_centrality", "betweenness", "betweenness_normalized", "cuts_off_producers"})
	for _, s := range a.Actors {
		cw.Write([]string{s.ID, string(s.Role), strconv.Itoa(s.Stage), strconv.Itoa(s.In), strconv.Itoa(s.Out),
			num(s.Degree), num(s.Betweenness), num(s.BetweennessNorm), strconv.Itoa(s.CutsOff)})
	}
	cw.Flush()
	return cw.Error()
}

func writeStageStats(w io.Writer, a *valuechain.Analysis) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"stage", "role", "actors", "sold_bdt", "bought_bdt", "value_added_bdt", "margin",
		"sold_links", "bought_links", "unvalued_links", "volumes_sold",
		"inputs_outside_district", "inputs_outside_district_links", "sales_outside_district", "sales_outside_district_links"})
	for i, s := range a.Stages {
		var vols []string
		for _, v := range s.Volumes {
			vols = append(vols, fmt.Sprintf("%s: %s %s", v.Product, num(v.Volume), v.Unit))
		}
		cw.Write([]string{strconv.Itoa(i + 1), string(s.Role), strconv.Itoa(s.Actors), num(s.Sold), num(s.Bought),
			num(s.ValueAdded), num(s.Margin), strconv.Itoa(s.SoldLinks), strconv.Itoa(s.BoughtLinks), strconv.Itoa(s.Unvalued),
			strings.Join(vols, "; "), num(s.InputsOutside), num(s.InputsOutsideLinks), num(s.SalesOutside), num(s.SalesOutsideLinks)})
	}
	cw.Flush()
	return cw.Error()
}

func writeSummary(w io.Writer, g *valuechain.Graph, a *valuechain.Analysis, took time.Duration) {
	method := "exact (Brandes, gonum)"
	if a.Pivots > 0 {
		method = fmt.Sprintf("estimated from %d random pivots (Brandes & Pich)", a.Pivots)
	}
	fmt.Fprintf(w, "%d actors, %d links; betweenness %s, directed; analysis took %.3f s\n",
		len(g.Actors()), len(g.Links()), method, took.Seconds())
	fmt.Fprintf(w, "producers: %d, of which %d reach an end market by goods links\n", a.Producers, a.Connected)
	if len(a.Missing) > 0 {
		var m []string
		for _, r := range a.Missing {
			m = append(m, string(r))
		}
		fmt.Fprintf(w, "stages with no actor: %s\n", strings.Join(m, ", "))
	}
	fmt.Fprintf(w, "\n%-15s %7s %15s %15s %15s %7s\n", "stage", "actors", "sold BDT", "bought BDT", "value added", "margin")
	for _, s := range a.Stages {
		fmt.Fprintf(w, "%-15s %7d %15.0f %15.0f %15s %7s\n", s.Role, s.Actors, s.Sold, s.Bought, orDash(s.ValueAdded, "%.0f"), orDash(s.Margin, "%.3f"))
	}
	if len(a.Bottlenecks) > 0 {
		fmt.Fprintln(w, "\nbottlenecks (producers cut off from every end market if removed):")
		for i, b := range a.Bottlenecks {
			if i == 10 {
				fmt.Fprintf(w, "  … and %d more\n", len(a.Bottlenecks)-i)
				break
			}
			if b.Actor != "" {
				fmt.Fprintf(w, "  actor %s: %d\n", b.Actor, b.CutsOff)
			} else {
				fmt.Fprintf(w, "  link %s → %s: %d\n", b.From, b.To, b.CutsOff)
			}
		}
	}
	top := append([]valuechain.ActorStats(nil), a.Actors...)
	sort.SliceStable(top, func(i, j int) bool { return top[i].Betweenness > top[j].Betweenness })
	fmt.Fprintln(w, "\nkey actors by betweenness (normalised):")
	for i, s := range top {
		if i == 5 || s.Betweenness == 0 {
			break
		}
		fmt.Fprintf(w, "  %s (%s): %.4g\n", s.ID, s.Role, s.BetweennessNorm)
	}
}

func orDash(x float64, format string) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf(format, x)
}

const valuechainImportUsage = `Usage: guccho valuechain import --actors A.csv --links L.csv --sector S [--cluster ID | --admin PCODE] [--name N] [--name-bn N] [--id ID] [--synthetic] [--db …]

Stores one value chain read from an actors file and a links file (CSV, XLSX
or a JSON array; see docs/valuechain.md), creating the chain or replacing it
whole when --id names a stored one. All or nothing: bad rows are listed with
file, row and field, and nothing is stored. Without --id the chain's id is
its sector and cluster (or admin P-code), as in footwear_leather-bd304811.

Flags:
`

func runValuechainImport(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("valuechain import", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	cfg.sectorsFlag(fs)
	actorsPath := fs.String("actors", "", "actors file (CSV, XLSX or JSON)")
	linksPath := fs.String("links", "", "links file (CSV, XLSX or JSON)")
	var c valuechain.Chain
	fs.StringVar(&c.Sector, "sector", "", "sector code or name from the catalogue (required)")
	fs.StringVar(&c.Cluster, "cluster", "", "id of the cluster the chain is built around")
	fs.StringVar(&c.Admin, "admin", "", "P-code of the admin area the chain covers")
	fs.StringVar(&c.Name, "name", "", "the chain's name in English")
	fs.StringVar(&c.NameBN, "name-bn", "", "the chain's name in Bangla")
	fs.StringVar(&c.ID, "id", "", "the chain's id (default: sector and cluster or admin)")
	fs.BoolVar(&c.Synthetic, "synthetic", false, "mark the chain as made up (demo data)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), valuechainImportUsage); fs.PrintDefaults() }
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *actorsPath == "" || *linksPath == "" || c.Sector == "" {
		fs.Usage()
		return fmt.Errorf("%w: valuechain import takes --actors, --links and --sector, and no other arguments", errUsage)
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := newApp(cfg, s)
	if err != nil {
		return err
	}
	sectors := a.sectors
	sec, ok := sectors.Lookup(c.Sector)
	if !ok {
		return guccho.Errorf(guccho.EINVALID, "--sector: unknown sector %q (known: %s)", c.Sector, strings.Join(sectors.Codes(), ", "))
	}
	c.Sector = sec.Code
	if c.Admin != "" {
		if l, err := geo.PCodeLevel(c.Admin); err != nil || l == geo.Country {
			return guccho.Errorf(guccho.EINVALID, "--admin: %q is not a division, district, upazila or union P-code", c.Admin)
		}
	}
	if c.ID == "" {
		c.ID = valuechain.NewChainID(c)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	g, err := readChain(*actorsPath, *linksPath)
	if err != nil {
		listBadRows(env.Stderr, err)
		return err
	}
	if err := s.ReplaceChain(ctx, &c, g.Actors(), g.Links()); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "value chain %s: %d actors, %d links stored\n", c.ID, len(g.Actors()), len(g.Links()))
	return nil
}

const valuechainAssembleUsage = `Usage: guccho valuechain assemble --cluster ID [--sector S] [--method smef|dbscan] [--radius-km R --min-units N | --eps-m E --min-points M] [--db …]

Assembles the value chain of one cluster from the store's data, exactly as
POST /api/valuechains/assemble does (docs/valuechain.md): clusters the
enterprises as GET /api/clusters does (method, and for dbscan the sector,
taken from the cluster id unless given), derives producers, input suppliers
and buyers from the members' input_source_type/place and buyer_type/place
answers, reuses the actors of stored chains around the cluster, and stores
the chain cluster-<cluster id>, replacing it whole. Prints the chain and a
report: producers, suppliers, buyers, reused actors and skipped answers.

Flags:
`

func runValuechainAssemble(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("valuechain assemble", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	cfg.sectorsFlag(fs)
	var req server.AssembleRequest
	fs.StringVar(&req.Cluster, "cluster", "", "id of the cluster, as GET /api/clusters or guccho clusters gives it (required)")
	fs.StringVar(&req.Sector, "sector", "", "the chain's sector (default the cluster's)")
	fs.StringVar(&req.Method, "method", "", "smef or dbscan (default the one the cluster id names)")
	radius := fs.Float64("radius-km", 0, "smef radius in km (default 5)")
	minUnits := fs.Int("min-units", 0, "smef least units (default 50)")
	eps := fs.Float64("eps-m", 0, "dbscan distance in metres (default 5000)")
	minPoints := fs.Int("min-points", 0, "dbscan least points (default 50)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), valuechainAssembleUsage); fs.PrintDefaults() }
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || req.Cluster == "" {
		fs.Usage()
		return fmt.Errorf("%w: valuechain assemble takes --cluster, and no other arguments", errUsage)
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "radius-km":
			req.RadiusKM = radius
		case "min-units":
			req.MinUnits = minUnits
		case "eps-m":
			req.EpsM = eps
		case "min-points":
			req.MinPoints = minPoints
		}
	})
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := newApp(cfg, s)
	if err != nil {
		return err
	}
	srv := server.New(server.Config{Store: s, Sectors: a.sectors})
	defer srv.Close()
	res, err := srv.AssembleChain(ctx, req)
	if err != nil {
		return err
	}
	writeAssembled(env.Stdout, res)
	return nil
}

// writeAssembled prints what AssembleChain stored and skipped.
func writeAssembled(w io.Writer, res *server.Assembled) {
	c, r := res.Chain, res.Report
	fmt.Fprintf(w, "value chain %s (%s): %d actors, %d links stored\n", c.ID, c.Name, c.Actors, c.Links)
	fmt.Fprintf(w, "%d producers, %d input suppliers, %d buyers (%d of them stored actors reused), %d supporters and enablers around the cluster\n",
		r.Producers, r.Suppliers, r.Buyers, r.Reused, r.Supporters)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "%d answers skipped:\n", len(r.Skipped))
	}
	for _, sk := range r.Skipped {
		fmt.Fprintf(w, "  enterprise %s, field %q (%s): %s\n", sk.EnterpriseID, sk.Field, sk.Value, sk.Reason)
	}
}

// assembleDemoChain assembles the value chain of the demo's footwear
// cluster around Bhairab from the survey's answers (POST
// /api/valuechains/assemble), beside the hand-made synthetic chains. A
// survey too small to have the cluster assembles nothing.
func assembleDemoChain(ctx context.Context, a *app, w io.Writer) error {
	srv := server.New(server.Config{Store: a.store, Sectors: a.sectors})
	defer srv.Close()
	id, err := srv.ClusterIn(ctx, "footwear_leather", "BD304811")
	if guccho.ErrorCode(err) == guccho.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	res, err := srv.AssembleChain(ctx, server.AssembleRequest{Cluster: id})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "value chain %s assembled from the survey around Bhairab: %d actors, %d links (guccho valuechain assemble --cluster %s)\n",
		res.Chain.ID, res.Chain.Actors, res.Chain.Links, id)
	return nil
}

// loadDemoChains stores the demo's synthetic value chains (demo.Chains),
// their producers linked to surveyed demo enterprises of each cluster.
func loadDemoChains(ctx context.Context, s store.Store) error {
	ids := map[string][]string{}
	for _, c := range demo.ChainIDs {
		f := guccho.EnterpriseFilter{Sectors: []string{c.Sector}, Admin: c.Admin, Limit: 8}
		err := s.FindEnterprises(ctx, f, func(e *guccho.Enterprise) error {
			ids[c.ID] = append(ids[c.ID], e.ID)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, d := range demo.Chains(ids) {
		if err := s.ReplaceChain(ctx, &d.Chain, d.Actors, d.Links); err != nil {
			return err
		}
	}
	return nil
}
