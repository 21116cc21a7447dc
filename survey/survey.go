// Package survey reads survey exports — CSV, XLSX and GeoJSON files as they
// come out of KoboToolbox, ODK or a field officer's spreadsheet — row by row,
// maps their columns to Guccho's fields, and converts each row into a
// guccho.Enterprise draft (not yet geocoded) or row errors. ReadCentres reads
// a file of common service centres the same way, all or nothing.
//
// The pieces, in the order an import uses them:
//
//	rd, err := survey.Open(file, size, filename)     // a streaming Reader
//	m := survey.DetectMapping(rd.Columns())           // or .Merge(ReadMapping(…))
//	c := &survey.Converter{Sectors: sectors, Mapping: m}
//	err = c.Check(rd.Columns())                       // file-level problems
//	for { row, err := rd.Next(); …; e, errs := c.Convert(row) }
//
// Readers stream: memory does not grow with the number of rows (XLSX keeps
// the workbook's shared-string table in memory, as every XLSX reader must).
// Errors that make the whole file unreadable are *guccho.Error values with
// code EINVALID and a message for the person who made the file; problems with
// one row are guccho.RowError values. A row error whose Reason starts with
// "ignored: " is a warning: the row is still imported without that value.
//
// The package imports no store and no server; see docs/import.md for the
// user-facing rules.
package survey

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/guccho/guccho"
	"github.com/paulmach/orb"
)

// Formats returned by Reader.Format.
const (
	FormatCSV     = "csv"
	FormatXLSX    = "xlsx"
	FormatGeoJSON = "geojson"
)

// Row is one data row of a survey file.
type Row struct {
	// Number is the row's position: 1 is the first data row after the
	// header. For XLSX it follows the sheet's own row numbers, so the Excel
	// row is Number plus the header's row; for CSV it counts records (blank
	// lines are not records); for GeoJSON it is the feature's position,
	// counting from 1.
	Number int
	// Values maps a column to its cell, trimmed of surrounding white space.
	// CSV and XLSX rows have every column (missing cells are ""); a GeoJSON
	// row has only the properties its feature has.
	Values map[string]string
	// Geometry is the feature's Point geometry (lon, lat as written) for
	// GeoJSON; nil otherwise.
	Geometry *orb.Point
	// Errors are problems the reader found in this row without having to
	// stop (too many cells, a non-point geometry). Converter.Convert passes
	// them on with its own.
	Errors []guccho.RowError
}

// Reader reads the data rows of one survey file in order. A Reader is not
// safe for concurrent use.
type Reader interface {
	// Columns returns the column names in file order, made unique and
	// non-empty (see Open). For GeoJSON they are the property keys seen so
	// far, in first-seen order, so the list may grow while reading.
	Columns() []string
	// Next returns the next row, or io.EOF after the last one. Any other
	// error means the rest of the file cannot be read; it is a *guccho.Error
	// with code EINVALID naming the row, or the reader's I/O error.
	Next() (Row, error)
	// Format returns FormatCSV, FormatXLSX or FormatGeoJSON.
	Format() string
}

// Options adjust how Open reads a file. The zero value detects everything.
type Options struct {
	// Sheet is the name of the XLSX worksheet to read (compared ignoring
	// case and surrounding space); "" reads the first worksheet.
	Sheet string
	// Delimiter is the CSV delimiter; 0 detects it among ',' ';' TAB '|'.
	Delimiter rune
}

// Open returns a Reader for a survey file of the given size, choosing the
// format from its content and name: a zip archive is read as XLSX, text
// starting with '{' as GeoJSON, anything else as CSV (an .xlsx, .geojson or
// .json name decides when the content does not). The header (or first
// feature) is read at once, so these errors come from Open, all EINVALID:
// "the file is empty"; "the file has a header but no data rows" (CSV, XLSX;
// rows whose cells are all empty do not count); "the file has no features"
// (GeoJSON); an old .xls file; an unreadable XLSX or GeoJSON file.
//
// Column names are trimmed; an empty one becomes "column_N" (N counting
// columns from 1, so column C of a sheet is "column_3") and a repeated one
// gets a suffix: "name", "name_2", "name_3".
func Open(r io.ReaderAt, size int64, filename string) (Reader, error) {
	return OpenWith(r, size, filename, Options{})
}

// OpenWith is Open with options.
func OpenWith(r io.ReaderAt, size int64, filename string, opts Options) (Reader, error) {
	if size <= 0 {
		return nil, errEmpty()
	}
	head := make([]byte, 512)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("survey: reading %s: %w", filename, err)
	}
	format, err := sniff(head[:n], filename)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatXLSX:
		return NewXLSXReader(r, size, opts)
	case FormatGeoJSON:
		return NewGeoJSONReader(io.NewSectionReader(r, 0, size))
	default:
		return NewCSVReader(io.NewSectionReader(r, 0, size), opts)
	}
}

var (
	bomUTF8 = []byte{0xEF, 0xBB, 0xBF}
	zipMagc = []byte("PK\x03\x04")
	oleMagc = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniff decides the format: content first, then the file name.
func sniff(head []byte, filename string) (string, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
	switch {
	case bytes.HasPrefix(head, zipMagc), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, oleMagc):
		return "", guccho.Errorf(guccho.EINVALID, "this is an old Excel 97-2003 (.xls) file; save it as .xlsx or as \"CSV UTF-8\"")
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n")
	switch {
	case len(text) > 0 && text[0] == '{':
		return FormatGeoJSON, nil
	case ext == ".xlsx" || ext == ".xlsm":
		return FormatXLSX, nil
	case ext == ".geojson" || ext == ".json":
		return FormatGeoJSON, nil
	}
	return FormatCSV, nil
}

func errEmpty() error { return guccho.Errorf(guccho.EINVALID, "the file is empty") }

func errHeaderOnly() error {
	return guccho.Errorf(guccho.EINVALID, "the file has a header but no data rows")
}

// uniqueColumns trims header cells and makes them non-empty and unique.
func uniqueColumns(raw []string) []string {
	out := make([]string, len(raw))
	seen := make(map[string]bool, len(raw))
	for i, c := range raw {
		c = strings.TrimSpace(c)
		if c == "" {
			c = fmt.Sprintf("column_%d", i+1)
		}
		name := c
		for n := 2; seen[name]; n++ {
			name = fmt.Sprintf("%s_%d", c, n)
		}
		seen[name] = true
		out[i] = name
	}
	return out
}

// trimTrailingEmpty drops empty cells at the end of a header.
func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

// allEmpty reports whether every value of a row is empty.
func allEmpty(values map[string]string) bool {
	for _, v := range values {
		if v != "" {
			return false
		}
	}
	return true
}
