package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/atlas"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/profile"
	"github.com/guccho/guccho/store"
)

const atlasUsage = `Usage: guccho atlas --sector S [--level district|upazila] [--within PCODE] [--stat count|lq]
         [--lang en|bn|both] [--font-dir DIR] -o ATLAS.pdf [--db PATH] [--boundaries DIR]
       guccho atlas --deck ID [--sector S] [--lang …] -o DECK.pdf

Prints a vector PDF atlas (A4, docs/atlas.md) from the store at --db: one page
per district or upazila (only those inside --within, a division or district
P-code, when given), each with the unit's map — its child units coloured by
the sector's enterprises (--stat count, in quantile classes) or its location
quotient (--stat lq), neighbouring units in grey, the sector's surveyed GPS
points as dots — its names in English and Bangla, a legend, a scale bar, a
north arrow, the unit's profile (as GET /api/profile gives it), the data
source, the date and the boundaries' attribution.

With --deck, one page per saved view of the deck instead: its title,
subtitle and notes, and a map of the view's camera with its sector and
statistic where the atlas can print them; each page says what it did not
draw. --sector is then the sector for views that name none.

Fonts: by default the fonts shipped inside the binary, Noto Sans Bengali and
Noto Sans (regular and bold; Google, SIL Open Font License 1.1; see
data/fonts/README.md and OFL.txt in the source). --font-dir DIR reads fonts
from DIR instead, under the same four file names:
  NotoSansBengali-Regular.ttf NotoSansBengali-Bold.ttf
  NotoSans-Regular.ttf NotoSans-Bold.ttf
Bangla is shaped by go-text/typesetting's HarfBuzz port (pure Go) and the
used glyphs are embedded in the PDF.

Every page's footer names the data (the store and its number of enterprises),
the date and the boundaries' attribution: that of the set shipped with Guccho
unless --attribution gives the one of the boundaries the store holds.

The file is written whole or not at all (a temporary file renamed into place).

Flags:
`

func runAtlas(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("atlas", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	cfg.boundariesFlag(fs)
	cfg.sectorsFlag(fs)
	sector := fs.String("sector", "", "sector code or name of the catalogue, e.g. footwear_leather (required without --deck)")
	level := fs.String("level", "district", "one page per unit of this level: district or upazila")
	within := fs.String("within", "", "only the units inside this division or district P-code")
	deckID := fs.String("deck", "", "one page per saved view of this deck instead of one per unit")
	stat := fs.String("stat", "count", "what colours the child units: count (enterprises) or lq (location quotient)")
	lang := fs.String("lang", "both", "language of the labels and tables: en, bn or both (names are always in both)")
	minCount := fs.Float64("min-count", 5, "the least number of enterprises a location quotient is given for (as GET /api/profile)")
	fontDir := fs.String("font-dir", "", "read the four fonts from this directory instead of those inside the binary")
	points := fs.Bool("points", true, "draw the sector's surveyed GPS points as dots")
	attribution := fs.String("attribution", data.BoundariesAttribution, "the boundaries' attribution printed on every page; give your own when the store's boundaries are not the shipped set")
	out := fs.String("o", "", "output PDF file (required)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), atlasUsage); fs.PrintDefaults() }
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: atlas takes flags only", errUsage)
	}
	if *out == "" {
		fs.Usage()
		return fmt.Errorf("%w: atlas needs -o FILE", errUsage)
	}
	if *sector == "" && *deckID == "" {
		fs.Usage()
		return fmt.Errorf("%w: atlas needs --sector (or --deck)", errUsage)
	}
	if *deckID != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, name := range []string{"level", "within", "stat"} {
			if set[name] {
				return fmt.Errorf("%w: --%s is for pages per unit; a --deck's views carry their own", errUsage, name)
			}
		}
	}
	lv, err := geo.ParseLevel(*level)
	if err != nil || (lv != geo.District && lv != geo.Upazila) {
		return guccho.Errorf(guccho.EINVALID, "--level %q: want district or upazila", *level)
	}
	st, err := atlas.ParseStat(*stat)
	if err != nil {
		return err
	}
	lg, err := atlas.ParseLang(*lang)
	if err != nil {
		return err
	}
	if !(*minCount >= 0) {
		return guccho.Errorf(guccho.EINVALID, "--min-count %v: want a number ≥ 0", *minCount)
	}
	fontFS := data.Fonts()
	if *fontDir != "" {
		if info, err := os.Stat(*fontDir); err != nil || !info.IsDir() {
			return guccho.Errorf(guccho.EINVALID, "--font-dir %q: not a directory", *fontDir)
		}
		fontFS = os.DirFS(*fontDir)
	}
	fonts, err := atlas.LoadFonts(fontFS)
	if err != nil {
		if *fontDir != "" {
			return guccho.Errorf(guccho.EINVALID, "--font-dir %s: %s", *fontDir, guccho.ErrorMessage(err))
		}
		return err
	}

	start := time.Now()
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	log, err := cfg.logger(env)
	if err != nil {
		return err
	}
	if err := ensureBoundaries(ctx, s, cfg.Boundaries, log, env.Stderr); err != nil {
		return err
	}
	a, err := newApp(cfg, s)
	if err != nil {
		return err
	}
	var sec guccho.Sector
	if *sector != "" {
		var ok bool
		if sec, ok = a.sectors.Lookup(*sector); !ok {
			return guccho.Errorf(guccho.EINVALID, "--sector %q: not a sector of the catalogue (%s)", *sector, strings.Join(a.sectors.Codes(), ", "))
		}
	}
	r := atlasReader{store: s, sectors: a.sectors, minCount: *minCount, points: *points}
	var pages []atlas.Page
	title := "Guccho atlas: " + sec.NameEN
	if *deckID != "" {
		pages, title, err = r.deckPages(ctx, *deckID, sec)
	} else {
		pages, err = r.unitPages(ctx, sec, lv, *within, st)
	}
	if err != nil {
		return err
	}
	read := time.Since(start)

	doc := &atlas.Document{
		Fonts: fonts, Lang: lg, Title: title, Source: r.source(ctx, cfg.DB),
		Date: time.Now().UTC(), Attribution: *attribution, Subset: true,
		SectorName: func(code string) deck.Text {
			if s, ok := a.sectors.Lookup(code); ok {
				return deck.Text{EN: s.NameEN, BN: s.NameBN}
			}
			return deck.Text{EN: code}
		},
	}
	start = time.Now()
	n, err := writeFileAtomic(*out, func(w io.Writer) error { return doc.Write(ctx, w, pages) })
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s: %d pages, %d bytes (read in %s, drawn and written in %s)\n",
		*out, len(pages), n, read.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return nil
}

