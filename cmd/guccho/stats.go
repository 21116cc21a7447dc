package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/geo/stats"
)

const statsUsage = `Usage: guccho stats <statistic> [flags]

Spatial statistics on a table of values per unit and a spatial weights file,
with PySAL's conventions (see docs/statistics.md).

  guccho stats moran|local-moran|g|gi|gistar --weights W.gal --data T.csv|T.dbf --var NAME
        [--id FIELD] [--transform r|b] [--permutations N] [--seed S]
        [--correct none|bh|bonferroni] [--alpha A] [-o OUT.csv]
  guccho stats lq --data T.csv|T.dbf --var SECTOR[,SECTOR…] [--id FIELD] [--min-count N] [-o OUT.csv]
  guccho stats weights --level union|upazila|district --type queen|rook|knn|distance
        [--k N] [--band-km D] [--tolerance M] [--boundaries DIR | --db PATH] -o W.gal|W.gwt

moran and local-moran print global Moran's I (statistic, expectation,
variance, z and p under normality and randomisation, permutation p-value);
g, gi and gistar print global Getis-Ord G. With -o they write one row per unit
of the local statistic (local Moran for moran and local-moran, Gi for g and gi,
Gi* for gistar): id, value, statistic, expected, variance, z, p_norm, p_sim,
p_adj, quadrant (local Moran) and class (HH/LH/LL/HL or hot/cold when
significant at --alpha, else ns). The local commands write the rows to
standard output when -o is not given, and the global results to standard error.

Rows of --data are matched to the weights by --id; without it the rows must be
in the weights' order. lq writes id, sector, count, lq (empty below --min-count).
weights builds contiguity from the boundary polygons (bridging gaps up to
--tolerance metres), or k nearest neighbours and distance bands between unit
centroids (great-circle km), and reports islands.

Flags:
`

var statsCommands = []string{"moran", "local-moran", "g", "gi", "gistar", "lq", "weights"}

func runStats(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := env.Stderr
		if len(args) > 0 {
			w = env.Stdout
		}
		fmt.Fprint(w, statsUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: stats needs one of %s", errUsage, strings.Join(statsCommands, ", "))
		}
		return nil
	}
	cmd := args[0]
	switch cmd {
	case "weights":
		return runStatsWeights(ctx, args[1:], env)
	case "lq":
		return runStatsLQ(args[1:], env)
	case "moran", "local-moran", "g", "gi", "gistar":
		return runStatistic(cmd, args[1:], env)
	}
	fmt.Fprint(env.Stderr, statsUsage)
	return fmt.Errorf("%w: unknown statistic %q (want one of %s)", errUsage, cmd, strings.Join(statsCommands, ", "))
}

func newStatsFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("stats "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), statsUsage); fs.PrintDefaults() }
	return fs
}

