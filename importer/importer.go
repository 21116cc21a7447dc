// Package importer runs survey imports: it reads a survey file row by row
// (package survey), converts each row, places it (geo.Geocoder) and writes
// it in batches through one guccho.ImportWriter, so that an import is one
// unit — all of it or, after a failure or an undo, none of it — and memory
// does not grow with the file. The batches are committed in chunks of
// about half a second (guccho.ImportWriter.Checkpoint), each one short
// transaction that also records how far the source was read, so other
// writers are not held up and an interrupted import can be resumed
// (Resume) or rolled back. A Runner runs a server's uploads in the
// background, one at a time. It imports no concrete store: cmd/guccho and
// the server hand it one.
package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/survey"
)

// Importer imports survey files into a store.
type Importer struct {
	Store   guccho.EnterpriseStore
	Sectors *guccho.Sectors
	// Geocoders gives the geocoder of the current boundary set.
	Geocoders *Geocoders
	// BatchSize is how many rows are written at a time; default 2,000.
	BatchSize int
	// ChunkTime is how long a chunk of batches may write before it commits
	// (ImportWriter.Checkpoint); default 500 ms. Other writers wait at most
	// about that long; shorter chunks cost an import more commits.
	ChunkTime time.Duration
	// Progress, when set, is called with a snapshot of the report after each
	// batch and at the end. It must not block for long.
	Progress func(guccho.Import)
}

// NewID returns a fresh import id, "imp-" and 12 hex digits.
func NewID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "imp-" + hex.EncodeToString(b)
}

// Run imports every row of rd into the store under the import record imp
// (ID, Filename, Format and CreatedBy set by the caller; Status, counts and
// times set here), using mapping (detected and/or explicit, see survey).
//
// The record is created first, so a failed import leaves a trace. The rows
// go through one ImportWriter: a file-level error (missing sector column, an
// unreadable row, a store failure, a cancelled ctx) rolls everything back,
// marks the record failed with the reason and returns the error. Row errors
// (an unknown sector, a duplicate id) fail only their row, which is kept with
// its cells for the failed-rows CSV; warnings (survey.Ignored) are kept the
// same way but do not fail the row. A placed row that needs an editor
// (guccho.ReviewReasons: not at upazila level, a low score, a
// contradiction) is kept in the import's review queue with the geocoder's
// suggestions (ImportWriter.Review), in the same transaction; Review in the
// report counts them.
func (im *Importer) Run(ctx context.Context, imp *guccho.Import, rd survey.Reader, mapping survey.Mapping) (*guccho.Import, error) {
	imp.Status = guccho.ImportRunning
	if imp.StartedAt.IsZero() {
		imp.StartedAt = time.Now().UTC()
	}
	imp.Methods, imp.Flags = map[string]int{}, map[string]int{}
	imp.Mapping = map[string]string{}
	for f, col := range mapping.Fields {
		if col != "" {
			imp.Mapping[f] = col
		}
	}
	if err := im.Store.CreateImport(ctx, imp); err != nil {
		return imp, err
	}
	return im.finish(ctx, imp, rd, mapping)
}

// Resume goes on with an interrupted import (status running, as left by a
// crash): rd must read the same source as the import began with, and
// mapping be the same; rows up to imp.SourceRow, whose outcome is stored,
// are skipped unread, so the import ends exactly as if it had not been
// interrupted. An import interrupted in its indexing phase
// (guccho.ImportIndexing) has read its source: it is finished without it
// (rd may be nil). EINVALID when the import is not running.
func (im *Importer) Resume(ctx context.Context, imp *guccho.Import, rd survey.Reader, mapping survey.Mapping) (*guccho.Import, error) {
	if imp.Status != guccho.ImportRunning {
		return imp, guccho.Errorf(guccho.EINVALID, "import %s is %s: only an interrupted (running) import can be resumed", imp.ID, imp.Status)
	}
	if imp.Phase == guccho.ImportIndexing {
		return im.finishIndexing(ctx, imp)
	}
	if imp.Methods == nil {
		imp.Methods = map[string]int{}
	}
	if imp.Flags == nil {
		imp.Flags = map[string]int{}
	}
	return im.finish(ctx, imp, rd, mapping)
}

