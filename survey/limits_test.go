package survey

import (
	"bytes"
	"io"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"github.com/guccho/guccho"
)

// noise returns n bytes of letters that do not compress much.
func noise(n int) string {
	r := rand.New(rand.NewSource(int64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.Intn(26))
	}
	return string(b)
}

func TestSurveyLimits(t *testing.T) {
	header := `<row r="1"><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>sector</t></is></c></row>`
	tests := []struct {
		name    string
		file    string
		in      []byte
		message string // the error from Open or Next
	}{
		{"an XLSX whose shared string is a 64 MB zip bomb", "bomb.xlsx",
			buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>0</v></c></row>`)},
				[]string{strings.Repeat("a", 64<<20)}),
			"XLSX part xl/sharedStrings.xml decompresses to"},
		{"an XLSX shared string over the cell limit", "long.xlsx",
			buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>0</v></c></row>`)},
				[]string{noise(MaxCellBytes + 1)}),
			"shared string 0: longer than the limit of 131072 bytes for one cell"},
		{"an XLSX inline cell over the cell limit", "cell.xlsx",
			buildXLSX(t, map[string]string{"S": sheetXML(header + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + noise(MaxCellBytes+1) + `</t></is></c></row>`)}, nil),
			"cell A2: longer than the limit of 131072 bytes for one cell"},
		{"an XLSX text run beyond any cell", "run.xlsx",
			buildXLSX(t, map[string]string{"S": sheetXML(header + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + noise(2*maxXMLRun) + `</t></is></c></row>`)}, nil),
			"longer than the limit of 131072 bytes for one cell"},
		{"a CSV header cell over the cell limit", "h.csv",
			[]byte("id," + noise(MaxCellBytes+1) + "\n1,2\n"),
			"the header row: column 2: longer than the limit of 131072 bytes"},
		{"a CSV line over the row limit", "l.csv",
			[]byte("name,sector\n" + noise(MaxRowBytes+1) + ",dairy\n"),
			"row 1: a line is longer than the limit of 4194304 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := openBytes(t, tt.file, tt.in)
			if err == nil {
				_, err = readAll(t, rd)
			}
			if err == nil || !strings.Contains(err.Error(), tt.message) || guccho.ErrorCode(err) != guccho.EINVALID {
				t.Fatalf("error = %.300v, want EINVALID containing %q", err, tt.message)
			}
		})
	}
}

func TestCSVCellOverTheLimitFailsItsRow(t *testing.T) {
	in := "name,sector\nKarim," + "dairy\n\"" + noise(MaxCellBytes+1) + "\nsecond line\",dairy\nRahim,dairy\n"
	rd, err := openBytes(t, "c.csv", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, rd)
	if err != nil || len(rows) != 3 {
		t.Fatalf("read %d rows, %v; want 3", len(rows), err)
	}
	if len(rows[1].Errors) != 1 || rows[1].Errors[0].Field != "name" || !strings.Contains(rows[1].Errors[0].Reason, "limit of 131072 bytes") || rows[1].Values["name"] != "" {
		t.Errorf("row 2 = errors %+v, name %.20q; want a failing error for name and no value", rows[1].Errors, rows[1].Values["name"])
	}
	if len(rows[2].Errors) != 0 || rows[2].Values["name"] != "Rahim" {
		t.Errorf("row 3 = %+v", rows[2])
	}
}

