package survey

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
)

// xlsxReader streams one worksheet; see NewXLSXReader.
type xlsxReader struct {
	part      *zip.File     // the worksheet
	rc        io.ReadCloser // the worksheet part, closed at the end
	tokens    xmlTokens
	fast      bool     // tokens are fastTokens, not yet fallen back
	fellBack  bool     // the reader started the part again with encoding/xml
	rows      int      // rows read so far (readRow calls that returned one)
	strings   []string // the shared-string table
	columns   []string
	headerRow int // the sheet row number of the header
	lastRow   int
	pending   *Row
	cells     []string // reused between rows
	buf       []byte   // text of the current cell
	done      bool
}

// NewXLSXReader returns a Reader over the first worksheet of an XLSX
// workbook (or the one named opts.Sheet), decoding the sheet's XML as a
// stream. The header is the first row with a non-empty cell.
//
// The worksheet and the shared strings are read by a scanner of this
// package's own, several times faster than encoding/xml, which gives the
// same tokens as encoding/xml on the XML it understands (what spreadsheet
// writers produce). On anything else — a processing instruction or DOCTYPE
// after the root element, non-ASCII element names, an unknown entity, a
// syntax or read error, a token longer than 512 KB — the part is read
// again from its start with encoding/xml, past the rows already returned,
// so the rows, cells and errors are always encoding/xml's.
//
// Cells are read as Excel stores them: shared and inline strings as text,
// booleans as "TRUE"/"FALSE", error cells as their code ("#N/A"), and
// numbers as plain decimal strings rounded to the 15 significant digits
// Excel shows ("1.5E-2" becomes "0.015"). Number formats are not applied:
// dates stay serial numbers ("45292" for 2024-01-01), percentages stay
// fractions. Formula cells give their cached result. A cell to the right of
// the header's last column gets an "ignored: " row error.
//
// A file that is not a zip archive, or is cut short, is EINVALID "not a
// readable XLSX file (is it truncated?): …", at once or from Next; a zip
// without a workbook (an .ods or .docx file) and an unknown opts.Sheet are
// EINVALID too. The shared-string table is held in memory; everything else
// streams. Parts larger than MaxXLSXRatio times their compressed size (or,
// held in memory, than MaxXLSXPartBytes) and cells longer than MaxCellBytes
// are EINVALID naming the limit.
func NewXLSXReader(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	x, err := newXLSXReader(r, size, opts, true)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// newXLSXReader is NewXLSXReader with the fast scanner (fast) or with
// encoding/xml only.
func newXLSXReader(r io.ReaderAt, size int64, opts Options, fast bool) (*xlsxReader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, errXLSX(err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	wbFile := files["xl/workbook.xml"]
	if wbFile == nil {
		return nil, guccho.Errorf(guccho.EINVALID, "not an XLSX workbook (it has no xl/workbook.xml); save it from Excel as .xlsx or as \"CSV UTF-8\"")
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := unmarshalPart(wbFile, &wb); err != nil {
		return nil, err
	}
	if len(wb.Sheets) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "the workbook has no worksheets")
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if f := files["xl/_rels/workbook.xml.rels"]; f != nil {
		if err := unmarshalPart(f, &rels); err != nil {
			return nil, err
		}
	}
	target := func(t string) string {
		if strings.HasPrefix(t, "/") {
			return path.Clean(t[1:])
		}
		return path.Join("xl", t)
	}

	sheet := -1
	if opts.Sheet == "" {
		sheet = 0
	} else {
		names := make([]string, len(wb.Sheets))
		for i, s := range wb.Sheets {
			names[i] = strconv.Quote(s.Name)
			if sheet < 0 && strings.EqualFold(strings.TrimSpace(s.Name), strings.TrimSpace(opts.Sheet)) {
				sheet = i
			}
		}
		if sheet < 0 {
			return nil, guccho.Errorf(guccho.EINVALID, "the workbook has no worksheet named %q (worksheets: %s)", opts.Sheet, strings.Join(names, ", "))
		}
	}
	sheetPath := fmt.Sprintf("xl/worksheets/sheet%d.xml", sheet+1) // when there are no relationships
	sstPath := "xl/sharedStrings.xml"
	for _, rel := range rels.Rels {
		switch {
		case rel.ID == wb.Sheets[sheet].RID:
			sheetPath = target(rel.Target)
		case strings.HasSuffix(rel.Type, "/sharedStrings"):
			sstPath = target(rel.Target)
		}
	}
	x := &xlsxReader{fast: fast}
	if f := files[sstPath]; f != nil {
		if x.strings, err = readSharedStrings(f, fast); err != nil {
			return nil, err
		}
	}
	sf := files[sheetPath]
	if sf == nil {
		return nil, guccho.Errorf(guccho.EINVALID, "not a readable XLSX file (is it truncated?): worksheet %q is missing", wb.Sheets[sheet].Name)
	}
	x.part = sf
	if x.rc, err = openPart(sf, false); err != nil {
		return nil, err
	}
	x.tokens = newTokens(x.rc, fast)

	for x.columns == nil {
		n, cells, err := x.readRow()
		if err == io.EOF {
			x.close()
			return nil, errEmpty()
		}
		if err != nil {
			x.close()
			return nil, err
		}
		if header := trimTrailingEmpty(cells); len(header) > 0 {
			x.columns = uniqueColumns(header)
			x.headerRow = n
		}
	}
	for {
		row, err := x.read()
		if err == io.EOF {
			return nil, errHeaderOnly()
		}
		if err != nil {
			return nil, err
		}
		if !allEmpty(row.Values) || len(row.Errors) > 0 {
			x.pending = &row
			return x, nil
		}
	}
}

// Columns implements Reader.
func (x *xlsxReader) Columns() []string { return x.columns }

// Format implements Reader.
func (x *xlsxReader) Format() string { return FormatXLSX }

// Next implements Reader.
func (x *xlsxReader) Next() (Row, error) {
	if x.pending != nil {
		row := *x.pending
		x.pending = nil
		return row, nil
	}
	return x.read()
}

func (x *xlsxReader) read() (Row, error) {
	n, cells, err := x.readRow()
	if err != nil {
		return Row{}, err
	}
	number := n - x.headerRow
	row := Row{Number: number, Values: make(map[string]string, len(x.columns))}
	for i, col := range x.columns {
		v := ""
		if i < len(cells) {
			v = strings.TrimSpace(cells[i])
		}
		row.Values[col] = v
	}
	for i := len(x.columns); i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			row.Errors = append(row.Errors, guccho.RowError{Row: number, Reason: fmt.Sprintf(
				"ignored: cell %s%d is to the right of the header's last column (%s)", columnName(i), n, columnName(len(x.columns)-1))})
		}
	}
	return row, nil
}

