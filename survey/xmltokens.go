package survey

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"unicode/utf8"
)

// The XLSX readers see a part's XML as a stream of xmlTokens, from one of two
// sources: decoderTokens (encoding/xml's RawToken, the reference) and
// fastTokens (a scanner of our own, several times faster). fastTokens gives
// the very same tokens as encoding/xml on the XML it understands and
// errFallback on anything else, and the reader then starts the part again
// with decoderTokens; so both give the same rows, cells and errors.

// xmlKind is the kind of an xmlToken.
type xmlKind uint8

const (
	xmlOther xmlKind = iota // comment, processing instruction, directive
	xmlStart                // <name attr="…"> (a self-closing element is a start and an end)
	xmlEnd                  // </name>
	xmlText                 // character data, entities decoded; a CDATA section is a token of its own
)

// xmlToken is one token of a part. Its slices are valid until the next
// token is read.
type xmlToken struct {
	kind  xmlKind
	name  string // the local name of a start or end element, without prefix; fastTokens leaves names no reader looks at empty
	attrs []xmlAttr
	text  []byte
}

// xmlAttr is an attribute of a start element, by local name.
type xmlAttr struct {
	name  string
	value []byte
}

// attrValue returns the value of the first attribute whose local name is
// name, as encoding/xml's readers always did (so "x:r" is "r" too).
func attrValue(attrs []xmlAttr, name string) []byte {
	for _, a := range attrs {
		if a.name == name {
			return a.value
		}
	}
	return nil
}

// xmlTokens reads the tokens of a part; io.EOF ends them.
type xmlTokens interface {
	next() (xmlToken, error)
}

// errFallback is returned by fastTokens for XML it does not read itself.
var errFallback = errors.New("survey: XML the fast scanner does not read")

// decoderTokens are encoding/xml's raw tokens (no namespace translation, no
// check that end tags match).
type decoderTokens struct {
	dec    *xml.Decoder
	attrs  []xmlAttr
	values []byte // the attribute values, copied without an allocation each
}

func (d *decoderTokens) next() (xmlToken, error) {
	tok, err := d.dec.RawToken()
	if err != nil {
		return xmlToken{}, err
	}
	return d.convert(tok), nil
}

func (d *decoderTokens) convert(tok xml.Token) xmlToken {
	switch t := tok.(type) {
	case xml.StartElement:
		d.attrs, d.values = d.attrs[:0], d.values[:0]
		for _, a := range t.Attr {
			start := len(d.values)
			d.values = append(d.values, a.Value...)
			d.attrs = append(d.attrs, xmlAttr{a.Name.Local, d.values[start:len(d.values):len(d.values)]})
		}
		return xmlToken{kind: xmlStart, name: t.Name.Local, attrs: d.attrs}
	case xml.EndElement:
		return xmlToken{kind: xmlEnd, name: t.Name.Local}
	case xml.CharData:
		return xmlToken{kind: xmlText, text: t}
	}
	return xmlToken{kind: xmlOther}
}

const (
	// xmlReadSize is what encoding/xml's bufio.Reader asks of a part at a
	// time. fastTokens asks for the same pieces, so that archive/zip and
	// runLimit, which fail a whole read, fail at the same byte for both.
	xmlReadSize = 4096
	// fastBufSize is fastTokens's buffer to begin with.
	fastBufSize = 64 << 10
	// maxFastBuf is the most fastTokens's buffer grows to, for a token that
	// does not fit: a text run may be maxXMLRun long (runLimit stops longer
	// ones); a longer comment or CDATA section falls back.
	maxFastBuf = 512 << 10
)

