package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
)

func key(layer string, x uint32) Key {
	return Key{Layer: layer, Tile: maptile.New(x, 0, 10), Version: "v1"}
}

// incompressible returns n bytes that gzip cannot shrink much, so that
// entry sizes are predictable.
func incompressible(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("gzip.NewReader: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("gunzip: %v", err)
	}
	return out
}

func TestGzipRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"text", bytes.Repeat([]byte("guccho "), 1000)},
		{"random", incompressible(10_000, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z, err := Gzip(tc.in)
			if err != nil {
				t.Fatalf("Gzip: %v", err)
			}
			if got := gunzip(t, z); !bytes.Equal(got, tc.in) {
				t.Errorf("gunzip(Gzip(x)) differs from x (%d bytes, want %d)", len(got), len(tc.in))
			}
		})
	}
}

func TestETag(t *testing.T) {
	a := []byte("tile a")
	if got, want := ETag(a), ETag([]byte("tile a")); got != want {
		t.Errorf("ETag of equal bytes = %s and %s, want equal", got, want)
	}
	if ETag(a) == ETag([]byte("tile b")) {
		t.Errorf("ETag of different bytes are equal: %s", ETag(a))
	}
	if got, want := ETag(nil), `"cbf29ce484222325"`; got != want {
		t.Errorf("ETag(nil) = %s, want %s (FNV-1a offset basis)", got, want)
	}
	if !regexp.MustCompile(`^"[0-9a-f]{16}"$`).MatchString(ETag(a)) {
		t.Errorf("ETag = %s, want a quoted 16-digit hex string", ETag(a))
	}
}

func TestCachePutGet(t *testing.T) {
	c := NewCache(1 << 20)
	raw := []byte("some mvt bytes")
	put, err := c.Put(key("unions", 1), raw)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, ok := c.Get(key("unions", 1))
	if !ok {
		t.Fatalf("Get after Put: not found")
	}
	if got.ETag != ETag(raw) || got.ETag != put.ETag {
		t.Errorf("ETag = %s, want %s", got.ETag, ETag(raw))
	}
	if got.Size != len(raw) {
		t.Errorf("Size = %d, want %d", got.Size, len(raw))
	}
	if b := gunzip(t, got.Body); !bytes.Equal(b, raw) {
		t.Errorf("gunzip(Body) = %q, want %q", b, raw)
	}
	for _, other := range []Key{
		key("districts", 1),
		key("unions", 2),
		{Layer: "unions", Tile: maptile.New(1, 0, 10), Version: "v2"},
	} {
		if _, ok := c.Get(other); ok {
			t.Errorf("Get(%+v) found an entry put under %+v", other, key("unions", 1))
		}
	}

	// An empty tile is cached as such.
	if _, err := c.Put(key("unions", 3), nil); err != nil {
		t.Fatalf("Put(empty): %v", err)
	}
	if e, ok := c.Get(key("unions", 3)); !ok || !e.Empty() || e.Body != nil {
		t.Errorf("Get(empty tile) = %+v, %v; want an empty entry", e, ok)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	// Room for two entries of ~1 KB but not three.
	c := NewCache(2*(1024+200) + 100)
	put := func(x uint32) {
		t.Helper()
		if _, err := c.Put(key("l", x), incompressible(1000, byte(x))); err != nil {
			t.Fatalf("Put(%d): %v", x, err)
		}
	}
	put(1)
	put(2)
	c.Get(key("l", 1)) // 1 is now more recent than 2
	put(3)             // evicts 2

	for _, tc := range []struct {
		x    uint32
		want bool
	}{{1, true}, {2, false}, {3, true}} {
		if _, ok := c.Get(key("l", tc.x)); ok != tc.want {
			t.Errorf("after evicting: Get(%d) found = %v, want %v", tc.x, ok, tc.want)
		}
	}
	s := c.Stats()
	if s.Entries != 2 || s.Evictions != 1 {
		t.Errorf("Stats = %+v, want 2 entries and 1 eviction", s)
	}
	if s.Bytes > 2*(1024+200)+100 {
		t.Errorf("Stats.Bytes = %d, above the limit", s.Bytes)
	}

	// An entry larger than the cache is returned but not kept.
	big, err := c.Put(key("l", 9), incompressible(10_000, 9))
	if err != nil || big.Size != 10_000 {
		t.Fatalf("Put(big) = %+v, %v", big, err)
	}
	if _, ok := c.Get(key("l", 9)); ok {
		t.Errorf("an entry larger than the cache was stored")
	}
	if _, ok := c.Get(key("l", 1)); !ok {
		t.Errorf("storing an oversized entry evicted others")
	}
}

func TestCacheInvalidateAndPurge(t *testing.T) {
	c := NewCache(1 << 20)
	for x := uint32(0); x < 3; x++ {
		c.Put(key("unions", x), []byte("u"))
		c.Put(key("districts", x), []byte("d"))
	}
	if got := c.Invalidate("unions"); got != 3 {
		t.Errorf("Invalidate(unions) = %d, want 3", got)
	}
	if _, ok := c.Get(key("unions", 0)); ok {
		t.Errorf("unions tile survived Invalidate(unions)")
	}
	if _, ok := c.Get(key("districts", 0)); !ok {
		t.Errorf("districts tile lost by Invalidate(unions)")
	}
	c.Purge()
	if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 {
		t.Errorf("Stats after Purge = %+v, want empty", s)
	}
}

// waitMisses blocks until c has counted n misses, i.e. n callers have
// looked up a key and are loading or waiting for a load.
func waitMisses(c *Cache, n uint64) {
	for c.Stats().Misses < n {
		runtime.Gosched()
	}
}

func TestCacheGetOrLoadSingleFlight(t *testing.T) {
	c := NewCache(1 << 20)
	const callers = 16
	release := make(chan struct{})
	var loads atomic.Int32
	load := func(context.Context) ([]byte, error) {
		loads.Add(1)
		<-release
		return []byte("tile"), nil
	}
	entries := make([]Entry, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			e, err := c.GetOrLoad(t.Context(), key("l", 1), load)
			if err != nil {
				t.Errorf("GetOrLoad: %v", err)
			}
			entries[i] = e
		})
	}
	waitMisses(c, callers)
	close(release)
	wg.Wait()

	if got := loads.Load(); got != 1 {
		t.Errorf("load ran %d times for %d concurrent callers, want 1", got, callers)
	}
	for i, e := range entries {
		if e.ETag != ETag([]byte("tile")) {
			t.Errorf("caller %d got ETag %s, want %s", i, e.ETag, ETag([]byte("tile")))
		}
	}
	// Now cached: no further load.
	if _, err := c.GetOrLoad(t.Context(), key("l", 1), load); err != nil || loads.Load() != 1 {
		t.Errorf("GetOrLoad after load: err %v, loads %d; want a hit", err, loads.Load())
	}
}