func runStatistic(name string, args []string, env Env) error {
	fs := newStatsFlags(name, env)
	weightsFile := fs.String("weights", "", "spatial weights: GAL or GWT file")
	dataFile := fs.String("data", "", "table of values: CSV or DBF")
	varName := fs.String("var", "", "column of values")
	idField := fs.String("id", "", "column of unit ids matching the weights (default: rows in weights order)")
	transform := fs.String("transform", "r", "weights transform: r (row-standardised) or b (binary); G always uses b")
	perms := fs.Int("permutations", 999, "random permutations for pseudo p-values (0: none)")
	seed := fs.Uint64("seed", 1, "seed of the permutations")
	correct := fs.String("correct", "none", "multiple-testing correction of local p-values: none, bh or bonferroni")
	alpha := fs.Float64("alpha", 0.05, "significance level for the class column")
	out := fs.String("o", "", "output CSV, one row per unit")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *weightsFile == "" || *dataFile == "" || *varName == "" {
		fs.Usage()
		return fmt.Errorf("%w: stats %s needs --weights, --data and --var", errUsage, name)
	}
	tr, err := stats.ParseTransform(*transform)
	if err != nil {
		return err
	}
	corr, err := stats.ParseCorrection(*correct)
	if err != nil {
		return err
	}
	w, err := readWeightsFile(*weightsFile)
	if err != nil {
		return err
	}
	tab, err := readTableFile(*dataFile)
	if err != nil {
		return err
	}
	y, err := alignedColumn(tab, *varName, *idField, w)
	if err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "%s", *dataFile)
	}
	opt := stats.Options{Transform: tr, Permutations: *perms}
	if *perms > 0 {
		opt.Rand = rand.New(rand.NewPCG(*seed, 0))
	}
	global := env.Stdout
	if *out == "" && name != "moran" && name != "g" {
		global = env.Stderr
	}
	fmt.Fprintf(global, "n\t%d\n", w.N())
	if isl := w.Islands(); len(isl) > 0 {
		fmt.Fprintf(global, "islands\t%d\t%s\n", len(isl), strings.Join(idsOf(w, isl), " "))
	}
	var local stats.Local
	moranFamily := name == "moran" || name == "local-moran"
	if moranFamily {
		g, err := stats.Moran(y, w, opt)
		if err != nil {
			return err
		}
		printGlobal(global, "I", g, true)
		if local, err = stats.LocalMoran(y, w, opt); err != nil {
			return err
		}
	} else {
		g, err := stats.G(y, w, opt)
		if err != nil {
			return err
		}
		printGlobal(global, "G", g, false)
		if local, err = stats.LocalG(y, w, name == "gistar", opt); err != nil {
			return err
		}
	}
	if *out == "" && (name == "moran" || name == "g") {
		return nil
	}
	p := local.P
	if local.PSim != nil {
		p = local.PSim
	}
	adj := stats.Adjust(p, corr)
	rows := make([][]string, w.N())
	for i, id := range w.IDs {
		class := "ns"
		quad := ""
		if moranFamily {
			quad = local.Quadrant[i].String()
			if adj[i] <= *alpha {
				class = quad
			}
		} else if adj[i] <= *alpha {
			class = "cold"
			if local.Z[i] > 0 {
				class = "hot"
			}
		}
		psim := ""
		if local.PSim != nil {
			psim = num(local.PSim[i])
		}
		rows[i] = []string{id, num(y[i]), num(local.Stat[i]), num(local.Expected[i]), num(local.Var[i]),
			num(local.Z[i]), num(local.P[i]), psim, num(adj[i]), quad, class}
	}
	return writeRows(*out, env.Stdout,
		[]string{"id", "value", "statistic", "expected", "variance", "z", "p_norm", "p_sim", "p_adj", "quadrant", "class"}, rows)
}

func printGlobal(w io.Writer, name string, g stats.Global, rand bool) {
	fmt.Fprintf(w, "%s\t%.10g\n", name, g.Stat)
	fmt.Fprintf(w, "E[%s]\t%.10g\n", name, g.Expected)
	fmt.Fprintf(w, "V[%s] normality\t%.10g\n", name, g.VarNorm)
	fmt.Fprintf(w, "z normality\t%.10g\n", g.ZNorm)
	tail := "two-sided"
	if !rand {
		tail = "one-sided"
	}
	fmt.Fprintf(w, "p normality (%s)\t%.10g\n", tail, g.PNorm)
	if rand {
		fmt.Fprintf(w, "V[%s] randomisation\t%.10g\n", name, g.VarRand)
		fmt.Fprintf(w, "z randomisation\t%.10g\n", g.ZRand)
		fmt.Fprintf(w, "p randomisation (two-sided)\t%.10g\n", g.PRand)
	}
	if g.Permutations > 0 {
		fmt.Fprintf(w, "permutations\t%d\n", g.Permutations)
		fmt.Fprintf(w, "p permutation\t%.10g\n", g.PSim)
		fmt.Fprintf(w, "mean, sd, z of permutations\t%.10g\t%.10g\t%.10g\n", g.MeanSim, g.SDSim, g.ZSim)
	}
}

