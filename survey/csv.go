package survey

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/guccho/guccho"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvReader reads delimited text; see NewCSVReader.
type csvReader struct {
	r       *csv.Reader
	columns []string
	n       int  // records read after the header
	pending *Row // the first data row, read ahead by NewCSVReader
}

const sniffSize = 64 << 10

// NewCSVReader returns a Reader over delimited text, streaming from r.
//
// The text may be UTF-8 with or without a byte-order mark, or UTF-16 (little
// or big endian, with a byte-order mark, or without one when the first
// characters are ASCII); old Mac line ends (CR alone) are accepted. Any
// other encoding is refused when the first bad row is reached: Next returns
// EINVALID `row N: not UTF-8 text (…)`. The delimiter is opts.Delimiter, or
// the one of ',' ';' TAB '|' that splits the first records (quoted fields
// respected) most consistently, ',' when none does.
//
// A row with fewer cells than the header is padded with empty cells; a row
// with more has a failing row error in Row.Errors when the extra cells are
// not empty (the usual cause is an unquoted delimiter inside a value, which
// shifts every later cell). Errors at the start are as for Open.
func NewCSVReader(r io.Reader, opts Options) (Reader, error) {
	br, err := decodeText(r)
	if err != nil {
		return nil, err
	}
	sample, _ := br.Peek(sniffSize)
	if len(bytes.TrimSpace(sample)) == 0 {
		return nil, errEmpty()
	}
	var src io.Reader = br
	if bytes.IndexByte(sample, '\n') < 0 && bytes.IndexByte(sample, '\r') >= 0 {
		src = crReader{br}
		sample = bytes.ReplaceAll(sample, []byte{'\r'}, []byte{'\n'})
	}
	delim := opts.Delimiter
	if delim == 0 {
		delim = detectDelimiter(sample)
	}
	src = &runLimit{r: src, sep: '\n', max: MaxRowBytes, err: errRowTooLong}
	cr := csv.NewReader(src)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, errEmpty()
	}
	if err != nil {
		return nil, csvError("the header row", err)
	}
	for i, cell := range header {
		if !utf8.ValidString(cell) {
			return nil, errNotUTF8("the header row")
		}
		if len(cell) > MaxCellBytes {
			return nil, errCellTooLong(fmt.Sprintf("the header row: column %d", i+1))
		}
	}
	header = trimTrailingEmpty(header)
	if len(header) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "the header row is empty")
	}
	c := &csvReader{r: cr, columns: uniqueColumns(header)}
	for {
		row, err := c.read()
		if err == io.EOF {
			return nil, errHeaderOnly()
		}
		if err != nil {
			return nil, err
		}
		if !allEmpty(row.Values) || len(row.Errors) > 0 {
			c.pending = &row
			return c, nil
		}
	}
}

// Columns implements Reader.
func (c *csvReader) Columns() []string { return c.columns }

// Format implements Reader.
func (c *csvReader) Format() string { return FormatCSV }

// Next implements Reader.
func (c *csvReader) Next() (Row, error) {
	if c.pending != nil {
		row := *c.pending
		c.pending = nil
		return row, nil
	}
	return c.read()
}

func (c *csvReader) read() (Row, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return Row{}, io.EOF
	}
	c.n++
	if err != nil {
		return Row{}, csvError(fmt.Sprintf("row %d", c.n), err)
	}
	row := Row{Number: c.n, Values: make(map[string]string, len(c.columns))}
	for i, col := range c.columns {
		v := ""
		if i < len(rec) {
			v = rec[i]
			if !utf8.ValidString(v) {
				return Row{}, errNotUTF8(fmt.Sprintf("row %d", c.n))
			}
			v = strings.TrimSpace(v)
			if len(v) > MaxCellBytes {
				row.Errors = append(row.Errors, guccho.RowError{Row: c.n, Field: col, Reason: guccho.ErrorMessage(errCellTooLong("the cell"))})
				v = ""
			}
		}
		row.Values[col] = v
	}
	if len(rec) > len(c.columns) {
		extra := 0
		for _, v := range rec[len(c.columns):] {
			if !utf8.ValidString(v) {
				return Row{}, errNotUTF8(fmt.Sprintf("row %d", c.n))
			}
			if strings.TrimSpace(v) != "" {
				extra++
			}
		}
		if extra > 0 {
			row.Errors = append(row.Errors, guccho.RowError{Row: c.n, Reason: fmt.Sprintf(
				"the row has %d cells but the header has %d columns (is a value containing the delimiter not quoted?)",
				len(rec), len(c.columns))})
		}
	}
	return row, nil
}

func errNotUTF8(where string) error {
	return guccho.Errorf(guccho.EINVALID, `%s: not UTF-8 text (the file may be saved as Windows-1252/ANSI; save it as "CSV UTF-8")`, where)
}

func csvError(where string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return guccho.Errorf(guccho.EINVALID, "%s: %v", where, pe.Err)
	}
	if errors.Is(err, errRowTooLong) {
		return guccho.Errorf(guccho.EINVALID, "%s: %v", where, err)
	}
	return err
}

// decodeText strips a UTF-8 byte-order mark, or converts UTF-16 to UTF-8.
func decodeText(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	b, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return nil, err
	}
	var enc transform.Transformer
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		br.Discard(len(bomUTF8))
		return br, nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case len(b) == 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case len(b) == 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	default:
		return br, nil
	}
	return bufio.NewReaderSize(transform.NewReader(br, enc), sniffSize), nil
}

// crReader turns old Mac line ends (CR alone) into LF.
type crReader struct{ r io.Reader }

func (c crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// detectDelimiter picks the candidate that splits the sample's records most
// consistently: most records with the header's count, then the larger count.
func detectDelimiter(sample []byte) rune {
	candidates := []byte{',', ';', '\t', '|'}
	counts := make([][]int, len(candidates)) // per candidate, per record
	cur := make([]int, len(candidates))
	inQuote, blank := false, true
	complete := 0
	for i, b := range sample {
		switch {
		case b == '"':
			inQuote, blank = !inQuote, false
		case inQuote:
		case b == '\n' || (b == '\r' && (i+1 == len(sample) || sample[i+1] != '\n')):
			if blank {
				continue // blank lines are not records
			}
			for k := range candidates {
				counts[k] = append(counts[k], cur[k])
				cur[k] = 0
			}
			complete++
			blank = true
		case b == '\r':
		default:
			blank = false
			for k, c := range candidates {
				if b == c {
					cur[k]++
				}
			}
		}
		if complete >= 50 {
			break
		}
	}
	if complete == 0 { // one record without a line end: use what we have
		for k := range candidates {
			counts[k] = append(counts[k], cur[k])
		}
	}
	best, bestSame, bestCount := rune(','), 0, 0
	for k, c := range candidates {
		if counts[k][0] == 0 {
			continue
		}
		same := 0
		for _, n := range counts[k] {
			if n == counts[k][0] {
				same++
			}
		}
		if same > bestSame || (same == bestSame && counts[k][0] > bestCount) {
			best, bestSame, bestCount = rune(c), same, counts[k][0]
		}
	}
	return best
}
