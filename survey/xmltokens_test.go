package survey

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
)

// xlsxResult is everything a reader gives for a file: its columns, its rows
// and the error that ended it (at Open or from Next), with its code.
type xlsxResult struct {
	Columns []string
	Rows    []Row
	Err     string
	Code    string
}

// readXLSXWith reads b with the fast scanner (fast) or with encoding/xml
// only, and reports whether the fast scanner fell back.
func readXLSXWith(t testing.TB, b []byte, opts Options, fast bool) (xlsxResult, bool) {
	t.Helper()
	x, err := newXLSXReader(bytes.NewReader(b), int64(len(b)), opts, fast)
	if err != nil {
		return xlsxResult{Err: err.Error(), Code: guccho.ErrorCode(err)}, false
	}
	res := xlsxResult{Columns: x.Columns()}
	for {
		row, err := x.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.Err, res.Code = err.Error(), guccho.ErrorCode(err)
			break
		}
		res.Rows = append(res.Rows, row)
	}
	return res, x.fellBack
}

// compareXLSXPaths reads b both ways and fails the test when the results
// differ; it returns the fast reader's result and whether it fell back.
func compareXLSXPaths(t testing.TB, b []byte, opts Options) (xlsxResult, bool) {
	t.Helper()
	want, _ := readXLSXWith(t, b, opts, false)
	got, fellBack := readXLSXWith(t, b, opts, true)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the fast scanner (fell back: %v) and encoding/xml differ:\n fast %.2000v\n  xml %.2000v", fellBack, got, want)
	}
	return got, fellBack
}

// TestXLSXFastScannerMatchesEncodingXML reads every workbook the XLSX tests
// build, and the fuzz corpus, with the fast scanner and with encoding/xml
// alone, and compares columns, rows, cells, row errors and errors.
func TestXLSXFastScannerMatchesEncodingXML(t *testing.T) {
	header := `<row r="1"><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>sector</t></is></c></row>`
	files := map[string][]byte{
		"field sheet": buildXLSX(t, map[string]string{"S": fieldSheet}, fieldStrings),
		"two sheets": buildXLSX(t, map[string]string{
			"Notes": sheetXML(`<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c><v>1</v></c></row>`),
			"Data":  sheetXML(`<row r="3"><c r="B3" t="inlineStr"><is><t>b</t></is></c></row><row r="4"><c r="B4"><v>2</v></c><c r="D4"><v>9</v></c></row>`),
		}, nil, "Notes", "Data"),
		"a sheet cut short":       buildXLSX(t, map[string]string{"S": fieldSheet[:strings.Index(fieldSheet, `<row r="5"`)+20]}, fieldStrings),
		"a missing shared string": buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>7</v></c></row>`)}, []string{"a"}),
		"header only":             buildXLSX(t, map[string]string{"S": sheetXML(header + `<row r="2"><c r="A2" s="3"/></row>`)}, nil),
		"an empty sheet":          buildXLSX(t, map[string]string{"S": sheetXML("")}, nil),
		"a shared string over the cell limit": buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>0</v></c></row>`)},
			[]string{noise(MaxCellBytes + 1)}),
		"an inline cell over the cell limit": buildXLSX(t, map[string]string{"S": sheetXML(header + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + noise(MaxCellBytes+1) + `</t></is></c></row>`)}, nil),
		"a text run beyond any cell":         buildXLSX(t, map[string]string{"S": sheetXML(header + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + noise(2*maxXMLRun) + `</t></is></c></row>`)}, nil),
		"the benchmark's first rows":         smallBenchXLSX(t, 2000),
	}
	for name, data := range fuzzCorpus(t, "FuzzXLSXReader") {
		files["corpus FuzzXLSXReader/"+name] = data[0]
	}
	for name, data := range fuzzCorpus(t, "FuzzXLSXParts") {
		files["corpus FuzzXLSXParts/"+name] = partsWorkbook(t, data[0], data[1])
	}
	// What spreadsheet writers produce is read without falling back.
	fast := map[string]bool{"field sheet": true, "two sheets": true, "the benchmark's first rows": true, "header only": true}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			if _, fellBack := compareXLSXPaths(t, b, Options{}); fellBack && fast[name] {
				t.Errorf("fell back to encoding/xml")
			}
			if name == "two sheets" {
				compareXLSXPaths(t, b, Options{Sheet: "Data"})
			}
		})
	}
}