func TestXLSXBombStaysSmall(t *testing.T) {
	bomb := buildXLSX(t, map[string]string{"S": sheetXML(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>0</v></c></row>`)},
		[]string{strings.Repeat("a", 256<<20)})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := Open(bytes.NewReader(bomb), int64(len(bomb)), "bomb.xlsx"); err == nil {
		t.Fatal("a 256 MB shared string was read")
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("refusing a %d-byte XLSX with a 256 MB string allocated %d MB", len(bomb), grew>>20)
	}
}

func TestGeoJSONValueOverTheLimitFailsItsRow(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","geometry":null,"properties":{"name":"` + noise(MaxCellBytes+1) + `","sector":"dairy"}},` +
		`{"type":"Feature","geometry":null,"properties":{"name":"Rahim","sector":"dairy"}}]}`
	rd, err := openBytes(t, "s.geojson", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, rd)
	if err != nil || len(rows) != 2 {
		t.Fatalf("read %d rows, %v; want 2", len(rows), err)
	}
	if len(rows[0].Errors) != 1 || rows[0].Errors[0].Field != "name" || !strings.Contains(rows[0].Errors[0].Reason, "limit of 131072 bytes") {
		t.Errorf("row 1 errors = %+v, want one for name", rows[0].Errors)
	}
	if len(rows[1].Errors) != 0 || rows[1].Values["name"] != "Rahim" {
		t.Errorf("row 2 = %+v", rows[1])
	}
}

func TestXLSXPartLimit(t *testing.T) {
	tests := []struct {
		name       string
		compressed uint64
		inMemory   bool
		want       uint64
	}{
		{"a tiny part may reach 1 MB", 10, true, 1 << 20},
		{"200 times the compressed size", 100 << 10, true, 20000 << 10},
		{"shared strings stop at 256 MB", 10 << 20, true, MaxXLSXPartBytes},
		{"a streamed worksheet only by the ratio", 10 << 20, false, 2000 << 20},
		{"a size that overflows gets the floor", 1 << 62, false, 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := partLimit(tt.compressed, tt.inMemory); got != tt.want {
				t.Errorf("partLimit(%d, %v) = %d, want %d", tt.compressed, tt.inMemory, got, tt.want)
			}
		})
	}
}

// chunks reads b in pieces of the given sizes, in turn.
type chunks struct {
	b     []byte
	sizes []int
	i     int
}

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.b), c.sizes[c.i%len(c.sizes)])
	c.i++
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

// TestRunLimit checks runLimit against the rule itself — it fails the first
// read that brings a run without sep past max, and every read after it —
// for reads shorter and longer than max.
func TestRunLimit(t *testing.T) {
	const max = 8
	tests := []struct {
		name  string
		in    string
		sizes []int
	}{
		{"short runs, small reads", "<ab<cdefgh<ij<", []int{3}},
		{"short runs, reads longer than max", "<ab<cdefgh<ij<klmno<p", []int{20}},
		{"a run of max passes", "<12345678<", []int{2, 5}},
		{"a run of max+1 fails in a small read", "<123456789<", []int{4}},
		{"a run of max+1 fails in a read longer than max", "<1<23<123456789<", []int{40}},
		{"a run across reads", "ab<1234", []int{3, 1, 2}},
		{"a long run at the start", "123456789<", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// want: the bytes of the reads before the one that passes max.
			var want []byte
			run, pos := 0, 0
			failed := false
			for _, size := range cycle(tt.sizes, len(tt.in)) {
				if pos == len(tt.in) || failed {
					break
				}
				piece := tt.in[pos:min(pos+size, len(tt.in))]
				for i := 0; i < len(piece); i++ {
					if run++; piece[i] == '<' {
						run = 0
					} else if run > max {
						failed = true
					}
				}
				if !failed {
					want = append(want, piece...)
				}
				pos += len(piece)
			}
			l := &runLimit{r: &chunks{b: []byte(tt.in), sizes: tt.sizes}, sep: '<', max: max, err: errXMLRunTooLong}
			var got []byte
			var err error
			buf := make([]byte, 64)
			for err == nil {
				var n int
				n, err = l.Read(buf)
				got = append(got, buf[:n]...)
			}
			if string(got) != string(want) || (err == errXMLRunTooLong) != failed {
				t.Errorf("read %q, %v; want %q, failed %v", got, err, want, failed)
			}
		})
	}
}

// cycle repeats sizes until they add up to at least n.
func cycle(sizes []int, n int) []int {
	var out []int
	for sum := 0; sum < n; {
		for _, s := range sizes {
			out = append(out, s)
			sum += s
		}
	}
	return append(out, sizes...)
}
