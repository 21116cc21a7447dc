package stats

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
)

// Table is a small attribute table read from CSV or DBF: column names and
// rows of text, in file order.
type Table struct {
	Columns []string
	Rows    [][]string
}

// Column returns the index of the named column (exact match first, then
// case-insensitive), or an EINVALID error listing the columns.
func (t *Table) Column(name string) (int, error) {
	for i, c := range t.Columns {
		if c == name {
			return i, nil
		}
	}
	for i, c := range t.Columns {
		if strings.EqualFold(c, name) {
			return i, nil
		}
	}
	return 0, guccho.Errorf(guccho.EINVALID, "no column %q (columns: %s)", name, strings.Join(t.Columns, ", "))
}

// Strings returns the named column as text.
func (t *Table) Strings(name string) ([]string, error) {
	c, err := t.Column(name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = r[c]
	}
	return out, nil
}

// Floats returns the named column as numbers. An empty or non-numeric cell
// is an EINVALID error naming its row (1 = the first data row) and column.
func (t *Table) Floats(name string) ([]float64, error) {
	c, err := t.Column(name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(t.Rows))
	for i, r := range t.Rows {
		v, err := strconv.ParseFloat(strings.TrimSpace(r[c]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, guccho.Errorf(guccho.EINVALID, "row %d, column %q: %q is not a number", i+1, t.Columns[c], r[c])
		}
		out[i] = v
	}
	return out, nil
}

// ReadCSV reads a CSV table whose first row names the columns.
func ReadCSV(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINVALID, "reading CSV")
	}
	if len(recs) == 0 {
		return nil, guccho.Errorf(guccho.EINVALID, "CSV: no header row")
	}
	head := recs[0]
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	return &Table{Columns: head, Rows: recs[1:]}, nil
}

// ReadDBF reads a dBASE III table (the .dbf of a shapefile): a 32-byte
// header (record count at byte 4, header and record lengths at 8 and 10),
// 32-byte field descriptors ended by 0x0D, then fixed-width records whose
// first byte is '*' when the record is deleted (those are skipped). Every
// field type is returned as its trimmed text; numeric fields (N, F) parse
// with Floats, character fields (C) are read as UTF-8.
func ReadDBF(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, guccho.WrapError(err, guccho.EINVALID, "reading DBF")
	}
	if len(data) < 32 {
		return nil, guccho.Errorf(guccho.EINVALID, "DBF: file too short for a header")
	}
	nrec := int(binary.LittleEndian.Uint32(data[4:8]))
	headLen := int(binary.LittleEndian.Uint16(data[8:10]))
	recLen := int(binary.LittleEndian.Uint16(data[10:12]))
	if headLen > len(data) || recLen < 1 {
		return nil, guccho.Errorf(guccho.EINVALID, "DBF: header length %d or record length %d out of range", headLen, recLen)
	}
	type field struct {
		off, len int
	}
	var t Table
	var fields []field
	off := 1 // the deletion flag
	for p := 32; p+32 <= headLen && data[p] != 0x0D; p += 32 {
		d := data[p : p+32]
		name := string(bytes.TrimRight(d[:11], "\x00 "))
		flen := int(d[16])
		if d[11] == 'C' {
			flen += int(d[17]) << 8 // long character fields use the decimal byte
		}
		t.Columns = append(t.Columns, name)
		fields = append(fields, field{off, flen})
		off += flen
	}
	if off > recLen {
		return nil, guccho.Errorf(guccho.EINVALID, "DBF: fields span %d bytes, records only %d", off, recLen)
	}
	if headLen+nrec*recLen > len(data) {
		return nil, guccho.Errorf(guccho.EINVALID, "DBF: header announces %d records of %d bytes, file holds %d bytes", nrec, recLen, len(data)-headLen)
	}
	for i := range nrec {
		rec := data[headLen+i*recLen : headLen+(i+1)*recLen]
		if rec[0] == '*' {
			continue
		}
		row := make([]string, len(fields))
		for k, f := range fields {
			row[k] = strings.TrimSpace(string(rec[f.off : f.off+f.len]))
		}
		t.Rows = append(t.Rows, row)
	}
	return &t, nil
}
