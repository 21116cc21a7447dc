package survey

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/guccho/guccho"
)

// checkReader reads every row of a survey file opened from fuzzed bytes and
// checks what every reader promises: failures are EINVALID errors (never a
// panic or another code), column names are unique, and values are UTF-8
// text within MaxCellBytes.
func checkReader(t *testing.T, rd Reader, err error) {
	t.Helper()
	if err != nil {
		if code := guccho.ErrorCode(err); code != guccho.EINVALID {
			t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
		}
		return
	}
	seen := map[string]bool{}
	for _, c := range rd.Columns() {
		if seen[c] {
			t.Fatalf("column %q appears twice in %q", c, rd.Columns())
		}
		seen[c] = true
		if len(c) > MaxCellBytes {
			t.Fatalf("a column name of %d bytes", len(c))
		}
	}
	for i := 0; ; i++ {
		row, err := rd.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("row %d: error %v has code %q, want %q", i+1, err, code, guccho.EINVALID)
			}
			return
		}
		for k, v := range row.Values {
			if len(v) > MaxCellBytes || (rd.Format() != FormatXLSX && !utf8.ValidString(v)) {
				t.Fatalf("row %d: value of %q is %d bytes (valid UTF-8: %v)", row.Number, k, len(v), utf8.ValidString(v))
			}
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("id,name,sector\n1,Karim,dairy\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewCSVReader(bytes.NewReader(b), Options{})
		checkReader(t, rd, err)
	})
}

func FuzzXLSXReader(f *testing.F) {
	f.Add(buildXLSX(f, map[string]string{"S": fieldSheet}, fieldStrings))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewXLSXReader(bytes.NewReader(b), int64(len(b)), Options{})
		checkReader(t, rd, err)
	})
}

// FuzzXLSXParts fuzzes the worksheet and the shared strings of an otherwise
// valid workbook, since mutating a whole zip rarely gets past its checksums.
func FuzzXLSXParts(f *testing.F) {
	f.Add([]byte(fieldSheet), []byte(`<sst><si><t>name</t></si><si><t>Karim</t></si></sst>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		b := buildXLSX(t, map[string]string{"S": string(sheet)}, []string{"<t>x</t>"})
		// Replace the shared strings written by buildXLSX with the fuzzed ones.
		b = replaceZipPart(t, b, "xl/sharedStrings.xml", sst)
		rd, err := NewXLSXReader(bytes.NewReader(b), int64(len(b)), Options{})
		checkReader(t, rd, err)
	})
}

func FuzzGeoJSONReader(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[90.4,23.8]},"properties":{"name":"Karim","sector":"dairy"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewGeoJSONReader(bytes.NewReader(b))
		checkReader(t, rd, err)
	})
}

func FuzzReadMapping(f *testing.F) {
	f.Add([]byte(`{"fields": {"district": "Zila Name", "union": ""}, "key": ["name", "phone"], "unknown_sector": "other"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadMapping(bytes.NewReader(b))
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			return
		}
		for field := range m.Fields {
			if !knownField(field) {
				t.Fatalf("ReadMapping accepted the unknown field %q", field)
			}
		}
	})
}

// replaceZipPart returns the zip archive b with the part name's content
// replaced by content.
func replaceZipPart(t testing.TB, b []byte, name string, content []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			w.Write(content)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
