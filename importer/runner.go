package importer

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/survey"
)

// RunnerConfig tunes a Runner; zero values take the defaults.
type RunnerConfig struct {
	// TempDir holds spooled uploads; default os.TempDir().
	TempDir string
	// Publish, when set, is told of each import's progress: at most once
	// every ProgressEvery while it runs, and always when it ends. It is
	// called from the import's goroutine and must not block.
	Publish func(guccho.Import)
	// ProgressEvery is the least time between two Publish calls for one
	// running import. Default 250 ms.
	ProgressEvery time.Duration
	Logger        *slog.Logger // default slog.Default()
}

// Runner runs survey imports in the background for a server, one at a time
// (a store has one writer; later imports wait their turn in the order they
// were started). An uploaded file is spooled to disk (Spool), opened and
// handed to Start, which returns at once; while the import waits and runs,
// Running reports its progress, and the spooled file is removed when it
// ends. Close cancels the imports still waiting or running — each rolls back
// and is recorded as failed — and waits for them.
//
// A Runner is safe for concurrent use. Create it with NewRunner.
type Runner struct {
	im  *Importer
	cfg RunnerConfig

	ctx    context.Context // imports run under it; Close cancels it
	cancel context.CancelFunc
	wg     sync.WaitGroup
	turn   sync.Mutex // held by the import that runs

	mu        sync.Mutex
	running   map[string]guccho.Import // started and not ended, by id
	published map[string]time.Time     // when Publish was last called, by id
}

// NewRunner returns a Runner that imports with copies of im (its Progress is
// replaced by the Runner's own).
func NewRunner(im *Importer, cfg RunnerConfig) *Runner {
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = 250 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Runner{im: im, cfg: cfg, running: map[string]guccho.Import{}, published: map[string]time.Time{}}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// Upload is an uploaded survey file spooled to disk: write the file to it,
// then Open it and Start its import, or Discard it.
type Upload struct {
	name string
	f    *os.File
}

// Spool creates an empty Upload for the file the client called name, in
// the runner's TempDir. It returns EINTERNAL when the file cannot be
// created.
func (r *Runner) Spool(name string) (*Upload, error) {
	f, err := os.CreateTemp(r.cfg.TempDir, "guccho-upload-*")
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "spooling the upload")
	}
	return &Upload{name: name, f: f}, nil
}

// Write appends p to the spooled file.
func (u *Upload) Write(p []byte) (int, error) { return u.f.Write(p) }

// Open returns a survey reader over the spooled file, its format told by
// the file's name and contents (survey.Open). A file it cannot read returns
// EINVALID with a message that starts with the file's name.
func (u *Upload) Open() (survey.Reader, error) {
	st, err := u.f.Stat()
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "spooling the upload")
	}
	rd, err := survey.Open(u.f, st.Size(), u.name)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "%s: %s", u.name, guccho.ErrorMessage(err))
	}
	return rd, nil
}

// Discard closes and removes the spooled file. It may be called more than
// once.
func (u *Upload) Discard() {
	u.f.Close()
	os.Remove(u.f.Name())
}

// Start imports rd, a reader over u, under the record imp with mapping (see
// Importer.Run) in the background, after the imports started before it,
// and returns a snapshot of imp as accepted. The runner owns u and imp from
// now on: u is discarded when the import ends. A failed import is logged
// and recorded by Importer.Run.
//
// The record names the spooled file (guccho.ImportSource, Spooled): a crash
// leaves the file behind, and the next start resumes the import from it and
// then removes it.
func (r *Runner) Start(imp *guccho.Import, u *Upload, rd survey.Reader, mapping survey.Mapping) guccho.Import {
	if st, err := u.f.Stat(); err == nil {
		m, _ := json.Marshal(mapping)
		imp.Source = &guccho.ImportSource{Path: u.f.Name(), Name: u.name, Spooled: true, Size: st.Size(), Mapping: m}
	}
	r.set(*imp)
	accepted := *imp // the goroutine below changes imp
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer u.Discard()
		r.turn.Lock()
		defer r.turn.Unlock()
		im := *r.im
		im.Progress = r.progress
		if _, err := im.Run(r.ctx, imp, rd, mapping); err != nil {
			r.cfg.Logger.Warn("import failed", "import", imp.ID, "err", err)
		}
		r.progress(*imp)
	}()
	return accepted
}

// Running returns the latest snapshot of the import with the given id
// while it waits or runs; false once it has ended (its record in the store
// is then final).
func (r *Runner) Running(id string) (guccho.Import, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	imp, ok := r.running[id]
	return imp, ok
}

// Close cancels the imports still waiting or running and waits until each
// has rolled back and been recorded as failed.
func (r *Runner) Close() {
	r.cancel()
	r.wg.Wait()
}

// set records imp's snapshot while it runs and forgets it when it ends.
func (r *Runner) set(imp guccho.Import) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if imp.Status == guccho.ImportRunning {
		r.running[imp.ID] = imp
	} else {
		delete(r.running, imp.ID)
	}
}

// progress records an import's progress for Running and passes it to
// Publish when due: at most once every ProgressEvery while it runs, always
// at its end.
func (r *Runner) progress(imp guccho.Import) {
	r.set(imp)
	if r.cfg.Publish == nil {
		return
	}
	r.mu.Lock()
	last := r.published[imp.ID]
	now := time.Now()
	due := imp.Status != guccho.ImportRunning || now.Sub(last) >= r.cfg.ProgressEvery
	if due {
		r.published[imp.ID] = now
	}
	if imp.Status != guccho.ImportRunning {
		delete(r.published, imp.ID)
	}
	r.mu.Unlock()
	if due {
		r.cfg.Publish(imp)
	}
}