// atlasReader reads what the atlas's pages need from a store.
type atlasReader struct {
	store    store.Store
	sectors  *guccho.Sectors
	minCount float64
	points   bool
}

// aggregates returns the store's sums at a level.
func (r atlasReader) aggregates(ctx context.Context, lv geo.Level) ([]profile.Aggregate, error) {
	ag, ok := r.store.(profile.Aggregator)
	if !ok {
		return nil, guccho.Errorf(guccho.EUNAVAILABLE, "this store cannot sum enterprises per unit, which profiles need")
	}
	return ag.AggregateEnterprises(ctx, lv)
}

// units returns the units of a level with their geometry.
func (r atlasReader) units(ctx context.Context, lv geo.Level) ([]*geo.Unit, error) {
	return r.store.FindUnits(ctx, geo.UnitFilter{Level: &lv, WithGeometry: true})
}

// gpsPoints returns the surveyed GPS points of the enterprises of the
// sectors (none when points are off or no sector is given).
func (r atlasReader) gpsPoints(ctx context.Context, sectors []string) ([]orb.Point, error) {
	if !r.points || len(sectors) == 0 {
		return nil, nil
	}
	var pts []orb.Point
	err := r.store.FindEnterprises(ctx, guccho.EnterpriseFilter{Sectors: sectors}, func(e *guccho.Enterprise) error {
		if e.GPS != nil {
			pts = append(pts, *e.GPS)
		}
		return nil
	})
	return pts, err
}

// unitPages reads the data of one page per unit of lv inside within.
func (r atlasReader) unitPages(ctx context.Context, sec guccho.Sector, lv geo.Level, within string, st atlas.Stat) ([]atlas.Page, error) {
	if within != "" {
		wl, err := geo.PCodeLevel(within)
		if err != nil || wl < geo.Division || wl > lv {
			return nil, guccho.Errorf(guccho.EINVALID, "--within %q: want the P-code of a division or district holding %ss (such as BD30 or BD3048)", within, lv)
		}
		if _, err := r.store.FindUnitByPCode(ctx, within); err != nil {
			if guccho.ErrorCode(err) == guccho.ENOTFOUND {
				return nil, guccho.Errorf(guccho.EINVALID, "--within %s: no such unit in the store's boundaries", within)
			}
			return nil, err
		}
	}
	d := atlas.Data{Sector: sec, Level: lv, Stat: st, MinCount: r.minCount}
	var err error
	if d.Units, err = r.units(ctx, lv); err != nil {
		return nil, err
	}
	if d.Children, err = r.units(ctx, lv+1); err != nil {
		return nil, err
	}
	if d.Aggregates, err = r.aggregates(ctx, lv); err != nil {
		return nil, err
	}
	if d.ChildAggregates, err = r.aggregates(ctx, lv+1); err != nil {
		return nil, err
	}
	if d.Points, err = r.gpsPoints(ctx, []string{sec.Code}); err != nil {
		return nil, err
	}
	pages, err := atlas.UnitPages(d, within)
	if guccho.ErrorCode(err) == guccho.ENOTFOUND {
		return nil, guccho.Errorf(guccho.EINVALID, "--within %s: no %s in it", within, lv)
	}
	return pages, err
}