func TestCacheGetOrLoadErrorsAreNotCached(t *testing.T) {
	c := NewCache(1 << 20)
	boom := guccho.Errorf(guccho.EUNAVAILABLE, "database down")
	_, err := c.GetOrLoad(t.Context(), key("l", 1), func(context.Context) ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("GetOrLoad error = %v, want %v", err, boom)
	}
	_, err = c.GetOrLoad(t.Context(), key("l", 1), func(context.Context) ([]byte, error) { panic("bug") })
	if got := guccho.ErrorCode(err); got != guccho.EINTERNAL {
		t.Errorf("GetOrLoad with a panicking load: code %q, want %q", got, guccho.EINTERNAL)
	}
	e, err := c.GetOrLoad(t.Context(), key("l", 1), func(context.Context) ([]byte, error) { return []byte("ok"), nil })
	if err != nil || e.Size != 2 {
		t.Errorf("GetOrLoad after failures = %+v, %v; want the new tile", e, err)
	}
}

func TestCacheGetOrLoadWaiterCancelled(t *testing.T) {
	c := NewCache(1 << 20)
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.GetOrLoad(context.Background(), key("l", 1), func(context.Context) ([]byte, error) { <-release; return []byte("x"), nil })
	}()
	waitMisses(c, 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.GetOrLoad(ctx, key("l", 1), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting GetOrLoad with a cancelled context = %v, want context.Canceled", err)
	}
	close(release)
	<-done
}

// blockingLoad returns a load that waits for release or for its context to
// end, as a database query would; loadCtx receives the context it ran under.
func blockingLoad(release <-chan struct{}, loadCtx chan<- context.Context) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		loadCtx <- ctx
		select {
		case <-release:
			return []byte("tile"), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func TestCacheGetOrLoadOutlivesTheCallerThatStartedIt(t *testing.T) {
	c := NewCache(1 << 20)
	release, loadCtx := make(chan struct{}), make(chan context.Context, 1)
	first, leave := context.WithCancel(t.Context())
	firstErr := make(chan error)
	go func() {
		_, err := c.GetOrLoad(first, key("l", 1), blockingLoad(release, loadCtx))
		firstErr <- err
	}()
	lctx := <-loadCtx
	second := make(chan Entry)
	go func() {
		e, err := c.GetOrLoad(t.Context(), key("l", 1), nil)
		if err != nil {
			t.Errorf("second caller: %v", err)
		}
		second <- e
	}()
	waitMisses(c, 2)
	leave()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller after leaving = %v, want context.Canceled", err)
	}
	if err := lctx.Err(); err != nil {
		t.Errorf("the load's context ended with the first caller (%v) while another still waits", err)
	}
	close(release)
	if e := <-second; e.ETag != ETag([]byte("tile")) {
		t.Errorf("second caller got %+v, want the loaded tile", e)
	}
	if _, ok := c.Get(key("l", 1)); !ok {
		t.Error("the shared load's tile was not stored")
	}
}

