package tiles

import (
	"container/list"
	"context"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
)

// Key names one cached tile. Version is the data version the tile was
// encoded from (for example a counter bumped on every write to the layer),
// so tiles of an older version are never served for a newer one.
type Key struct {
	Layer   string
	Tile    maptile.Tile
	Version string
	Filter  string // Request.Filter of the request the tile answers
}

// Entry is one encoded tile as the cache holds it.
type Entry struct {
	// Body is the MVT bytes compressed with Gzip (level 1), ready to send
	// with Content-Encoding: gzip; nil for an empty tile.
	Body []byte
	// ETag is a strong entity tag of the uncompressed bytes: a quoted
	// 16-digit hex FNV-1a 64-bit hash, equal for equal bytes across
	// processes and restarts.
	ETag string
	// Size is the length of the uncompressed MVT bytes; 0 for an empty tile.
	Size int
}

// Empty reports whether the entry is an empty tile (no features).
func (e Entry) Empty() bool { return e.Size == 0 }

// NewEntry compresses raw (uncompressed MVT bytes; nil for an empty tile)
// and computes its ETag.
func NewEntry(raw []byte) (Entry, error) {
	e := Entry{ETag: ETag(raw), Size: len(raw)}
	if len(raw) == 0 {
		return e, nil
	}
	body, err := Gzip(raw)
	if err != nil {
		return Entry{}, guccho.WrapError(err, guccho.EINTERNAL, "compress tile")
	}
	e.Body = body
	return e, nil
}

// ETag returns the strong entity tag of b: the FNV-1a 64-bit hash of b as a
// quoted 16-digit lower-case hex string, such as "\"cbf29ce484222325\"" for
// empty input.
func ETag(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return fmt.Sprintf("%q", fmt.Sprintf("%016x", h.Sum64()))
}

// entryOverhead approximates the bytes an entry costs besides its body and
// key strings (layer, version, filter): list element, map slot, ETag.
const entryOverhead = 160

// Cache is an in-memory least-recently-used cache of encoded tiles, bounded
// by the total bytes of its entries. Concurrent misses of one key load it
// once (see GetOrLoad). Safe for concurrent use.
type Cache struct {
	maxBytes int64

	mu       sync.Mutex
	bytes    int64
	lru      *list.List // of *cacheItem, most recent first
	items    map[Key]*list.Element
	inflight map[Key]*call
	gen      uint64            // bumped by Purge
	layerGen map[string]uint64 // bumped by Invalidate
	stats    CacheStats
}

type cacheItem struct {
	key   Key
	entry Entry
	cost  int64
}

// call is one shared load. Its waiters are counted under Cache.mu; when the
// last one leaves, the load's context is cancelled.
type call struct {
	done    chan struct{}
	entry   Entry
	err     error
	waiters int
	cancel  context.CancelFunc
}

// CacheStats counts what a cache did since it was made.
type CacheStats struct {
	Entries   int
	Bytes     int64  // approximate memory held by entries
	Hits      uint64 // Get and GetOrLoad calls answered from the cache
	Misses    uint64 // Get and GetOrLoad calls that were not (shared loads count once per caller)
	Loads     uint64 // load functions run by GetOrLoad
	Evictions uint64 // entries dropped to stay within the size limit
}

// NewCache returns a cache holding at most maxBytes of entries (bodies,
// keys and a fixed overhead each). A maxBytes of 0 or less caches nothing
// but still shares concurrent loads.
func NewCache(maxBytes int64) *Cache {
	return &Cache{
		maxBytes: maxBytes,
		lru:      list.New(),
		items:    make(map[Key]*list.Element),
		inflight: make(map[Key]*call),
		layerGen: make(map[string]uint64),
	}
}

// Get returns the entry for k and marks it recently used.
func (c *Cache) Get(k Key) (Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.lru.MoveToFront(el)
		c.stats.Hits++
		return el.Value.(*cacheItem).entry, true
	}
	c.stats.Misses++
	return Entry{}, false
}

// Put compresses raw (uncompressed MVT bytes, nil for an empty tile), stores
// it under k, evicting the least recently used entries to stay within the
// size limit, and returns the entry. An entry larger than the whole cache
// is returned but not stored.
func (c *Cache) Put(k Key, raw []byte) (Entry, error) {
	e, err := NewEntry(raw)
	if err != nil {
		return Entry{}, err
	}
	c.mu.Lock()
	c.insert(k, e)
	c.mu.Unlock()
	return e, nil
}