// smallBenchXLSX is the benchmark's survey cut to n data rows.
func smallBenchXLSX(t *testing.T, n int) []byte {
	t.Helper()
	data, err := io.ReadAll(&surveyLines{n: n})
	if err != nil {
		t.Fatal(err)
	}
	return surveyXLSX(t, data)
}

// partsWorkbook is the workbook FuzzXLSXParts reads: sheet and sst as its
// worksheet and shared strings.
func partsWorkbook(t testing.TB, sheet, sst []byte) []byte {
	t.Helper()
	b := buildXLSX(t, map[string]string{"S": string(sheet)}, []string{"<t>x</t>"})
	return replaceZipPart(t, b, "xl/sharedStrings.xml", sst)
}

// fuzzCorpus reads the byte-slice arguments of each file of a fuzz
// target's corpus under testdata/fuzz.
func fuzzCorpus(t testing.TB, target string) map[string][][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var args [][]byte
		for _, line := range strings.Split(string(b), "\n")[1:] {
			if !strings.HasPrefix(line, "[]byte(") {
				continue
			}
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")"))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			args = append(args, []byte(s))
		}
		out[filepath.Base(p)] = args
	}
	if len(out) == 0 {
		t.Fatalf("no corpus for %s", target)
	}
	return out
}

// TestXLSXFastScanner reads worksheets that exercise the scanner: each
// gives the same result as encoding/xml, the values wanted, and falls back
// to encoding/xml only where the case says so.
func TestXLSXFastScanner(t *testing.T) {
	const head = `<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>`
	const first = `<row r="2"><c r="A2"><v>0</v></c></row>` // so that the failing row fails Next, not Open
	tests := []struct {
		name     string
		sheet    string // the worksheet, whole; sheetXML wraps it unless it starts with "<?"
		sst      []string
		want     []string // the values of a and b, row by row ("" cells included)
		err      string   // the error wanted instead, if any
		fallback bool     // the scanner hands over to encoding/xml
	}{
		{name: "entities in text and attributes",
			sheet: head + `<row r='2'><c r="A2" t="inlineStr"><is><t>Karim &amp; Sons &lt;&gt; &quot;x&quot; &apos;y&apos;</t></is></c><c r="B2" t="inlineStr"><is><t>&#2453;&#x995;</t></is></c></row>`,
			want:  []string{`Karim & Sons <> "x" 'y'`, "কক"}},
		{name: "numeric character references",
			sheet: head + `<row r="2"><c r="A2" t="inlineStr"><is><t>&#2453;&#x995;&#x00000041;</t></is></c><c r="&#66;2" t="inlineStr"><is><t>&#13;&#10;</t></is></c></row>`,
			want:  []string{"ককA", ""}},
		{name: "a prefix on every element",
			sheet: `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c r="B1" x:t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="B2"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
			want:  []string{"", "7"}},
		{name: "rich text runs and a phonetic guide",
			sheet: head + `<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve">Bhairab </t></r><r><t>Shoes</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></is></c></row>`,
			want:  []string{"Bhairab Shoes", ""}},
		{name: "self-closing cells and rows, attributes in any order with ' quotes",
			sheet: head + `<row r="2"><c s='1' r='A2'/><c t='b' s="2" r='B2'><v>1</v></c></row><row r="3"/><row r="4" spans="1:2"><c t="n" r="A4"><v>1E+21</v></c></row>`,
			want:  []string{"", "TRUE", "", "", "1000000000000000000000", ""}},
		{name: "no r attributes: rows and cells counted",
			sheet: `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>`,
			want:  []string{"1", "2", "3", ""}},
		{name: "gaps in the columns and empty rows",
			sheet: head + `<row r="2"><c r="B2"><v>5</v></c></row><row r="3"></row><row r="9"><c r="A9"><v>0.30000000000000004</v></c></row>`,
			want:  []string{"", "5", "", "", "0.3", ""}},
		{name: "formulas give their cached value",
			sheet: head + `<row r="2"><c r="A2" t="str"><f>CONCAT("a","b")</f><v>ab</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">1+1</f><v>2</v></c></row>`,
			want:  []string{"ab", "2"}},
		{name: "whitespace, CRLF, a comment and CDATA between tags",
			sheet: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<worksheet>\r\n <sheetData>\r\n  " + head + "\r\n  <!-- a comment -->\r\n  <row r=\"2\" >\r\n   <c r=\"A2\" t=\"inlineStr\" ><is><t>x<![CDATA[<&>]]>y\r\nz</t></is></c>\r\n  </row>\r\n </sheetData>\r\n</worksheet>\r\n",
			want:  []string{"x<&>y\nz", ""}},
		{name: "a DOCTYPE before the root element is read by encoding/xml, then the scanner",
			sheet: `<?xml version="1.0"?><!DOCTYPE worksheet><worksheet><sheetData>` + head + `<row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>`,
			want:  []string{"1", ""}},
		{name: "shared strings with entities and rich text",
			sheet: `<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row r="2"><c t="s"><v> 2 </v></c><c t="s"><v>3</v></c></row>`,
			sst:   []string{"a", "b", "Rahim & Karim", "<r><t>ক</t></r><r><t>খ_x000D_</t></r>"},
			want:  []string{"Rahim & Karim", "কখ"}}, // values are trimmed
		{name: "Bangla text is checked and kept as it is",
			sheet: head + `<row r="2"><c r="A2" t="inlineStr"><is><t>রহিম দুগ্ধ খামার</t></is></c></row>`,
			want:  []string{"রহিম দুগ্ধ খামার", ""}},
		{name: "a cell over MaxCellBytes, in two text runs",
			sheet: head + `<row r="2"><c r="B2" t="inlineStr"><is><t>` + strings.Repeat("x", MaxCellBytes/2) + `<![CDATA[` + strings.Repeat("y", MaxCellBytes/2+1) + `]]></t></is></c></row>`,
			err:   "cell B2: longer than the limit of 131072 bytes for one cell"},
		{name: "a cell of exactly MaxCellBytes",
			sheet: head + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + strings.Repeat("x", MaxCellBytes-1) + `&amp;</t></is></c></row>`,
			want:  []string{strings.Repeat("x", MaxCellBytes-1) + "&", ""}},
		{name: "an unknown entity falls back and fails as encoding/xml does",
			sheet: head + first + `<row r="3"><c r="A3" t="inlineStr"><is><t>&nbsp;</t></is></c></row>`,
			err:   "not a readable XLSX file (is it truncated?): XML syntax error on line 2: invalid character entity &nbsp;", fallback: true},
		{name: "a processing instruction after the root falls back",
			sheet: head + `<?mso-application progid="Excel.Sheet"?><row r="2"><c r="A2"><v>1</v></c></row>`,
			want:  []string{"1", ""}, fallback: true},
		{name: "a name that is not ASCII falls back",
			sheet: head + `<row r="2"><c r="A2"><v>1</v></c><ক/></row>`,
			want:  []string{"1", ""}, fallback: true},
		{name: "a control character fails as encoding/xml does",
			sheet: head + first + "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>a\x01</t></is></c></row>",
			err:   "not a readable XLSX file (is it truncated?): XML syntax error on line 2: illegal character code U+0001", fallback: true},
		{name: "]]> outside CDATA fails as encoding/xml does",
			sheet: head + first + `<row r="3"><c r="A3" t="inlineStr"><is><t>a]]>b</t></is></c></row>`,
			err:   "not a readable XLSX file (is it truncated?): XML syntax error on line 2: unescaped ]]> not in CDATA section", fallback: true},
		{name: "a row after others that is cut short: the rows before it stay",
			sheet: `<?xml version="1.0"?><worksheet><sheetData>` + head + `<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row><row r="4"><c r="A4"><v`,
			err:   "not a readable XLSX file (is it truncated?): XML syntax error on line 1: unexpected EOF", want: []string{"1", "", "2", ""}, fallback: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := tt.sheet
			if !strings.HasPrefix(sheet, "<?") {
				sheet = sheetXML(sheet)
			}
			sst := tt.sst
			if sst == nil {
				sst = []string{}
			}
			got, fellBack := compareXLSXPaths(t, buildXLSX(t, map[string]string{"S": sheet}, sst), Options{})
			if fellBack != tt.fallback {
				t.Errorf("fell back to encoding/xml: %v, want %v", fellBack, tt.fallback)
			}
			if !strings.HasPrefix(got.Err, tt.err) || (tt.err == "") != (got.Err == "") {
				t.Errorf("error = %.300q, want %q", got.Err, tt.err)
			}
			var values []string
			for _, row := range got.Rows {
				values = append(values, row.Values[got.Columns[0]], row.Values[got.Columns[1]])
			}
			if tt.want != nil && !reflect.DeepEqual(values, tt.want) {
				t.Errorf("values = %.200q, want %.200q", values, tt.want)
			}
		})
	}
}