func runStatsLQ(args []string, env Env) error {
	fs := newStatsFlags("lq", env)
	dataFile := fs.String("data", "", "table of counts: CSV or DBF, one row per unit")
	vars := fs.String("var", "", "comma-separated sector columns (enterprise counts or employment)")
	idField := fs.String("id", "", "column of unit ids (default: the row number)")
	minCount := fs.Float64("min-count", 5, "cells with a smaller count get no LQ")
	out := fs.String("o", "", "output CSV (default standard output)")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *dataFile == "" || *vars == "" {
		fs.Usage()
		return fmt.Errorf("%w: stats lq needs --data and --var", errUsage)
	}
	tab, err := readTableFile(*dataFile)
	if err != nil {
		return err
	}
	sectors := strings.Split(*vars, ",")
	counts := make([][]float64, len(tab.Rows))
	for i := range counts {
		counts[i] = make([]float64, len(sectors))
	}
	for s, name := range sectors {
		col, err := tab.Floats(strings.TrimSpace(name))
		if err != nil {
			return guccho.WrapError(err, guccho.ErrorCode(err), "%s", *dataFile)
		}
		for i, v := range col {
			counts[i][s] = v
		}
	}
	ids := make([]string, len(tab.Rows))
	if *idField != "" {
		if ids, err = tab.Strings(*idField); err != nil {
			return err
		}
	} else {
		for i := range ids {
			ids[i] = strconv.Itoa(i + 1)
		}
	}
	lq, err := stats.LQ(counts, *minCount)
	if err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "%s", *dataFile)
	}
	var rows [][]string
	for i, id := range ids {
		for s, name := range sectors {
			v := ""
			if !math.IsNaN(lq[i][s]) {
				v = num(lq[i][s])
			}
			rows = append(rows, []string{id, strings.TrimSpace(name), num(counts[i][s]), v})
		}
	}
	return writeRows(*out, env.Stdout, []string{"id", "sector", "count", "lq"}, rows)
}

func runStatsWeights(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := newStatsFlags("weights", env)
	cfg.dbFlag(fs)
	fs.StringVar(&cfg.Boundaries, "boundaries", cfg.Boundaries, "boundary directory (env GUCCHO_BOUNDARIES); default: the store's boundaries")
	level := fs.String("level", "union", "units: union, upazila or district")
	kind := fs.String("type", "queen", "queen, rook, knn or distance")
	k := fs.Int("k", 6, "neighbours for --type knn")
	band := fs.Float64("band-km", 0, "distance band in km for --type distance")
	tol := fs.Float64("tolerance", stats.DefaultTolerance, "contiguity: bridge gaps between boundaries up to this many metres (0: exact, as libpysal)")
	out := fs.String("o", "", "output weights: .gal, or .gwt (with values)")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return fmt.Errorf("%w: stats weights needs -o", errUsage)
	}
	lv, err := geo.ParseLevel(*level)
	if err != nil {
		return err
	}
	if lv < geo.District {
		return guccho.Errorf(guccho.EINVALID, "--level %s: want union, upazila or district", *level)
	}
	atlas, err := loadAtlas(ctx, cfg, env)
	if err != nil {
		return err
	}
	units := atlas.Level(lv)
	ids := make([]string, len(units))
	for i, u := range units {
		ids[i] = u.PCode
	}
	var w *stats.Weights
	switch *kind {
	case "queen", "rook":
		rule, _ := stats.ParseContiguity(*kind)
		polys := make([]orb.MultiPolygon, len(units))
		for i, u := range units {
			if len(u.Geometry) == 0 {
				return guccho.Errorf(guccho.EINVALID, "unit %s has no geometry", u.PCode)
			}
			polys[i] = u.Geometry
		}
		w, err = stats.ContiguityWeights(ids, polys, rule, *tol)
	case "knn", "distance":
		pts := make([]orb.Point, len(units))
		for i, u := range units {
			pts[i] = u.Label // stores may load units without geometry
			if len(u.Geometry) > 0 {
				pts[i], _ = planar.CentroidArea(u.Geometry)
			}
		}
		if *kind == "knn" {
			w, err = stats.KNN(ids, pts, *k)
		} else {
			w, err = stats.DistanceBand(ids, pts, *band, 0)
		}
	default:
		return guccho.Errorf(guccho.EINVALID, "--type %q: want queen, rook, knn or distance", *kind)
	}
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	keyvar := fmt.Sprintf("adm%d_pcode", lv)
	if strings.EqualFold(filepath.Ext(*out), ".gwt") {
		err = stats.WriteGWT(f, w, lv.String()+"s", keyvar)
	} else {
		err = stats.WriteGAL(f, w, lv.String()+"s", keyvar)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%s weights for %d %ss: %d links, mean %.2f neighbours", *kind, w.N(), lv,
		len(w.Neighbors), float64(len(w.Neighbors))/float64(max(1, w.N())))
	if a := w.Asymmetries(); len(a) > 0 {
		fmt.Fprintf(env.Stderr, ", %d asymmetric links", len(a))
	}
	isl := w.Islands()
	fmt.Fprintf(env.Stderr, ", %d islands", len(isl))
	if len(isl) > 0 {
		fmt.Fprintf(env.Stderr, ": %s", strings.Join(idsOf(w, isl), " "))
	}
	fmt.Fprintf(env.Stderr, "; wrote %s\n", *out)
	return nil
}