// finishIndexing finishes the indexing phase of an import interrupted in
// it: a writer opened on it commits what is left.
func (im *Importer) finishIndexing(ctx context.Context, imp *guccho.Import) (*guccho.Import, error) {
	w, err := im.Store.BeginImport(ctx, imp)
	if err != nil {
		return imp, err
	}
	defer w.Rollback()
	imp.Status = guccho.ImportSucceeded
	if imp.EndedAt == nil {
		now := time.Now().UTC()
		imp.EndedAt = &now
	}
	if err := w.Commit(ctx, imp); err != nil {
		imp.Status, imp.Phase = guccho.ImportRunning, guccho.ImportIndexing
		return imp, err
	}
	imp.Phase = ""
	im.report(imp)
	return imp, nil
}

// stillIndexing reports whether the store holds the import as running in
// its indexing phase: every row is stored, and recovery finishes it
// (guccho.ImportIndexing), so a failure then is not the import's.
func (im *Importer) stillIndexing(imp *guccho.Import) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := im.Store.FindImportByID(ctx, imp.ID)
	return err == nil && got.Status == guccho.ImportRunning && got.Phase == guccho.ImportIndexing
}

// finish runs the import from imp.SourceRow on and records a failure. An
// import stopped in its indexing phase (a cancelled ctx: a server shutting
// down) is left running, in that phase, for the next start to finish.
func (im *Importer) finish(ctx context.Context, imp *guccho.Import, rd survey.Reader, mapping survey.Mapping) (*guccho.Import, error) {
	err := im.run(ctx, imp, rd, mapping)
	if cerr := ctx.Err(); err != nil && cerr != nil && !errors.Is(err, cerr) {
		// Cancelled while the store wrote: what the store says then (a
		// statement closed under it, an interrupted query) follows from the
		// cancellation, and the import ends as cancelled.
		err = errors.Join(cerr, err)
	}
	if err != nil && im.stillIndexing(imp) {
		imp.Status, imp.Phase = guccho.ImportRunning, guccho.ImportIndexing
		im.report(imp)
		return imp, errors.Join(guccho.Errorf(guccho.EUNAVAILABLE,
			"import %s stopped while indexing its rows; it is finished at the next start or by guccho import resume %s", imp.ID, imp.ID), err)
	}
	if err != nil {
		now := time.Now().UTC()
		imp.Status, imp.Error, imp.EndedAt = guccho.ImportFailed, guccho.ErrorMessage(err), &now
		if errors.Is(err, context.Canceled) {
			imp.Error = "the import was cancelled; nothing was stored"
		}
		// Record the failure even when ctx is what ended the import.
		fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if ferr := im.Store.FinishImport(fctx, imp); ferr != nil {
			err = errors.Join(err, ferr)
		}
		im.report(imp)
		return imp, err
	}
	return imp, nil
}

func (im *Importer) report(imp *guccho.Import) {
	if im.Progress != nil {
		im.Progress(*imp)
	}
}

// chunk is one batch of converted and placed rows, with the rows that
// failed among them and their counts, passed from the reading goroutine to
// the writing one.
type chunk struct {
	batch    []*guccho.Enterprise
	cells    map[int]map[string]string // row → cells, for the failed-rows CSV
	failures []guccho.RowError
	read     int
	failed   int
	warnings int
	methods  map[string]int
	flags    map[string]int
	review   []*guccho.ReviewItem // rows for an editor's review, in row order
	last     int                  // the last source row read into the chunk
	err      error                // reading stopped here
}

func newChunk(size int) *chunk {
	return &chunk{batch: make([]*guccho.Enterprise, 0, size), cells: map[int]map[string]string{},
		methods: map[string]int{}, flags: map[string]int{}}
}