// fastTokens scans a part's XML in a buffer of its own, which grows past
// fastBufSize only to hold one long token, and never past maxFastBuf. Up to the
// start of the root element — the XML declaration, a DOCTYPE, comments — it
// lets encoding/xml read the bytes (through ReadByte), then it takes over.
// It understands elements with or without a prefix, attributes in any
// order quoted with ' or ", the five named entities and numeric character
// references, CDATA sections, comments, \r\n line ends and whitespace, and
// checks what encoding/xml checks (names, UTF-8, the XML character range,
// "]]>" outside CDATA). It returns errFallback for anything else: a
// processing instruction or directive after the root element starts, names
// that are not ASCII, an entity encoding/xml would refuse, a read error, a
// token it cannot hold.
type fastTokens struct {
	r        io.Reader
	buf      []byte // buf[pos:end] is read and not yet consumed
	pos, end int
	err      error // the reader's error, once it gave one
	consumed int64 // bytes consumed before buf[0]

	dec   *decoderTokens // reads the prolog; nil once the scanner has taken over
	last2 [2]byte        // the last two bytes ReadByte gave the decoder

	endNext  bool   // the last start element closed itself: its end comes next
	endName  string // …with this name
	attrs    []xmlAttr
	attrText []byte // decoded attribute values
	text     []byte // decoded text
}

func newFastTokens(r io.Reader) *fastTokens {
	s := &fastTokens{r: r, buf: make([]byte, fastBufSize)}
	s.dec = &decoderTokens{dec: xml.NewDecoder(s)}
	return s
}

// more reads more input, keeping buf[pos:end]; it reports whether any came.
// It reads in pieces of xmlReadSize, as encoding/xml does, so a read error
// comes at the same byte (and with the same bytes before it) for both.
func (s *fastTokens) more() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.consumed += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if len(s.buf)-s.end < xmlReadSize {
		if len(s.buf) >= maxFastBuf {
			s.err = errFallback
			return false
		}
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	got := 0
	for empty := 0; len(s.buf)-s.end >= xmlReadSize; {
		n, err := s.r.Read(s.buf[s.end : s.end+xmlReadSize])
		s.end += n
		got += n
		if err != nil {
			s.err = err
			break
		}
		if n > 0 {
			empty = 0
		} else if empty++; empty == 100 {
			s.err = io.ErrNoProgress
			break
		}
	}
	return got > 0
}

// ReadByte gives the prolog's bytes to encoding/xml.
func (s *fastTokens) ReadByte() (byte, error) {
	if s.pos == s.end && !s.more() {
		return 0, s.err
	}
	c := s.buf[s.pos]
	s.pos++
	s.last2 = [2]byte{s.last2[1], c}
	return c, nil
}

func (s *fastTokens) next() (xmlToken, error) {
	if s.dec != nil {
		return s.prolog()
	}
	if s.endNext {
		s.endNext = false
		return xmlToken{kind: xmlEnd, name: s.endName}, nil
	}
	if s.pos == s.end && !s.more() {
		if s.err == io.EOF {
			return xmlToken{}, io.EOF
		}
		return xmlToken{}, errFallback
	}
	for {
		tok, complete, err := s.scan()
		if err != nil {
			return xmlToken{}, err
		}
		if complete {
			return tok, nil
		}
		if !s.more() {
			if s.buf[s.pos] != '<' && s.err == io.EOF {
				// Text at the very end: encoding/xml gives it as it is.
				return s.textToken(s.end)
			}
			return xmlToken{}, errFallback
		}
	}
}

// prolog returns encoding/xml's tokens until one ends with the decoder
// holding nothing back, after the root element started; the scanner goes
// on from there.
func (s *fastTokens) prolog() (xmlToken, error) {
	tok, err := s.dec.dec.RawToken()
	if err != nil {
		if err == io.EOF {
			return xmlToken{}, io.EOF
		}
		return xmlToken{}, errFallback // encoding/xml, reading from the start, gives the error itself
	}
	t := s.dec.convert(tok)
	switch t.kind {
	case xmlStart:
		selfClosed := s.last2 == [2]byte{'/', '>'} // encoding/xml returns its end next
		if !selfClosed && s.dec.dec.InputOffset() == s.consumed+int64(s.pos) {
			s.dec = nil
		}
	case xmlEnd:
		if s.dec.dec.InputOffset() == s.consumed+int64(s.pos) {
			s.dec = nil
		}
	}
	return t, nil
}