func readWeightsFile(path string) (*stats.Weights, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "--weights: %v", err)
	}
	defer f.Close()
	var w *stats.Weights
	if strings.EqualFold(filepath.Ext(path), ".gwt") {
		w, err = stats.ReadGWT(bufio.NewReader(f))
	} else {
		w, err = stats.ReadGAL(bufio.NewReader(f))
	}
	if err != nil {
		return nil, guccho.WrapError(err, guccho.ErrorCode(err), "%s", path)
	}
	return w, nil
}

func readTableFile(path string) (*stats.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "--data: %v", err)
	}
	defer f.Close()
	var t *stats.Table
	if strings.EqualFold(filepath.Ext(path), ".dbf") {
		t, err = stats.ReadDBF(bufio.NewReader(f))
	} else {
		t, err = stats.ReadCSV(bufio.NewReader(f))
	}
	if err != nil {
		return nil, guccho.WrapError(err, guccho.ErrorCode(err), "%s", path)
	}
	return t, nil
}

// alignedColumn returns column name of t in the order of w's ids: matched
// through the id column when given, else by row order.
func alignedColumn(t *stats.Table, name, idField string, w *stats.Weights) ([]float64, error) {
	vals, err := t.Floats(name)
	if err != nil {
		return nil, err
	}
	if idField == "" {
		if len(vals) != w.N() {
			return nil, guccho.Errorf(guccho.EINVALID, "%d rows for %d units in the weights (pass --id to match rows by id)", len(vals), w.N())
		}
		return vals, nil
	}
	ids, err := t.Strings(idField)
	if err != nil {
		return nil, err
	}
	row := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := row[id]; dup {
			return nil, guccho.Errorf(guccho.EINVALID, "row %d: id %q appears twice in column %q", i+1, id, idField)
		}
		row[id] = i
	}
	out := make([]float64, w.N())
	for i, id := range w.IDs {
		r, ok := row[id]
		if !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "unit %q of the weights has no row (column %q)", id, idField)
		}
		out[i] = vals[r]
	}
	return out, nil
}

func idsOf(w *stats.Weights, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = w.IDs[i]
	}
	return out
}

// num formats a figure for the CSV files the commands write: 15
// significant digits (so float noise such as 0.5125000000000001 reads
// 0.5125), plain decimals below 1e15, and "" for NaN (undefined or unknown).
func num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 15, 64)
}

// writeRows writes a CSV to path, or to def when path is empty.
func writeRows(path string, def io.Writer, head []string, rows [][]string) error {
	if path == "" {
		return writeCSV(def, head, rows)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := writeCSV(f, head, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeCSV(w io.Writer, head []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.Write(head)
	return cw.WriteAll(rows)
}
