package atlas

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"testing"
)

// pdfDoc is what the tests read back from a PDF that Document.Write made:
// its objects (dictionary text and decoded stream), its pages in order and,
// for each page, the glyph codes shown in each font.
type pdfDoc struct {
	objs  map[int]pdfObj
	pages []int // object numbers of the /Type/Page objects, in page order
}

type pdfObj struct {
	dict   string
	stream []byte // decoded; nil when the object has none
}

var (
	objRE     = regexp.MustCompile(`(?s)(\d+) 0 obj\s*`)
	lengthRE  = regexp.MustCompile(`/Length (\d+)`)
	refRE     = func(key string) *regexp.Regexp { return regexp.MustCompile(`/` + key + ` (\d+) 0 R`) }
	kidsRE    = regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`)
	fontResRE = regexp.MustCompile(`/(F\d+) (\d+) 0 R`)
	baseRE    = regexp.MustCompile(`/Subtype/Type0/BaseFont/([^/\s]+)`)
)

// readPDF parses the subset of PDF canvas writes: numbered objects, each a
// dictionary optionally followed by a stream of a direct /Length, Flate or
// not, and a page tree of one level.
func readPDF(t *testing.T, b []byte) *pdfDoc {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.Contains(b[max(0, len(b)-64):], []byte("%%EOF")) {
		t.Fatalf("not a whole PDF: starts %q, ends %q", b[:min(len(b), 8)], b[max(0, len(b)-16):])
	}
	doc := &pdfDoc{objs: map[int]pdfObj{}}
	pos := 0
	for {
		loc := objRE.FindSubmatchIndex(b[pos:])
		if loc == nil {
			break
		}
		num, _ := strconv.Atoi(string(b[pos+loc[2] : pos+loc[3]]))
		start := pos + loc[1]
		end := bytes.Index(b[start:], []byte("endobj"))
		if end < 0 {
			t.Fatalf("object %d has no endobj", num)
		}
		body := b[start : start+end]
		var o pdfObj
		if i := bytes.Index(body, []byte("stream")); i >= 0 && bytes.HasPrefix(bytes.TrimSpace(body), []byte("<<")) && bytes.Contains(body, []byte("endstream")) {
			o.dict = string(body[:i])
			m := lengthRE.FindStringSubmatch(o.dict)
			if m == nil {
				t.Fatalf("object %d: stream without a direct /Length", num)
			}
			n, _ := strconv.Atoi(m[1])
			data := body[i+len("stream"):]
			data = bytes.TrimPrefix(bytes.TrimPrefix(data, []byte("\r")), []byte("\n"))
			// The stream may hold "endobj"; take its /Length bytes from the file.
			sstart := start + (len(body) - len(data))
			raw := b[sstart : sstart+n]
			end = bytes.Index(b[sstart+n:], []byte("endobj")) + sstart + n - start
			if bytes.Contains([]byte(o.dict), []byte("/FlateDecode")) {
				zr, err := zlib.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatalf("object %d: %v", num, err)
				}
				if raw, err = io.ReadAll(zr); err != nil {
					t.Fatalf("object %d: %v", num, err)
				}
			}
			o.stream = raw
		} else {
			o.dict = string(body)
		}
		doc.objs[num] = o
		pos = start + end + len("endobj")
	}
	for _, o := range doc.objs {
		if m := kidsRE.FindStringSubmatch(o.dict); m != nil && bytes.Contains([]byte(o.dict), []byte("/Type/Pages")) {
			for _, ref := range regexp.MustCompile(`(\d+) 0 R`).FindAllStringSubmatch(m[1], -1) {
				n, _ := strconv.Atoi(ref[1])
				doc.pages = append(doc.pages, n)
			}
		}
	}
	return doc
}

// shown returns, for the page (0-based), the glyph codes each text-showing
// operator (Tj, TJ) draws, concatenated per font by the font's /BaseFont
// name without the subset tag.
func (doc *pdfDoc) shown(t *testing.T, page int) map[string][]uint16 {
	t.Helper()
	p := doc.objs[doc.pages[page]]
	fonts := map[string]string{}
	for _, m := range fontResRE.FindAllStringSubmatch(p.dict, -1) {
		n, _ := strconv.Atoi(m[2])
		if bm := baseRE.FindStringSubmatch(doc.objs[n].dict); bm != nil {
			name := bm[1]
			if i := bytes.IndexByte([]byte(name), '+'); i >= 0 {
				name = name[i+1:]
			}
			fonts[m[1]] = name
		}
	}
	m := refRE("Contents").FindStringSubmatch(p.dict)
	if m == nil {
		t.Fatalf("page %d has no /Contents", page+1)
	}
	n, _ := strconv.Atoi(m[1])
	content := doc.objs[n].stream
	out := map[string][]uint16{}
	var font string
	var operands [][]byte // strings since the last operator
	var last string       // the last name operand
	for i := 0; i < len(content); {
		c := content[i]
		switch {
		case c == '(':
			s, next := literalString(content, i)
			operands = append(operands, s)
			i = next
		case c == '/':
			j := i + 1
			for j < len(content) && !bytes.ContainsRune([]byte(" \n\r\t/[]()<>"), rune(content[j])) {
				j++
			}
			last = string(content[i+1 : j])
			i = j
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '\'' || c == '"':
			j := i
			for j < len(content) && (content[j] >= 'A' && content[j] <= 'Z' || content[j] >= 'a' && content[j] <= 'z' || content[j] == '*' || content[j] == '\'' || content[j] == '"') {
				j++
			}
			op := string(content[i:j])
			switch op {
			case "Tf":
				font = fonts[last]
			case "Tj", "TJ", "'", "\"":
				for _, s := range operands {
					for k := 0; k+1 < len(s); k += 2 {
						out[font] = append(out[font], uint16(s[k])<<8|uint16(s[k+1]))
					}
				}
			}
			if op != "" {
				operands = operands[:0]
			}
			i = max(j, i+1)
		default:
			i++
		}
	}
	return out
}

// fontProgram returns the embedded font file (FontFile2 or FontFile3) of
// the font whose /BaseFont, without the subset tag, is name, and the glyph
// of that file each code (CID) shows: through the font's /CIDToGIDMap, or
// the code itself where it has none (Identity).
func (doc *pdfDoc) fontProgram(t *testing.T, name string) ([]byte, func(code uint16) uint16) {
	t.Helper()
	for _, o := range doc.objs {
		bm := baseRE.FindStringSubmatch(o.dict)
		if bm == nil || (bm[1] != name && !bytes.HasSuffix([]byte(bm[1]), []byte("+"+name))) {
			continue
		}
		gid := func(code uint16) uint16 { return code }
		if m := refRE("CIDToGIDMap").FindStringSubmatch(o.dict); m != nil {
			n, _ := strconv.Atoi(m[1])
			table := doc.objs[n].stream
			gid = func(code uint16) uint16 {
				if int(code)*2+1 >= len(table) {
					t.Fatalf("%s: code %d beyond its CIDToGIDMap", name, code)
				}
				return uint16(table[2*code])<<8 | uint16(table[2*code+1])
			}
		}
		for _, key := range []string{"FontFile2", "FontFile3"} {
			if m := refRE(key).FindStringSubmatch(o.dict); m != nil {
				n, _ := strconv.Atoi(m[1])
				return doc.objs[n].stream, gid
			}
		}
	}
	t.Fatalf("no embedded font %s", name)
	return nil, nil
}

// literalString decodes the PDF literal string starting at b[i] == '(' and
// returns it with the index after its closing parenthesis.
func literalString(b []byte, i int) ([]byte, int) {
	var s []byte
	depth := 0
	for i++; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				s = append(s, '\n')
			case 'r':
				s = append(s, '\r')
			case 't':
				s = append(s, '\t')
			case 'b':
				s = append(s, '\b')
			case 'f':
				s = append(s, '\f')
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v, k := 0, 0
				for ; k < 3 && i+k < len(b) && b[i+k] >= '0' && b[i+k] <= '7'; k++ {
					v = v*8 + int(b[i+k]-'0')
				}
				s = append(s, byte(v))
				i += k - 1
			default:
				s = append(s, e)
			}
		case c == '(':
			depth++
			s = append(s, c)
		case c == ')':
			if depth == 0 {
				return s, i + 1
			}
			depth--
			s = append(s, c)
		default:
			s = append(s, c)
		}
	}
	return s, i
}