// GetOrLoad returns the entry for k, calling load to produce the
// uncompressed tile bytes on a miss. Concurrent callers missing the same key
// wait for one load rather than starting their own, and all get its result.
// A failed load is not cached: its error goes to every waiting caller and
// the next call tries again.
//
// The load belongs to no single caller: it runs in its own goroutine under a
// context that carries the values of the ctx of the caller that started it
// but not its cancellation or deadline, and that is cancelled only when
// every waiting caller has left. A caller whose ctx ends returns ctx.Err()
// at once without disturbing the others; once the last one has left, the
// load is abandoned and the next call starts a new one. An entry loaded
// while Invalidate or Purge ran is returned but not stored, so it cannot
// outlive the invalidation.
func (c *Cache) GetOrLoad(ctx context.Context, k Key, load func(context.Context) ([]byte, error)) (Entry, error) {
	c.mu.Lock()
	if el, ok := c.items[k]; ok {
		c.lru.MoveToFront(el)
		c.stats.Hits++
		c.mu.Unlock()
		return el.Value.(*cacheItem).entry, nil
	}
	c.stats.Misses++
	cl, ok := c.inflight[k]
	if !ok {
		loadCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cl = &call{done: make(chan struct{}), cancel: cancel}
		c.inflight[k] = cl
		c.stats.Loads++
		go c.load(loadCtx, k, cl, load, c.gen, c.layerGen[k.Layer])
	}
	cl.waiters++
	c.mu.Unlock()

	select {
	case <-cl.done:
		return cl.entry, cl.err
	case <-ctx.Done():
		c.mu.Lock()
		if cl.waiters--; cl.waiters == 0 {
			if c.inflight[k] == cl {
				delete(c.inflight, k)
			}
			cl.cancel()
		}
		c.mu.Unlock()
		return Entry{}, ctx.Err()
	}
}

// load runs one shared load for GetOrLoad and stores its entry unless the
// cache was invalidated (gen, layerGen changed) since it started.
func (c *Cache) load(ctx context.Context, k Key, cl *call, load func(context.Context) ([]byte, error), gen, layerGen uint64) {
	defer cl.cancel()
	cl.entry, cl.err = loadEntry(ctx, k, load)
	c.mu.Lock()
	if c.inflight[k] == cl {
		delete(c.inflight, k)
	}
	if cl.err == nil && gen == c.gen && layerGen == c.layerGen[k.Layer] {
		c.insert(k, cl.entry)
	}
	c.mu.Unlock()
	close(cl.done)
}

// loadEntry runs load and turns its bytes into an entry; a panic in load
// becomes an EINTERNAL error so that waiting callers are released.
func loadEntry(ctx context.Context, k Key, load func(context.Context) ([]byte, error)) (e Entry, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = guccho.Errorf(guccho.EINTERNAL, "tile %s %d/%d/%d: load panicked: %v", k.Layer, k.Tile.Z, k.Tile.X, k.Tile.Y, r)
		}
	}()
	raw, err := load(ctx)
	if err != nil {
		return Entry{}, err
	}
	return NewEntry(raw)
}

// insert stores e under k; c.mu must be held.
func (c *Cache) insert(k Key, e Entry) {
	cost := int64(len(e.Body)+len(k.Layer)+len(k.Version)+len(k.Filter)) + entryOverhead
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	if cost > c.maxBytes {
		return
	}
	c.items[k] = c.lru.PushFront(&cacheItem{key: k, entry: e, cost: cost})
	c.bytes += cost
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
		c.stats.Evictions++
	}
}

// remove drops one element; c.mu must be held.
func (c *Cache) remove(el *list.Element) {
	it := c.lru.Remove(el).(*cacheItem)
	delete(c.items, it.key)
	c.bytes -= it.cost
}

// Invalidate drops every entry of layer, of every version, and keeps loads
// of that layer already under way from storing their result. It returns how
// many entries it dropped.
func (c *Cache) Invalidate(layer string) int {
	return c.InvalidateTiles(layer, func(maptile.Tile) bool { return true })
}

// Purge drops every entry and keeps loads already under way from storing
// their result.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.lru.Init()
	clear(c.items)
	c.bytes = 0
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = len(c.items)
	s.Bytes = c.bytes
	return s
}

// InvalidateTiles drops the cached tiles of layer for which match reports
// true (whatever their version and filter), and makes loads of that layer
// already under way not store their result, since it may predate the change.
// It returns how many entries were dropped.
func (c *Cache) InvalidateTiles(layer string, match func(maptile.Tile) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.layerGen[layer]++
	n := 0
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if k := el.Value.(*cacheItem).key; k.Layer == layer && match(k.Tile) {
			c.remove(el)
			n++
		}
		el = next
	}
	return n
}

// TilesTouching returns a match function for InvalidateTiles: tiles holding
// any of the points (lon/lat), or, when points is empty, tiles meeting the
// box (west, south, east, north). A tile's edge, widened by a margin of
// buffer tile units (extent 4096) so that features drawn across the edge
// count, decides.
func TilesTouching(points [][2]float64, box [4]float64, buffer float64) func(maptile.Tile) bool {
	return func(t maptile.Tile) bool {
		b := t.Bound()
		pad := orb.Point{(b.Max[0] - b.Min[0]) * buffer / 4096, (b.Max[1] - b.Min[1]) * buffer / 4096}
		b.Min = orb.Point{b.Min[0] - pad[0], b.Min[1] - pad[1]}
		b.Max = orb.Point{b.Max[0] + pad[0], b.Max[1] + pad[1]}
		if len(points) == 0 {
			return box[2] >= b.Min[0] && box[0] <= b.Max[0] && box[3] >= b.Min[1] && box[1] <= b.Max[1]
		}
		for _, p := range points {
			if b.Contains(orb.Point{p[0], p[1]}) {
				return true
			}
		}
		return false
	}
}