// scan reads the token at buf[pos:end]; complete is false when it needs
// more bytes than are buffered.
func (s *fastTokens) scan() (tok xmlToken, complete bool, err error) {
	b := s.buf[s.pos:s.end]
	if b[0] != '<' {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			return xmlToken{}, false, nil
		}
		tok, err := s.textToken(s.pos + i)
		return tok, true, err
	}
	if len(b) < 2 {
		return xmlToken{}, false, nil
	}
	switch b[1] {
	case '/':
		name, i, ok := scanName(b, 2)
		if i == len(b) {
			return xmlToken{}, false, nil
		}
		if !ok {
			return xmlToken{}, false, errFallback
		}
		i = skipSpace(b, i)
		if i == len(b) {
			return xmlToken{}, false, nil
		}
		if b[i] != '>' {
			return xmlToken{}, false, errFallback
		}
		s.pos += i + 1
		return xmlToken{kind: xmlEnd, name: name}, true, nil
	case '!':
		return s.scanBang(b)
	case '?':
		return xmlToken{}, false, errFallback
	}
	return s.scanStart(b)
}

// scanStart reads a start element at b[0] == '<'. A self-closing element
// gives its end token at the next call.
func (s *fastTokens) scanStart(b []byte) (xmlToken, bool, error) {
	name, i, ok := scanName(b, 1)
	if i == len(b) {
		return xmlToken{}, false, nil
	}
	if !ok {
		return xmlToken{}, false, errFallback
	}
	s.attrs, s.attrText = s.attrs[:0], s.attrText[:0]
	for {
		j := skipSpace(b, i)
		if j+1 >= len(b) {
			return xmlToken{}, false, nil
		}
		switch b[j] {
		case '/':
			if b[j+1] != '>' {
				return xmlToken{}, false, errFallback
			}
			s.pos += j + 2
			s.endNext, s.endName = true, name
			return xmlToken{kind: xmlStart, name: name, attrs: s.attrs}, true, nil
		case '>':
			s.pos += j + 1
			return xmlToken{kind: xmlStart, name: name, attrs: s.attrs}, true, nil
		}
		attr, k, ok := scanName(b, j)
		if k == len(b) {
			return xmlToken{}, false, nil
		}
		if !ok {
			return xmlToken{}, false, errFallback
		}
		k = skipSpace(b, k)
		if k == len(b) {
			return xmlToken{}, false, nil
		}
		if b[k] != '=' {
			return xmlToken{}, false, errFallback
		}
		k = skipSpace(b, k+1)
		if k == len(b) {
			return xmlToken{}, false, nil
		}
		q := b[k]
		if q != '"' && q != '\'' {
			return xmlToken{}, false, errFallback
		}
		e := bytes.IndexByte(b[k+1:], q)
		if e < 0 {
			return xmlToken{}, false, nil
		}
		raw := b[k+1 : k+1+e]
		value := raw
		if simple, ok := checkXMLText(raw, true); !ok {
			return xmlToken{}, false, errFallback
		} else if !simple {
			start := len(s.attrText)
			if s.attrText, ok = decodeXMLText(s.attrText, raw, true); !ok {
				return xmlToken{}, false, errFallback
			}
			value = s.attrText[start:len(s.attrText):len(s.attrText)]
		}
		s.attrs = append(s.attrs, xmlAttr{attr, value})
		i = k + 2 + e
	}
}