func TestCacheGetOrLoadCancelsWhenEveryCallerLeaves(t *testing.T) {
	c := NewCache(1 << 20)
	release, loadCtx := make(chan struct{}), make(chan context.Context, 1)
	defer close(release)
	ctxs := make([]context.Context, 2)
	leaves := make([]context.CancelFunc, 2)
	errs := make(chan error, 2)
	for i := range ctxs {
		ctxs[i], leaves[i] = context.WithCancel(t.Context())
		go func() {
			_, err := c.GetOrLoad(ctxs[i], key("l", 1), blockingLoad(release, loadCtx))
			errs <- err
		}()
	}
	lctx := <-loadCtx
	waitMisses(c, 2)
	leaves[0]()
	<-errs
	if err := lctx.Err(); err != nil {
		t.Fatalf("the load's context ended (%v) while a caller still waits", err)
	}
	leaves[1]()
	<-errs
	<-lctx.Done() // the load is abandoned once nobody waits

	// A later caller starts a new load rather than joining the abandoned one.
	e, err := c.GetOrLoad(t.Context(), key("l", 1), func(context.Context) ([]byte, error) { return []byte("new"), nil })
	if err != nil || e.Size != 3 {
		t.Errorf("GetOrLoad after an abandoned load = %+v, %v; want a fresh load", e, err)
	}
	if got := c.Stats().Loads; got != 2 {
		t.Errorf("Stats().Loads = %d, want 2", got)
	}
}

func TestCacheInvalidateDuringLoad(t *testing.T) {
	// A load that started before Invalidate read old data: its result goes
	// to its caller but must not be stored.
	for _, tc := range []struct {
		name       string
		invalidate func(*Cache)
	}{
		{"Invalidate", func(c *Cache) { c.Invalidate("l") }},
		{"Purge", func(c *Cache) { c.Purge() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCache(1 << 20)
			started, release := make(chan struct{}), make(chan struct{})
			done := make(chan Entry)
			go func() {
				e, _ := c.GetOrLoad(t.Context(), key("l", 1), func(context.Context) ([]byte, error) {
					close(started)
					<-release
					return []byte("old"), nil
				})
				done <- e
			}()
			<-started
			tc.invalidate(c)
			close(release)
			if e := <-done; e.Size != 3 {
				t.Errorf("loading caller got %+v, want the loaded tile", e)
			}
			if _, ok := c.Get(key("l", 1)); ok {
				t.Errorf("a tile loaded across %s was stored", tc.name)
			}
		})
	}
}

func TestInvalidateTilesDropsOnlyTheTilesTouched(t *testing.T) {
	c := NewCache(1 << 20)
	bhairab := orb.Point{90.99, 24.05}
	near, far := maptile.At(bhairab, 10), maptile.At(orb.Point{88.5, 22.5}, 10)
	for _, k := range []Key{
		{Layer: "enterprises", Tile: near},
		{Layer: "enterprises", Tile: near, Filter: "sector=dairy"},
		{Layer: "enterprises", Tile: far},
		{Layer: "enterprises", Tile: maptile.New(0, 0, 0)},
		{Layer: "districts", Tile: near},
	} {
		if _, err := c.Put(k, []byte("tile")); err != nil {
			t.Fatal(err)
		}
	}
	n := c.InvalidateTiles("enterprises", TilesTouching([][2]float64{{bhairab[0], bhairab[1]}}, [4]float64{}, 64))
	if n != 3 {
		t.Errorf("dropped %d tiles, want 3 (the z10 tile in both filters and z0)", n)
	}
	if _, ok := c.Get(Key{Layer: "enterprises", Tile: far}); !ok {
		t.Error("a tile away from the change was dropped")
	}
	if _, ok := c.Get(Key{Layer: "districts", Tile: near}); !ok {
		t.Error("another layer's tile was dropped")
	}
	// Without points, the box decides.
	n = c.InvalidateTiles("enterprises", TilesTouching(nil, [4]float64{88, 22, 89, 23}, 64))
	if n != 1 {
		t.Errorf("dropped %d tiles by box, want 1", n)
	}
}
