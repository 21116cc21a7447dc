package valuechain_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/valuechain"
)

// file wraps text (or a testdata file when text starts with "testdata/")
// as a valuechain.File.
func file(t *testing.T, name, text string) valuechain.File {
	t.Helper()
	if strings.HasPrefix(text, "testdata/") {
		b, err := os.ReadFile(text)
		if err != nil {
			t.Fatal(err)
		}
		text = string(b)
	}
	r := strings.NewReader(text)
	return valuechain.File{Name: name, R: r, Size: int64(len(text))}
}

// bhairab reads the ten-actor Bhairab footwear chain of testdata.
func bhairab(t *testing.T) *valuechain.Graph {
	t.Helper()
	g, err := valuechain.Read(file(t, "actors.csv", "testdata/bhairab_actors.csv"), file(t, "links.csv", "testdata/bhairab_links.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestReadKeepsEveryField(t *testing.T) {
	g := bhairab(t)
	if len(g.Actors()) != 10 || len(g.Links()) != 11 {
		t.Fatalf("%d actors, %d links; want 10, 11", len(g.Actors()), len(g.Links()))
	}
	w1, _ := g.Actor("w1")
	want := valuechain.Actor{ID: "w1", Name: "Workshop 1", NameBN: "কারখানা ১", Role: valuechain.Producer,
		Sector: "footwear", EnterpriseID: "E-0101", Admin: "BD304811"}
	if w1 != want {
		t.Errorf("w1 = %+v, want %+v", w1, want)
	}
	l := g.Links()[10]
	wantL := valuechain.Link{From: "csc", To: "w3", Flow: valuechain.Services, Product: "machine time", Volume: 120, Unit: "hours", Value: 15000, Period: "2024"}
	wantL.ID = valuechain.LinkIDs([]valuechain.Link{wantL})[0] // the file gives no id: derived
	if l != wantL {
		t.Errorf("last link = %+v, want %+v", l, wantL)
	}
}

func TestReadJSONMatchesCSV(t *testing.T) {
	actors := `[{"id": "p", "role": "producer", "name": "Workshop"}, {"id": "r", "role": "Retailer", "admin": "BD302640"}]`
	links := `[{"from": "p", "to": "r", "flow": "goods", "product": "shoes", "volume": 12, "unit": "pairs", "value": "1,200"}]`
	g, err := valuechain.Read(file(t, "a.json", actors), file(t, "l.json", links))
	if err != nil {
		t.Fatal(err)
	}
	if l := g.Links()[0]; l.Volume != 12 || l.Value != 1200 || g.Actors()[1].Role != valuechain.Retailer {
		t.Errorf("link = %+v, actors = %+v", l, g.Actors())
	}
}

func TestReadRejectsBadRowsAllOrNothing(t *testing.T) {
	actors := "id,name,role\np,Workshop,producer\nr,Shop,retailer\np,Again,producer\nx,Wizard,wizard\n"
	tests := []struct {
		name  string
		links string
		want  []string // "file row field"
	}{
		{"unknown actor", "from,to,flow\np,r,goods\np,nobody,goods\n", []string{"actors.csv 3 id", "actors.csv 4 role", "links.csv 2 to"}},
		{"backwards and bad numbers", "from,to,flow,volume,unit,value\nr,p,goods,1,pairs,\np,r,goods,-5,pairs,lots\n",
			[]string{"actors.csv 3 id", "actors.csv 4 role", "links.csv 1 to", "links.csv 2 value", "links.csv 2 volume"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := valuechain.Read(file(t, "actors.csv", actors), file(t, "links.csv", tt.links))
			if g != nil || guccho.ErrorCode(err) != guccho.EINVALID {
				t.Fatalf("Read = %v, %v; want nil and EINVALID", g, err)
			}
			var bad valuechain.BadRows
			if !errors.As(err, &bad) {
				t.Fatalf("error %v has no BadRows", err)
			}
			var got []string
			for _, b := range bad {
				got = append(got, b.File+" "+strconv.Itoa(b.Row)+" "+b.Field)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("bad rows = %q\nwant %q\n(%v)", got, tt.want, err)
			}
		})
	}
}

func TestReadNamesMissingColumns(t *testing.T) {
	_, err := valuechain.Read(file(t, "actors.csv", "id,name\np,Workshop\n"), file(t, "links.csv", "from,to,flow\n"))
	if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), `actors.csv: no column "role"`) {
		t.Errorf("error = %v", err)
	}
}

func TestReadXLSX(t *testing.T) {
	actors := xlsx(t, [][]string{{"id", "role", "name_bn"}, {"p", "producer", "কারখানা"}, {"r", "retailer", ""}})
	links := xlsx(t, [][]string{{"from", "to", "flow", "value"}, {"p", "r", "goods", "1500"}})
	g, err := valuechain.Read(valuechain.File{Name: "a.xlsx", R: bytes.NewReader(actors), Size: int64(len(actors))},
		valuechain.File{Name: "l.xlsx", R: bytes.NewReader(links), Size: int64(len(links))})
	if err != nil {
		t.Fatal(err)
	}
	if g.Actors()[0].NameBN != "কারখানা" || g.Links()[0].Value != 1500 {
		t.Errorf("actors %+v, links %+v", g.Actors(), g.Links())
	}
}

// xlsx writes a one-sheet workbook of inline strings.
func xlsx(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var sheet strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, c := range r {
			fmt.Fprintf(&sheet, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, i+1, c)
		}
		sheet.WriteString(`</row>`)
	}
	parts := map[string]string{
		"[Content_Types].xml":        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheet.String() + `</sheetData></worksheet>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
