package survey

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/guccho/guccho"
)

// openBytes opens an in-memory file the way an upload is opened.
func openBytes(tb testing.TB, name string, b []byte) (Reader, error) {
	tb.Helper()
	return Open(bytes.NewReader(b), int64(len(b)), name)
}

// readAll reads every row, stopping at the first error.
func readAll(tb testing.TB, rd Reader) ([]Row, error) {
	tb.Helper()
	var rows []Row
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
}

func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) []byte {
	var b []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		b = order.AppendUint16(b, u)
	}
	return b
}

func TestCSVReader(t *testing.T) {
	bangla := "name,sector,district\nরহিম স্টোর,দুগ্ধ,ঢাকা\n"
	tests := []struct {
		name    string
		in      []byte
		columns []string
		rows    []map[string]string
	}{
		{"comma", []byte("name,sector\nRahim, dairy \n"),
			[]string{"name", "sector"}, []map[string]string{{"name": "Rahim", "sector": "dairy"}}},
		{"semicolon with decimal commas", []byte("name;lat;lon\nA;23,81;90,41\nB;22,3;91,8\n"),
			[]string{"name", "lat", "lon"}, []map[string]string{{"name": "A", "lat": "23,81", "lon": "90,41"}, {"name": "B", "lat": "22,3", "lon": "91,8"}}},
		{"tab", []byte("name\tsector\nA, Ltd\tdairy\n"),
			[]string{"name", "sector"}, []map[string]string{{"name": "A, Ltd", "sector": "dairy"}}},
		{"pipe", []byte("name|sector\nA|dairy\n"),
			[]string{"name", "sector"}, []map[string]string{{"name": "A", "sector": "dairy"}}},
		{"quoted delimiters do not count", []byte("name,sector\n\"Rahim; Sons; Co\",dairy\n\"Karim; Bros\",rice\n"),
			[]string{"name", "sector"}, []map[string]string{{"name": "Rahim; Sons; Co", "sector": "dairy"}, {"name": "Karim; Bros", "sector": "rice"}}},
		{"quoted newline", []byte("name,note\nA,\"line 1\nline 2\"\n"),
			[]string{"name", "note"}, []map[string]string{{"name": "A", "note": "line 1\nline 2"}}},
		{"UTF-8 with BOM, CRLF", []byte("\xEF\xBB\xBFname,sector\r\nA,dairy\r\n"),
			[]string{"name", "sector"}, []map[string]string{{"name": "A", "sector": "dairy"}}},
		{"UTF-8 Bangla", []byte(bangla),
			[]string{"name", "sector", "district"}, []map[string]string{{"name": "রহিম স্টোর", "sector": "দুগ্ধ", "district": "ঢাকা"}}},
		{"UTF-16LE with BOM (Excel \"Unicode text\")", utf16Bytes(strings.ReplaceAll(bangla, ",", "\t"), binary.LittleEndian, true),
			[]string{"name", "sector", "district"}, []map[string]string{{"name": "রহিম স্টোর", "sector": "দুগ্ধ", "district": "ঢাকা"}}},
		{"UTF-16BE with BOM", utf16Bytes(bangla, binary.BigEndian, true),
			[]string{"name", "sector", "district"}, []map[string]string{{"name": "রহিম স্টোর", "sector": "দুগ্ধ", "district": "ঢাকা"}}},
		{"UTF-16LE without BOM", utf16Bytes(bangla, binary.LittleEndian, false),
			[]string{"name", "sector", "district"}, []map[string]string{{"name": "রহিম স্টোর", "sector": "দুগ্ধ", "district": "ঢাকা"}}},
		{"old Mac line ends", []byte("name,sector\rA,dairy\rB,rice\r"),
			[]string{"name", "sector"}, []map[string]string{{"name": "A", "sector": "dairy"}, {"name": "B", "sector": "rice"}}},
		{"duplicate, empty and trailing empty headers", []byte("name,,name, Name ,name_2,,\n1,2,3,4,5,,\n"),
			[]string{"name", "column_2", "name_2", "Name", "name_2_2"},
			[]map[string]string{{"name": "1", "column_2": "2", "name_2": "3", "Name": "4", "name_2_2": "5"}}},
		{"short rows are padded", []byte("a,b,c\n1\n1,2\n"),
			[]string{"a", "b", "c"}, []map[string]string{{"a": "1", "b": "", "c": ""}, {"a": "1", "b": "2", "c": ""}}},
		{"empty leading rows are skipped, numbers kept", []byte("a,b\n,\n1,2\n"),
			[]string{"a", "b"}, []map[string]string{{"a": "1", "b": "2"}}},
		{"one column", []byte("name\nA\nB\n"),
			[]string{"name"}, []map[string]string{{"name": "A"}, {"name": "B"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := openBytes(t, "survey.csv", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Format() != FormatCSV {
				t.Errorf("Format() = %q, want csv", rd.Format())
			}
			if got := rd.Columns(); !reflect.DeepEqual(got, tt.columns) {
				t.Errorf("Columns() = %q, want %q", got, tt.columns)
			}
			rows, err := readAll(t, rd)
			if err != nil {
				t.Fatal(err)
			}
			var got []map[string]string
			for _, r := range rows {
				got = append(got, r.Values)
				if len(r.Errors) > 0 {
					t.Errorf("row %d: unexpected errors %v", r.Number, r.Errors)
				}
			}
			if !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows = %q, want %q", got, tt.rows)
			}
		})
	}
}

func TestCSVRowNumbers(t *testing.T) {
	rd, err := openBytes(t, "x.csv", []byte("a,b\n,\n1,2\n3,4\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := readAll(t, rd)
	var got []int
	for _, r := range rows {
		got = append(got, r.Number)
	}
	if want := []int{2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("row numbers = %v, want %v (the empty first data row still counts)", got, want)
	}
}

func TestCSVRaggedLongRow(t *testing.T) {
	rd, err := openBytes(t, "x.csv", []byte("name,sector\nRahim, Sons,dairy\nKarim,rice,\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, rd)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	if errs := rows[0].Errors; len(errs) != 1 || Ignored(errs[0]) || !strings.Contains(errs[0].Reason, "3 cells but the header has 2 columns") {
		t.Errorf("row 1 errors = %v, want one failing error about 3 cells for 2 columns", errs)
	}
	if errs := rows[1].Errors; len(errs) != 0 {
		t.Errorf("row 2 errors = %v, want none (an empty trailing cell is harmless)", errs)
	}
}

func TestCSVBadInput(t *testing.T) {
	win1252 := []byte("name,district\nCafe,Dhaka\nCaf\xe9 Rahim,Dhaka\n") // é in Windows-1252
	tests := []struct {
		name    string
		in      []byte
		atOpen  bool
		message string
	}{
		{"empty file", nil, true, "the file is empty"},
		{"only white space", []byte(" \r\n\n"), true, "the file is empty"},
		{"only a BOM", []byte("\xEF\xBB\xBF"), true, "the file is empty"},
		{"header only", []byte("name,sector\n"), true, "the file has a header but no data rows"},
		{"header and empty rows", []byte("name,sector\n,\n , \n"), true, "the file has a header but no data rows"},
		{"Windows-1252 in a data row", win1252, false, `row 2: not UTF-8 text (the file may be saved as Windows-1252/ANSI; save it as "CSV UTF-8")`},
		{"Windows-1252 in the header", []byte("n\xe4me,sector\nA,dairy\n"), true, `the header row: not UTF-8 text`},
		{"Windows-1252 in a cell beyond the header", []byte("a\n1,\xe9\n"), true, `row 1: not UTF-8 text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := openBytes(t, "survey.csv", tt.in)
			if err == nil {
				if tt.atOpen {
					t.Fatalf("Open succeeded, want %q", tt.message)
				}
				_, err = readAll(t, rd)
			} else if !tt.atOpen {
				t.Fatalf("Open: %v, want the error from Next", err)
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.message) {
				t.Fatalf("error = %v, want %q", err, tt.message)
			}
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Errorf("code = %q, want %q", code, guccho.EINVALID)
			}
		})
	}
}

func TestCSVDelimiterOption(t *testing.T) {
	b := []byte("a;b,c\n1;2,3\n")
	rd, err := OpenWith(bytes.NewReader(b), int64(len(b)), "x.csv", Options{Delimiter: ','})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rd.Columns(), []string{"a;b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns() = %q, want %q", got, want)
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1,5;2,5;3\n", ';'},
		{"a\tb\n\"x,y,z\"\t2\n", '\t'},
		{"a|b\n1|2\n", '|'},
		{"name\nRahim\n", ','},
		{"a,b\n\n\n1,2\n", ','},
		{"a;b;c", ';'},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.in)); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOpenFormat(t *testing.T) {
	xlsx := buildXLSX(t, map[string]string{"Sheet1": sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>`)}, nil)
	tests := []struct {
		name, file string
		in         []byte
		want       string
		err        string
	}{
		{"csv by content", "upload", []byte("a,b\n1,2\n"), FormatCSV, ""},
		{"xlsx by content without extension", "kobo_download", xlsx, FormatXLSX, ""},
		{"xlsx by content with a .csv name", "survey.csv", xlsx, FormatXLSX, ""},
		{"geojson by content", "points.txt", []byte(` {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":null}]}`), FormatGeoJSON, ""},
		{"an .xlsx name that is not a zip", "survey.xlsx", []byte("a,b\n1,2\n"), "", "not a readable XLSX file (is it truncated?)"},
		{"old .xls", "survey.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), "", "this is an old Excel 97-2003 (.xls) file"},
		{"an empty .geojson", "x.geojson", []byte{}, "", "the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := openBytes(t, tt.file, tt.in)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) || guccho.ErrorCode(err) != guccho.EINVALID {
					t.Fatalf("Open: %v, want EINVALID %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rd.Format() != tt.want {
				t.Errorf("Format() = %q, want %q", rd.Format(), tt.want)
			}
		})
	}
}

// failingReader fails after its data, like a broken disk or connection.
type failingReader struct{ r io.Reader }

var errDisk = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errDisk
	}
	return n, err
}

func TestCSVReadErrorPassesThrough(t *testing.T) {
	rd, err := NewCSVReader(&failingReader{strings.NewReader("a,b\n1,2\n3,4\n")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, rd)
	if !errors.Is(err, errDisk) {
		t.Errorf("error = %v, want the reader's own error", err)
	}
}
