package survey

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/guccho/guccho"
)

// buildXLSX writes a minimal valid workbook: one worksheet per entry of
// sheets (name → worksheet XML, in name order given by order, or sorted),
// and a shared-string table when sst is not nil.
func buildXLSX(tb testing.TB, sheets map[string]string, sst []string, order ...string) []byte {
	tb.Helper()
	if len(order) == 0 {
		for name := range sheets {
			order = append(order, name)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	var types, wbSheets, rels strings.Builder
	for i, name := range order {
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, xmlEscape(name), i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	if sst != nil {
		types.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
		rels.WriteString(`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+types.String()+`</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook `+ns+`><sheets>`+wbSheets.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	for i, name := range order {
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), sheets[name])
	}
	if sst != nil {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
		for _, s := range sst {
			if strings.HasPrefix(s, "<") { // raw <si> content: rich text
				b.WriteString("<si>" + s + "</si>")
			} else {
				b.WriteString(`<si><t xml:space="preserve">` + xmlEscape(s) + `</t></si>`)
			}
		}
		b.WriteString(`</sst>`)
		put("xl/sharedStrings.xml", b.String())
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// A typical field-staff sheet: a title-less header in row 1, shared strings,
// an inline string, numbers as Excel stores them, booleans, a skipped cell
// (A2 then C2), a blank row, rich text, a phonetic guide and an escaped CR.
var fieldSheet = sheetXML(`
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>
<row r="2"><c r="A2" t="s"><v>5</v></c><c r="C2"><v>23.810300000000002</v></c><c r="D2" t="b"><v>1</v></c><c r="E2"><v>1.5E-2</v></c></row>
<row r="4"><c r="A4" t="inlineStr"><is><t>Karim Traders</t></is></c><c r="B4" t="s"><v>6</v></c><c r="C4"><v>8801712345678</v></c><c r="D4" t="b"><v>0</v></c><c r="E4" t="str"><f>1+1</f><v>2</v></c></row>
<row r="5"><c r="A5" t="s"><v>7</v></c><c r="B5" t="s"><v>8</v></c><c r="C5" t="e"><v>#N/A</v></c><c r="D5"/><c r="E5"><v>45292</v></c></row>
`)

var fieldStrings = []string{"name", "district", "lat", "aware", "ratio",
	"রহিম দুগ্ধ খামার", "কিশোরগঞ্জ",
	"<r><t>Bhairab </t></r><r><rPr><b/></rPr><t>Shoes</t></r><rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh>",
	"line_x000D_two"}

func TestXLSXReader(t *testing.T) {
	rd, err := openBytes(t, "survey.xlsx", buildXLSX(t, map[string]string{"Survey": fieldSheet}, fieldStrings))
	if err != nil {
		t.Fatal(err)
	}
	if rd.Format() != FormatXLSX {
		t.Errorf("Format() = %q, want xlsx", rd.Format())
	}
	if got, want := rd.Columns(), []string{"name", "district", "lat", "aware", "ratio"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns() = %q, want %q", got, want)
	}
	rows, err := readAll(t, rd)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Number: 1, Values: map[string]string{"name": "রহিম দুগ্ধ খামার", "district": "", "lat": "23.8103", "aware": "TRUE", "ratio": "0.015"}},
		{Number: 3, Values: map[string]string{"name": "Karim Traders", "district": "কিশোরগঞ্জ", "lat": "8801712345678", "aware": "FALSE", "ratio": "2"}},
		{Number: 4, Values: map[string]string{"name": "Bhairab Shoes", "district": "line\rtwo", "lat": "#N/A", "aware": "", "ratio": "45292"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", rows, want)
	}
}

func TestXLSXSheets(t *testing.T) {
	first := sheetXML(`<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c><v>1</v></c></row>`)
	second := sheetXML(`<row r="3"><c r="B3" t="inlineStr"><is><t>b</t></is></c></row><row r="4"><c r="B4"><v>2</v></c><c r="D4"><v>9</v></c></row>`)
	b := buildXLSX(t, map[string]string{"Notes": first, "Data": second}, nil, "Notes", "Data")
	t.Run("the first sheet by default", func(t *testing.T) {
		rd, err := openBytes(t, "x.xlsx", b)
		if err != nil {
			t.Fatal(err)
		}
		if got := rd.Columns(); !reflect.DeepEqual(got, []string{"a"}) {
			t.Errorf("Columns() = %q, want [a]", got)
		}
	})
	t.Run("a sheet by name, header not in row 1, cells beyond the header", func(t *testing.T) {
		rd, err := OpenWith(bytes.NewReader(b), int64(len(b)), "x.xlsx", Options{Sheet: " data "})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rd.Columns(), []string{"column_1", "b"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Columns() = %q, want %q", got, want)
		}
		row, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if row.Number != 1 || row.Values["b"] != "2" {
			t.Errorf("row = %+v, want number 1 with b=2", row)
		}
		if len(row.Errors) != 1 || !Ignored(row.Errors[0]) || !strings.Contains(row.Errors[0].Reason, "cell D4") {
			t.Errorf("row errors = %v, want one ignored error naming cell D4", row.Errors)
		}
	})
	t.Run("an unknown sheet", func(t *testing.T) {
		_, err := OpenWith(bytes.NewReader(b), int64(len(b)), "x.xlsx", Options{Sheet: "Summary"})
		if err == nil || guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), `no worksheet named "Summary" (worksheets: "Notes", "Data")`) {
			t.Errorf("error = %v, want EINVALID naming the worksheets", err)
		}
	})
}

func TestXLSXBadInput(t *testing.T) {
	valid := buildXLSX(t, map[string]string{"S": fieldSheet}, fieldStrings)
	var notWorkbook bytes.Buffer
	zw := zip.NewWriter(&notWorkbook)
	w, _ := zw.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	zw.Close()
	// A sheet part that is cut short inside the zip: valid archive, broken XML.
	brokenSheet := buildXLSX(t, map[string]string{"S": fieldSheet[:strings.Index(fieldSheet, `<row r="5"`)+20]}, fieldStrings)

	tests := []struct {
		name    string
		in      []byte
		atOpen  bool
		message string
	}{
		{"truncated in half", valid[:len(valid)/2], true, "not a readable XLSX file (is it truncated?): zip: not a valid zip file"},
		{"only the zip magic", []byte("PK\x03\x04"), true, "not a readable XLSX file (is it truncated?)"},
		{"a zip that is not a workbook (.ods)", notWorkbook.Bytes(), true, "not an XLSX workbook (it has no xl/workbook.xml)"},
		{"an empty sheet", buildXLSX(t, map[string]string{"S": sheetXML("")}, nil), true, "the file is empty"},
		{"header only", buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2" s="3"/></row>`)}, nil), true, "the file has a header but no data rows"},
		{"a missing shared string", buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>7</v></c></row>`)}, []string{"a"}), true, `not a readable XLSX file: cell A2: shared string "7" does not exist`},
		{"a sheet cut short", brokenSheet, false, "not a readable XLSX file (is it truncated?): XML syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := openBytes(t, "survey.xlsx", tt.in)
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

func TestFormatNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"42", "42"},
		{"-3.5", "-3.5"},
		{"0.30000000000000004", "0.3"},
		{"1.5E-2", "0.015"},
		{"1E+21", "1000000000000000000000"},
		{"8801712345678", "8801712345678"},
		{"90.412518000000006", "90.412518"},
		{"abc", "abc"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.in); got != tt.want {
			t.Errorf("formatNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestColumnIndex(t *testing.T) {
	for _, tt := range []struct {
		ref  string
		want int
	}{{"A1", 0}, {"C7", 2}, {"Z1", 25}, {"AA10", 26}, {"AB3", 27}, {"XFD1", 16383}} {
		got, ok := columnIndex(tt.ref)
		if !ok || got != tt.want {
			t.Errorf("columnIndex(%q) = %d, %v; want %d", tt.ref, got, ok, tt.want)
		}
		if name := columnName(tt.want); !strings.HasPrefix(tt.ref, name) || len(name) != len(strings.TrimRight(tt.ref, "0123456789")) {
			t.Errorf("columnName(%d) = %q, want the letters of %q", tt.want, name, tt.ref)
		}
	}
}