// scanBang reads a comment or a CDATA section at b[0:2] == "<!"; a
// directive (<!DOCTYPE …>) falls back.
func (s *fastTokens) scanBang(b []byte) (xmlToken, bool, error) {
	const cdata = "<![CDATA["
	if len(b) < 4 {
		return xmlToken{}, false, nil
	}
	switch {
	case b[2] == '-':
		if b[3] != '-' {
			return xmlToken{}, false, errFallback
		}
		// encoding/xml ends a comment at the first "--", which must be followed by '>'.
		e := bytes.Index(b[4:], []byte("--"))
		if e < 0 || 4+e+2 >= len(b) {
			return xmlToken{}, false, nil
		}
		if b[4+e+2] != '>' {
			return xmlToken{}, false, errFallback
		}
		s.pos += 4 + e + 3
		return xmlToken{kind: xmlOther}, true, nil
	case b[2] == '[':
		if len(b) < len(cdata) {
			return xmlToken{}, false, nil
		}
		if string(b[:len(cdata)]) != cdata {
			return xmlToken{}, false, errFallback
		}
		e := bytes.Index(b[len(cdata):], []byte("]]>"))
		if e < 0 {
			return xmlToken{}, false, nil
		}
		raw := b[len(cdata) : len(cdata)+e]
		text := raw
		if bytes.IndexByte(raw, '\r') >= 0 {
			text = s.text[:0]
			for i := 0; i < len(raw); i++ {
				switch {
				case raw[i] != '\r':
					text = append(text, raw[i])
				case i+1 < len(raw) && raw[i+1] == '\n':
				default:
					text = append(text, '\n')
				}
			}
			s.text = text
		}
		if !validXMLChars(text) {
			return xmlToken{}, false, errFallback
		}
		s.pos += len(cdata) + e + 3
		return xmlToken{kind: xmlText, text: text}, true, nil
	}
	return xmlToken{}, false, errFallback
}

// textToken returns the text in buf[pos:stop], decoded.
func (s *fastTokens) textToken(stop int) (xmlToken, error) {
	raw := s.buf[s.pos:stop]
	s.pos = stop
	simple, ok := checkXMLText(raw, false)
	if !ok {
		return xmlToken{}, errFallback
	}
	if simple {
		return xmlToken{kind: xmlText, text: raw}, nil
	}
	if s.text, ok = decodeXMLText(s.text[:0], raw, false); !ok {
		return xmlToken{}, errFallback
	}
	return xmlToken{kind: xmlText, text: s.text}, nil
}

// Read lets encoding/xml take fastTokens as its reader (it uses ReadByte).
func (s *fastTokens) Read(p []byte) (int, error) {
	if s.pos == s.end && !s.more() {
		return 0, s.err
	}
	n := copy(p, s.buf[s.pos:s.end])
	s.pos += n
	return n, nil
}

// scanName reads an XML name from b[i:]: its local part (after a prefix
// and ':'), interned, and the index after it. When the name reaches the end
// of b, j is len(b) and more input is needed; ok is false for what is not
// an ASCII name encoding/xml accepts.
func scanName(b []byte, i int) (name string, j int, ok bool) {
	if i == len(b) {
		return "", i, true
	}
	if c := b[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':') {
		return "", i, false
	}
	start := i
	for i < len(b) && xmlClass[b[i]]&className != 0 {
		i++
	}
	if i == len(b) {
		return "", i, true
	}
	if b[i] >= utf8.RuneSelf {
		return "", i, false
	}
	full := b[start:i]
	if c := bytes.IndexByte(full, ':'); c >= 0 {
		if bytes.IndexByte(full[c+1:], ':') >= 0 {
			return "", i, false
		}
		if c > 0 && c < len(full)-1 {
			full = full[c+1:]
		}
	}
	return internName(full), i, true
}

// internName returns the names the XLSX readers look at as constants (no
// allocation), and "" for any other.
func internName(b []byte) string {
	switch string(b) {
	case "row":
		return "row"
	case "c":
		return "c"
	case "v":
		return "v"
	case "t":
		return "t"
	case "r":
		return "r"
	case "is":
		return "is"
	case "rPh":
		return "rPh"
	case "si":
		return "si"
	case "sheetData":
		return "sheetData"
	}
	return ""
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

const (
	className = 1 << iota // may be in an XML name
	classText             // stands for itself in text
	classAttr             // stands for itself in an attribute value
)

// xmlClass classifies ASCII bytes; a byte from 0x80 up is none of these.
var xmlClass = func() (t [256]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		b := byte(c)
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == ':' || b == '.' || b == '-' {
			t[c] |= className
		}
		if b >= 0x20 && b != '<' && b != '&' || b == '\t' || b == '\n' {
			t[c] |= classAttr
			if b != '>' {
				t[c] |= classText
			}
		}
	}
	return t
}()