// readRow reads the next <row> of the sheet: its number and its cells by
// column (the slice is reused by the next call). It returns io.EOF at the
// end of the sheet data. When the fast scanner gives up, it reads the part
// again with encoding/xml, skipping the rows it returned already.
func (x *xlsxReader) readRow() (int, []string, error) {
	n, cells, err := x.scanRow()
	if err == errFallback {
		if err := x.fallBack(); err != nil {
			x.close()
			return 0, nil, err
		}
		n, cells, err = x.scanRow()
	}
	if err == nil {
		x.rows++
	}
	return n, cells, err
}

// fallBack opens the worksheet again for encoding/xml and reads the rows
// that were returned already.
func (x *xlsxReader) fallBack() error {
	x.rc.Close()
	x.fast, x.fellBack = false, true
	x.lastRow = 0
	rc, err := openPart(x.part, false)
	if err != nil {
		x.done = true
		return err
	}
	x.rc, x.tokens = rc, newTokens(rc, false)
	for range x.rows {
		if _, _, err := x.scanRow(); err != nil {
			if err == io.EOF {
				err = guccho.Errorf(guccho.EINTERNAL, "xlsx: the worksheet ended while reading it again")
			}
			return err
		}
	}
	return nil
}

// scanRow is readRow over x.tokens; it returns errFallback, leaving the
// part open, when the fast scanner gives up.
func (x *xlsxReader) scanRow() (int, []string, error) {
	if x.done {
		return 0, nil, io.EOF
	}
	var (
		inRow, inValue, inInline, inText, inPhonetic bool
		rowNum, col                                  int
		cellType                                     cellKind
	)
	for {
		tok, err := x.tokens.next()
		if err == io.EOF {
			x.close()
			return 0, nil, io.EOF
		}
		if err == errFallback && x.fast {
			return 0, nil, err
		}
		if err != nil {
			x.close()
			return 0, nil, errXLSX(err)
		}
		switch tok.kind {
		case xmlStart:
			switch tok.name {
			case "row":
				inRow, col = true, -1
				rowNum = x.lastRow + 1
				if v := attrValue(tok.attrs, "r"); len(v) > 0 {
					if n, err := atoi(v); err == nil && n > 0 {
						rowNum = n
					}
				}
				x.lastRow = rowNum
				x.cells = x.cells[:0]
			case "c":
				if !inRow {
					continue
				}
				cellType = cellKindOf(attrValue(tok.attrs, "t"))
				col++
				if ref := attrValue(tok.attrs, "r"); len(ref) > 0 {
					if c, ok := columnIndex(ref); ok {
						col = c
					}
				}
				x.buf = x.buf[:0]
			case "v":
				inValue = true
			case "is":
				inInline = true
			case "t":
				inText = inInline
			case "rPh":
				inPhonetic = true
			}
		case xmlText:
			if inValue || (inText && !inPhonetic) {
				if len(x.buf)+len(tok.text) > MaxCellBytes {
					x.close()
					return 0, nil, errCellTooLong(fmt.Sprintf("cell %s%d", columnName(max(col, 0)), rowNum))
				}
				x.buf = append(x.buf, tok.text...)
			}
		case xmlEnd:
			switch tok.name {
			case "v":
				inValue = false
			case "t":
				inText = false
			case "is":
				inInline = false
			case "rPh":
				inPhonetic = false
			case "c":
				if !inRow || col < 0 || col >= 16384 {
					continue
				}
				v, err := x.cellText(cellType, x.buf)
				if err != nil {
					x.close()
					return 0, nil, guccho.Errorf(guccho.EINVALID, "not a readable XLSX file: cell %s%d: %v", columnName(col), rowNum, err)
				}
				for len(x.cells) <= col {
					x.cells = append(x.cells, "")
				}
				x.cells[col] = v
			case "row":
				return rowNum, x.cells, nil
			case "sheetData":
				x.close()
				return 0, nil, io.EOF
			}
		}
	}
}

// newTokens returns the tokens of a part: fastTokens or encoding/xml's.
func newTokens(r io.Reader, fast bool) xmlTokens {
	if fast {
		return newFastTokens(r)
	}
	return &decoderTokens{dec: xml.NewDecoder(r)}
}

func (x *xlsxReader) close() {
	if !x.done {
		x.done = true
		x.rc.Close()
	}
}

func unmarshalPart(f *zip.File, v any) error {
	rc, err := openPart(f, true)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return errXLSX(fmt.Errorf("%s: %w", f.Name, err))
	}
	return nil
}

func errXLSX(err error) error {
	if errors.Is(err, errXMLRunTooLong) {
		return guccho.Errorf(guccho.EINVALID, "XLSX file: %v", err)
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return guccho.Errorf(guccho.EINVALID, "not a readable XLSX file (is it truncated?): %v", err)
}