// FuzzXLSXFastScanner reads fuzzed worksheet and shared-string XML with the
// fast scanner and with encoding/xml alone: they must agree.
func FuzzXLSXFastScanner(f *testing.F) {
	f.Add([]byte(fieldSheet), []byte(`<sst><si><t>name</t></si><si><r><t>Kar</t></r><r><t>im &amp;</t></r></si></sst>`))
	f.Add([]byte(`<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t='inlineStr'><x:is><x:t>a&#x41;<![CDATA[<b>]]></x:t></x:is></x:c><x:c t="s"><v>0</v></x:c></x:row><row r="7"><c r="C7"><v>1.5E-2</v></c><c/></row></x:sheetData>`),
		[]byte("<?xml version=\"1.0\"?>\r\n<sst><!-- c --><si><t xml:space=\"preserve\"> x\r\n</t><rPh><t>p</t></rPh></si></sst>"))
	for _, data := range fuzzCorpus(f, "FuzzXLSXParts") {
		f.Add(data[0], data[1])
	}
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		compareXLSXPaths(t, partsWorkbook(t, sheet, sst), Options{})
	})
}

// TestXLSXStreamsInBoundedMemory reads a 100,000-row worksheet of inline
// strings (no shared-string table) and checks that the heap in use does
// not grow with the rows: the scanner holds one token, never the sheet
// (about 30 MB of XML here).
func TestXLSXStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100,000 rows")
	}
	const rows, bound = 100_000, 8 << 20
	var sheet strings.Builder
	sheet.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>district</t></is></c><c r="C1" t="inlineStr"><is><t>workers</t></is></c></row>`)
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>Enterprise %d &amp; Sons</t></is></c><c r="B%d" t="inlineStr"><is><t>কিশোরগঞ্জ</t></is></c><c r="C%d"><v>%d</v></c></row>`, r, r, r, r, r, r%7)
	}
	b := buildXLSX(t, map[string]string{"S": sheetXML(sheet.String())}, nil)
	sheet = strings.Builder{}

	before := heapInUse()
	x, err := newXLSXReader(bytes.NewReader(b), int64(len(b)), Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var peak uint64
	n := 0
	for {
		row, err := x.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if row.Values["district"] != "কিশোরগঞ্জ" {
			t.Fatalf("row %d: %q", row.Number, row.Values)
		}
		if n++; n%20_000 == 0 {
			peak = max(peak, heapInUse())
		}
	}
	if n != rows || x.fellBack {
		t.Fatalf("read %d rows (fell back: %v), want %d", n, x.fellBack, rows)
	}
	growth := int64(peak) - int64(before)
	t.Logf("heap in use: %.1f MB before, growth %.1f MB at the peak (bound %d MB); the file is %.1f MB",
		float64(before)/(1<<20), float64(growth)/(1<<20), bound>>20, float64(len(b))/(1<<20))
	if growth > bound {
		t.Errorf("heap in use grew by %.1f MB while reading %d rows, want under %d MB", float64(growth)/(1<<20), rows, bound>>20)
	}
}

