package survey

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"

	"github.com/guccho/guccho"
)

// Limits on survey files, set here only. A file beyond one is refused with
// an EINVALID error that names the limit; a cell beyond MaxCellBytes fails
// its row. The whole upload is limited by the server (--max-upload-mb).
const (
	// MaxCellBytes is the longest cell, in bytes of UTF-8. Excel itself
	// stops at 32,767 characters, which is at most 98,301 bytes.
	MaxCellBytes = 128 << 10
	// MaxRowBytes is the longest line of a CSV file: reading stops there
	// rather than holding a runaway row (often a quote left open) in memory.
	MaxRowBytes = 4 << 20
	// MaxXLSXPartBytes is the largest decompressed part of an XLSX file that
	// is held in memory: the shared strings, the workbook and its
	// relationships. Worksheets stream, so only MaxXLSXRatio bounds them.
	MaxXLSXPartBytes = 256 << 20
	// MaxXLSXRatio is the most a part of an XLSX file may grow when
	// decompressed, as a multiple of its compressed size; parts up to
	// minXLSXPartLimit bytes are always allowed. Real workbooks stay well
	// below it; a zip bomb does not.
	MaxXLSXRatio     = 200
	minXLSXPartLimit = 1 << 20
)

// openPart opens a part of an XLSX file after checking its size against
// MaxXLSXRatio and, for a part held in memory (inMemory), MaxXLSXPartBytes;
// no run of text in it may be longer than maxXMLRun. archive/zip fails a
// read that goes past the size the archive declares, so the declared size
// bounds what is read.
func openPart(f *zip.File, inMemory bool) (io.ReadCloser, error) {
	if limit := partLimit(f.CompressedSize64, inMemory); f.UncompressedSize64 > limit {
		return nil, guccho.Errorf(guccho.EINVALID,
			"XLSX part %s decompresses to %d bytes, %d times its compressed size: over the limit of %d bytes (parts may grow at most %d times, and those read into memory to %d bytes)",
			f.Name, f.UncompressedSize64, f.UncompressedSize64/max(f.CompressedSize64, 1), limit, MaxXLSXRatio, MaxXLSXPartBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errXLSX(err)
	}
	return limitPart(rc), nil
}

// partLimit is the most bytes a part of the given compressed size may
// decompress to.
func partLimit(compressed uint64, inMemory bool) uint64 {
	limit := uint64(minXLSXPartLimit)
	if r := compressed * MaxXLSXRatio; r > limit && r/MaxXLSXRatio == compressed {
		limit = r
	}
	if inMemory && limit > MaxXLSXPartBytes {
		limit = MaxXLSXPartBytes
	}
	return limit
}

// errCellTooLong is the reason of a cell over MaxCellBytes.
func errCellTooLong(where string) error {
	return guccho.Errorf(guccho.EINVALID, "%s: longer than the limit of %d bytes for one cell", where, MaxCellBytes)
}

// errRowTooLong is returned by a CSV file's runLimit.
var errRowTooLong = fmt.Errorf("a line is longer than the limit of %d bytes (is a quote left open?)", MaxRowBytes)

// errXMLRunTooLong is returned by an XLSX part's runLimit: text that long
// between two tags cannot be a cell within MaxCellBytes, even escaped.
var errXMLRunTooLong = fmt.Errorf("text longer than the limit of %d bytes for one cell", MaxCellBytes)

// maxXMLRun is the longest run of bytes without a '<' in an XLSX part: a
// cell of MaxCellBytes with every character escaped (&#x10FFFF; is ten
// bytes for four) fits.
const maxXMLRun = 3 * MaxCellBytes

// runLimit fails a read once more than max bytes came without sep, so that
// a reader above it (encoding/csv, encoding/xml), which holds a whole line
// or text node in memory, never holds more.
type runLimit struct {
	r   io.Reader
	sep byte
	max int
	err error // returned when the limit is passed
	n   int   // bytes since the last sep
}

func (l *runLimit) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if n <= l.max {
		// No run can be longer than the read between its first and last
		// sep, so only the ends of the read need looking at.
		b := p[:n]
		if i := bytes.IndexByte(b, l.sep); i < 0 {
			l.n += n
		} else if l.n+i > l.max {
			l.n = l.max + 1
		} else {
			l.n = n - 1 - bytes.LastIndexByte(b, l.sep)
		}
		if l.n > l.max {
			return 0, l.err
		}
		return n, err
	}
	for b := p[:n]; len(b) > 0; {
		i := bytes.IndexByte(b, l.sep)
		if i < 0 {
			l.n += len(b)
			break
		}
		if l.n+i > l.max {
			l.n = l.max + 1
			break
		}
		l.n, b = 0, b[i+1:]
	}
	if l.n > l.max {
		return 0, l.err // the bytes of the run are withheld too
	}
	return n, err
}

// partReader is an XLSX part with its runs of text limited.
type partReader struct {
	io.Reader
	io.Closer
}

func limitPart(rc io.ReadCloser) io.ReadCloser {
	return partReader{&runLimit{r: rc, sep: '<', max: maxXMLRun, err: errXMLRunTooLong}, rc}
}
