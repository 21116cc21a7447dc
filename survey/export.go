package survey

import (
	"encoding/csv"
	"io"
	"regexp"
	"strconv"

	"github.com/guccho/guccho"
)

// CSVWriter writes CSV that is safe to open in a spreadsheet: UTF-8 with a
// byte-order mark (so Excel shows Bangla correctly), comma-separated, LF
// line ends, and every cell — the header too — neutralised against formula
// injection (see Neutralize). Not safe for concurrent use.
type CSVWriter struct {
	out     io.Writer
	w       *csv.Writer
	columns []string
	started bool
	err     error
}

// NewCSVWriter returns a writer of rows with the given columns. Nothing is
// written until the first Write or Flush, which writes the byte-order mark
// and the header row.
func NewCSVWriter(w io.Writer, columns []string) *CSVWriter {
	return &CSVWriter{out: w, w: csv.NewWriter(w), columns: append([]string(nil), columns...)}
}

// Write writes one row. It must have one value per column (EINVALID
// otherwise); values are neutralised. Output is buffered: call Flush at the
// end. After a write error every call returns that error.
func (c *CSVWriter) Write(values []string) error {
	if c.err != nil {
		return c.err
	}
	if len(values) != len(c.columns) {
		return guccho.Errorf(guccho.EINVALID, "csv export: a row has %d values for %d columns", len(values), len(c.columns))
	}
	if err := c.start(); err != nil {
		return err
	}
	return c.write(values)
}

// Flush writes any buffered data (and the header, if no row was written)
// and returns the first write error.
func (c *CSVWriter) Flush() error {
	if err := c.start(); err != nil {
		return err
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil && c.err == nil {
		c.err = err
	}
	return c.err
}

func (c *CSVWriter) start() error {
	if c.started || c.err != nil {
		return c.err
	}
	c.started = true
	if _, err := io.WriteString(c.out, "\uFEFF"); err != nil {
		c.err = err
		return err
	}
	return c.write(c.columns)
}

func (c *CSVWriter) write(values []string) error {
	row := make([]string, len(values))
	for i, v := range values {
		row[i] = Neutralize(v)
	}
	if err := c.w.Write(row); err != nil {
		c.err = err
	}
	return c.err
}

var plainNumber = regexp.MustCompile(`^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$`)

// Neutralize returns v made safe for a spreadsheet cell: text starting with
// '=', '+', '-', '@', TAB or CR, which a spreadsheet could run as a formula,
// gets a leading apostrophe. A plain negative number ("-3.5", "-1e-3") is
// left as it is, so coordinates and figures stay numbers.
func Neutralize(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + v
	case '-':
		if plainNumber.MatchString(v) {
			return v
		}
		return "'" + v
	}
	return v
}

// FailuresWriter writes the rows of a file that failed or had a value
// ignored, in the layout of an import's failures.csv: row, field, reason,
// then the row's cells under the file's columns. Safe in a spreadsheet, as
// CSVWriter. Not safe for concurrent use.
type FailuresWriter struct {
	csv     *CSVWriter
	columns []string
}

// NewFailuresWriter returns a writer of failed rows whose cells are named
// by columns (the source file's, in its order).
func NewFailuresWriter(w io.Writer, columns []string) *FailuresWriter {
	head := append([]string{"row", "field", "reason"}, columns...)
	return &FailuresWriter{csv: NewCSVWriter(w, head), columns: append([]string(nil), columns...)}
}

// Write writes one failed row; cells of columns the row lacks are empty.
func (f *FailuresWriter) Write(re guccho.RowError) error {
	vals := make([]string, 0, 3+len(f.columns))
	vals = append(vals, strconv.Itoa(re.Row), re.Field, re.Reason)
	for _, c := range f.columns {
		vals = append(vals, re.Values[c])
	}
	return f.csv.Write(vals)
}

// Flush writes what is buffered (the header at least) and returns the
// first write error.
func (f *FailuresWriter) Flush() error { return f.csv.Flush() }