// produce reads, converts and places rows on its own goroutine, so that
// parsing and geocoding overlap with the store's writing; chunks arrive in
// row order. Rows numbered up to skip are passed over unconverted (a
// resume). It stops when ctx ends.
func produce(ctx context.Context, rd survey.Reader, conv *survey.Converter, gc *geo.Geocoder, size, skip int, out chan<- *chunk) {
	defer close(out)
	send := func(c *chunk) bool {
		select {
		case out <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	c := newChunk(size)
	for {
		if err := ctx.Err(); err != nil {
			return
		}
		row, err := rd.Next()
		if err == io.EOF {
			send(c)
			return
		}
		if err != nil {
			c.err = err
			send(c)
			return
		}
		if row.Number <= skip {
			continue
		}
		c.last = row.Number
		e, errs := conv.Convert(row)
		if e == nil && len(errs) == 0 {
			continue // an empty row
		}
		c.read++
		for i := range errs {
			errs[i].Values = row.Values
			if errs[i].Row == 0 {
				errs[i].Row = row.Number
			}
		}
		if survey.Failed(errs) || e == nil {
			c.failures = append(c.failures, errs...)
			c.failed++
		} else {
			if len(errs) > 0 {
				c.failures = append(c.failures, errs...)
				c.warnings++
			}
			place(gc, e)
			e.ImportRow = row.Number
			c.methods[e.Geocode.Method]++
			for _, f := range e.Geocode.Flags {
				c.flags[f]++
			}
			if it := reviewItem(gc, e); it != nil {
				c.review = append(c.review, it)
			}
			c.batch = append(c.batch, e)
			c.cells[row.Number] = row.Values
		}
		if len(c.batch) >= size || len(c.failures) >= size {
			if !send(c) {
				return
			}
			last := c.last
			c = newChunk(size)
			c.last = last
		}
	}
}

func (im *Importer) run(ctx context.Context, imp *guccho.Import, rd survey.Reader, mapping survey.Mapping) error {
	conv := &survey.Converter{Sectors: im.Sectors, Mapping: mapping}
	if err := conv.Check(rd.Columns()); err != nil {
		return err
	}
	gc, err := im.Geocoders.Get(ctx)
	if err != nil {
		return err
	}
	w, err := im.Store.BeginImport(ctx, imp)
	if err != nil {
		return err
	}
	defer w.Rollback()
	size := im.BatchSize
	if size <= 0 {
		size = 2000
	}
	chunkTime := im.ChunkTime
	if chunkTime <= 0 {
		chunkTime = 500 * time.Millisecond
	}
	chunkStart := time.Now()
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	chunks := make(chan *chunk, 1)
	go produce(pctx, rd, conv, gc, size, imp.SourceRow, chunks)
	for c := range chunks {
		if c.err != nil {
			return c.err
		}
		imp.Read += c.read
		imp.Failed += c.failed
		imp.Warnings += c.warnings
		for k, n := range c.methods {
			imp.Methods[k] += n
		}
		for k, n := range c.flags {
			imp.Flags[k] += n
		}
		if len(c.batch) > 0 {
			counts, err := w.Put(ctx, c.batch)
			if err != nil {
				return err
			}
			imp.Created += counts.Created
			imp.Updated += counts.Updated
			imp.Unchanged += counts.Unchanged
			dup := map[int]bool{}
			for _, d := range counts.Duplicates {
				d.Values = c.cells[d.Row]
				c.failures = append(c.failures, d)
				imp.Failed++
				dup[d.Row] = true
			}
			review := c.review[:0]
			for _, it := range c.review {
				if !dup[it.Row] {
					review = append(review, it)
				}
			}
			if err := w.Review(ctx, review); err != nil {
				return err
			}
			imp.Review += len(review)
		}
		if err := w.Fail(ctx, c.failures); err != nil {
			return err
		}
		if c.last > imp.SourceRow {
			imp.SourceRow = c.last
		}
		if time.Since(chunkStart) >= chunkTime {
			if err := w.Checkpoint(ctx, imp); err != nil {
				return err
			}
			chunkStart = time.Now()
		}
		im.report(imp)
	}
	if err := ctx.Err(); err != nil {
		return err // cancelled while reading
	}
	indexing := *imp // every row is stored: the store indexes them now
	indexing.Phase = guccho.ImportIndexing
	im.report(&indexing)
	now := time.Now().UTC()
	imp.Status, imp.EndedAt = guccho.ImportSucceeded, &now
	if err := w.Commit(ctx, imp); err != nil {
		return err
	}
	im.report(imp)
	return nil
}

// suggestions is how many units a review item suggests.
const suggestions = 5

// reviewItem returns the review item of a placed row that needs an
// editor (guccho.ReviewReasons), with the geocoder's suggestions, or nil.
func reviewItem(gc *geo.Geocoder, e *guccho.Enterprise) *guccho.ReviewItem {
	reasons := guccho.ReviewReasons(e.Geocode)
	if len(reasons) == 0 {
		return nil
	}
	return &guccho.ReviewItem{Row: e.ImportRow, EnterpriseID: e.ID, Name: e.Name, Stated: e.Stated, Admin: e.Admin,
		Geocode: e.Geocode, Reasons: reasons, Suggestions: gc.Suggest(e.Stated, e.Admin, suggestions), Status: guccho.ReviewOpen}
}

// place geocodes an enterprise draft in place.
func place(gc *geo.Geocoder, e *guccho.Enterprise) {
	res := gc.Geocode(geo.GeocodeInput{ID: e.ID, Stated: e.Stated, GPS: e.GPS})
	e.Admin, e.Geocode, e.GPS = res.Admin, res.Geocode, res.GPS
	e.Point, e.DisplayPoint = res.Point, res.DisplayPoint
}

// Place geocodes one enterprise with the current boundary set: Admin,
// Geocode, GPS (cleaned), Point and DisplayPoint are set from Stated and GPS.
func (g *Geocoders) Place(ctx context.Context, e *guccho.Enterprise) error {
	gc, err := g.Get(ctx)
	if err != nil {
		return err
	}
	place(gc, e)
	return nil
}

// Geocoders keeps a geo.Geocoder for the store's current boundary set and
// learnt aliases, rebuilding it (from every unit, with geometry) when the
// set's version changes, and giving it the aliases again (WithAliases)
// when theirs does. Safe for concurrent use.
type Geocoders struct {
	Store   geo.Store
	Version func() string // the boundary set's version
	// Aliases, when set, gives the learnt aliases the geocoder uses.
	Aliases AliasSource

	mu           sync.Mutex
	base         *geo.Geocoder // without aliases
	gc           *geo.Geocoder // with them
	version      string
	aliasVersion string
}

// AliasSource gives the learnt aliases and a version that changes whenever
// they do (guccho.ReviewStore has both).
type AliasSource interface {
	FindAliases(ctx context.Context) ([]*guccho.Alias, error)
	AliasesVersion(ctx context.Context) (string, error)
}

// Get returns the geocoder of the current boundary set and aliases. An
// empty store gives an EUNAVAILABLE error: boundaries must be imported
// first.
func (g *Geocoders) Get(ctx context.Context) (*geo.Geocoder, error) {
	v := g.Version()
	av := ""
	if g.Aliases != nil {
		var err error
		if av, err = g.Aliases.AliasesVersion(ctx); err != nil {
			return nil, err
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gc != nil && g.version == v && g.aliasVersion == av {
		return g.gc, nil
	}
	if g.base == nil || g.version != v {
		units, err := g.Store.FindUnits(ctx, geo.UnitFilter{WithGeometry: true})
		if err != nil {
			return nil, err
		}
		if len(units) == 0 {
			return nil, guccho.Errorf(guccho.EUNAVAILABLE, "no administrative boundaries are stored yet: import them first (guccho import boundaries DIR)")
		}
		g.base, g.version = geo.NewGeocoder(geo.NewAtlas(units)), v
	}
	g.gc, g.aliasVersion = g.base, av
	if g.Aliases != nil {
		as, err := g.Aliases.FindAliases(ctx)
		if err != nil {
			g.gc = nil
			return nil, err
		}
		list := make([]guccho.Alias, len(as))
		for i, a := range as {
			list[i] = *a
		}
		g.gc = g.base.WithAliases(list)
	}
	return g.gc, nil
}