// deckPages reads the deck and one page per view of it, in the deck's
// order; sec is the sector of views that name none. It returns the deck's
// title too.
func (r atlasReader) deckPages(ctx context.Context, id string, sec guccho.Sector) ([]atlas.Page, string, error) {
	d, err := r.store.FindDeckByID(ctx, id)
	if guccho.ErrorCode(err) == guccho.ENOTFOUND {
		return nil, "", guccho.Errorf(guccho.EINVALID, "--deck %q: no such deck in the store", id)
	}
	if err != nil {
		return nil, "", err
	}
	if len(d.ViewIDs) == 0 {
		return nil, "", guccho.Errorf(guccho.EINVALID, "--deck %s: the deck has no views to print", id)
	}
	units := map[geo.Level][]*geo.Unit{}
	aggs := map[geo.Level][]profile.Aggregate{}
	var pages []atlas.Page
	for _, vid := range d.ViewIDs {
		v, err := r.store.FindViewByID(ctx, vid)
		if err != nil {
			return nil, "", err
		}
		spec := atlas.ReadView(*v)
		if len(spec.Sectors) == 0 && sec.Code != "" {
			spec.Sectors = []string{sec.Code}
		}
		vd := atlas.ViewData{MinCount: r.minCount}
		var missing []string
		for _, code := range spec.Sectors {
			if s, ok := r.sectors.Lookup(code); ok {
				vd.Sectors = append(vd.Sectors, s)
			} else {
				missing = append(missing, code)
			}
		}
		if units[spec.Level] == nil {
			if units[spec.Level], err = r.units(ctx, spec.Level); err != nil {
				return nil, "", err
			}
		}
		vd.Units = units[spec.Level]
		if spec.LQ && len(vd.Sectors) > 0 {
			if aggs[spec.Level] == nil {
				if aggs[spec.Level], err = r.aggregates(ctx, spec.Level); err != nil {
					return nil, "", err
				}
			}
			vd.Aggregates = aggs[spec.Level]
		} else {
			codes := make([]string, len(vd.Sectors))
			for i, s := range vd.Sectors {
				codes[i] = s.Code
			}
			if vd.Points, err = r.gpsPoints(ctx, codes); err != nil {
				return nil, "", err
			}
		}
		if spec.Select != "" {
			vd.Selected, err = r.store.FindUnitByPCode(ctx, spec.Select)
			if guccho.ErrorCode(err) == guccho.ENOTFOUND {
				spec.Remarks = append(spec.Remarks, deck.Text{EN: "the selected unit " + spec.Select + " (not in the store's boundaries)",
					BN: "নির্বাচিত একক " + spec.Select + " (সংরক্ষিত সীমানায় নেই)"})
			} else if err != nil {
				return nil, "", err
			}
		}
		page, err := atlas.ViewPage(*v, spec, vd)
		if err != nil {
			return nil, "", err
		}
		if len(missing) > 0 {
			page.Remarks = append(page.Remarks, deck.Text{EN: "sectors not in the catalogue: " + strings.Join(missing, ", "),
				BN: "ক্যাটালগে নেই এমন খাত: " + strings.Join(missing, ", ")})
		}
		pages = append(pages, page)
	}
	title := d.Title.EN
	if title == "" {
		title = d.Title.BN
	}
	return pages, title, nil
}

// source describes the data for the pages' footers: the store, how many
// enterprises it holds, and whether they are synthetic demo data.
func (r atlasReader) source(ctx context.Context, db string) string {
	src := storeName(db)
	st, err := r.store.EnterpriseStats(ctx, "")
	if err != nil {
		return src
	}
	src += fmt.Sprintf(", %d enterprises", st.Total)
	if st.Synthetic > 0 {
		src += fmt.Sprintf(" (%d synthetic demo records, not a survey)", st.Synthetic)
	}
	return src
}

// storeName names the store of --db for a page's footer: the embedded
// store's file name, or the PostGIS store's host and database, without
// credentials or options.
func storeName(db string) string {
	if u, err := url.Parse(db); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return "Guccho PostGIS store " + u.Host + u.Path
	}
	return "Guccho embedded store " + filepath.Base(db)
}

// writeFileAtomic writes a file through write into a temporary file beside
// path and renames it into place, so a failure leaves no half file (and any
// older file at path as it was). It returns the bytes written.
func writeFileAtomic(path string, write func(io.Writer) error) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, guccho.Errorf(guccho.EINVALID, "-o %s: %v", path, err)
	}
	cw := &countingWriter{w: f}
	if err := write(cw); err != nil {
		f.Close()
		os.Remove(f.Name())
		return 0, err
	}
	err = f.Chmod(0o644) // as os.Create under the usual umask; CreateTemp makes 0600
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, guccho.Errorf(guccho.EINVALID, "-o %s: %v", path, err)
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