// withRawSheet returns the workbook b with its first worksheet stored as
// sheet (deflated with method zip.Deflate), declaring the given uncompressed
// size and CRC-32, whatever the data holds: a damaged archive.
func withRawSheet(t *testing.T, b []byte, sheet []byte, method uint16, size uint64, crc uint32) []byte {
	t.Helper()
	var deflated bytes.Buffer
	if method == zip.Deflate {
		fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(sheet)
		fw.Close()
	} else {
		deflated.Write(sheet)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: method, CRC32: crc,
				CompressedSize64: uint64(deflated.Len()), UncompressedSize64: size})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(deflated.Bytes())
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestXLSXFastScannerReadErrors damages the size and checksum a worksheet
// declares, so that archive/zip fails a read somewhere in the sheet: the
// fast scanner must return the rows encoding/xml returns before the
// error, not more, and the same error.
func TestXLSXFastScannerReadErrors(t *testing.T) {
	var rows strings.Builder
	rows.WriteString(`<row r="1"><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>n</t></is></c></row>`)
	for r := 2; r < 3000; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c t="inlineStr"><is><t>Enterprise %d</t></is></c><c><v>%d</v></c></row>`, r, r, r*7919%1000)
	}
	sheet := []byte(sheetXML(rows.String()))
	b := buildXLSX(t, map[string]string{"S": string(sheet)}, nil)
	size, crc := uint64(len(sheet)), crc32.ChecksumIEEE(sheet)
	for _, tt := range []struct {
		name    string
		size    uint64
		crc     uint32
		wantErr bool
	}{
		{"the data is longer than declared", size - 70_001, crc, true},
		{"the data is longer than declared, by a little", size - 5, crc, true},
		{"the data is shorter than declared", size + 1, crc, true},
		// The checksum comes with the last bytes, after </sheetData>: neither reader reads that far.
		{"a wrong checksum", size, crc + 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := compareXLSXPaths(t, withRawSheet(t, b, sheet, zip.Deflate, tt.size, tt.crc), Options{})
			if (got.Err != "") != tt.wantErr {
				t.Errorf("read %d rows, error %q; want an error: %v", len(got.Rows), got.Err, tt.wantErr)
			}
		})
	}
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		for cut := size - 100; cut > size-90_000; cut -= 1_237 {
			t.Run(fmt.Sprintf("method %d, declared %d of %d bytes", method, cut, size), func(t *testing.T) {
				compareXLSXPaths(t, withRawSheet(t, b, sheet, method, cut, crc), Options{})
			})
		}
	}
}

// readSizes records the size of every read asked of it.
type readSizes struct {
	r     io.Reader
	sizes map[int]int
}

func (r *readSizes) Read(p []byte) (int, error) {
	r.sizes[len(p)]++
	return r.r.Read(p)
}

// TestXLSXFastScannerReadsLikeEncodingXML checks that the scanner asks its
// part for the same pieces as encoding/xml (through its bufio.Reader):
// archive/zip and runLimit fail a whole read, so only then does a damaged
// part fail at the same byte, after the same rows, for both.
func TestXLSXFastScannerReadsLikeEncodingXML(t *testing.T) {
	var rows strings.Builder
	for r := 1; r < 5000; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c t="inlineStr"><is><t>Enterprise %d</t></is></c></row>`, r, r)
	}
	sheet := sheetXML(rows.String() + `<row><c t="inlineStr"><is><t>` + strings.Repeat("long ", 40_000) + `</t></is></c></row>`)
	for _, tt := range []struct {
		name   string
		tokens func(io.Reader) xmlTokens
	}{
		{"encoding/xml", func(r io.Reader) xmlTokens { return newTokens(r, false) }},
		{"fast scanner", func(r io.Reader) xmlTokens { return newTokens(r, true) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &readSizes{r: strings.NewReader(sheet), sizes: map[int]int{}}
			tokens := tt.tokens(r)
			for {
				if _, err := tokens.next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			for size, n := range r.sizes {
				if size != xmlReadSize {
					t.Errorf("%d reads of %d bytes, want all of %d", n, size, xmlReadSize)
				}
			}
		})
	}
}
