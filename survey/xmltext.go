package survey

import (
	"bytes"
	"unicode/utf8"
)

// checkXMLText reports whether raw (text, or an attribute value when attr)
// is its own decoding (simple) and, when it is not, whether it can still be
// decoded (ok); ok is false for bytes encoding/xml refuses.
func checkXMLText(raw []byte, attr bool) (simple, ok bool) {
	class := uint8(classText)
	if attr {
		class = classAttr
	}
	simple = true
	for i := 0; i < len(raw); {
		c := raw[i]
		if xmlClass[c]&class != 0 {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '&', '\r', '>':
				simple = false
				i++
				continue
			}
			return false, false // '<' or a control character
		}
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n == 1 || !inXMLRange(r) {
			return false, false
		}
		i += n
	}
	return simple, true
}

// decodeXMLText appends the decoding of raw to dst as encoding/xml decodes
// text (attr false) or a quoted attribute value: entities replaced, \r\n and
// \r made \n. ok is false for anything encoding/xml refuses.
func decodeXMLText(dst, raw []byte, attr bool) ([]byte, bool) {
	brackets := 0 // raw ']' just before, for "]]>"
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '&':
			r, n, ok := xmlEntity(raw[i:])
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			i += n
			brackets = 0
			continue
		case c == '\r':
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			brackets = 0
			continue
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 || !inXMLRange(r) {
				return dst, false
			}
			dst = append(dst, raw[i:i+n]...)
			i += n
			brackets = 0
			continue
		case c == '>':
			if !attr && brackets >= 2 {
				return dst, false // "]]>" outside CDATA
			}
			brackets = 0
		case c == ']':
			brackets++
		case c == '<' || c < 0x20 && c != '\t' && c != '\n':
			return dst, false
		default:
			brackets = 0
		}
		dst = append(dst, c)
		i++
	}
	return dst, true
}

// xmlEntity decodes the reference at b[0] == '&' as encoding/xml does: the
// five named entities and &#…; / &#x…; up to U+10FFFF (a surrogate becomes
// U+FFFD). ok is false for anything else, or a character outside the XML
// range.
func xmlEntity(b []byte) (r rune, n int, ok bool) {
	if len(b) > 1 && b[1] == '#' {
		i, base := 2, rune(10)
		if i < len(b) && b[i] == 'x' {
			i, base = 3, 16
		}
		start := i
		for ; i < len(b); i++ {
			var d rune
			switch c := b[i]; {
			case '0' <= c && c <= '9':
				d = rune(c - '0')
			case base == 16 && 'a' <= c && c <= 'f':
				d = rune(c-'a') + 10
			case base == 16 && 'A' <= c && c <= 'F':
				d = rune(c-'A') + 10
			default:
				d = -1
			}
			if d < 0 {
				break
			}
			if r = r*base + d; r > utf8.MaxRune {
				return 0, 0, false
			}
		}
		if i == start || i == len(b) || b[i] != ';' {
			return 0, 0, false
		}
		if 0xD800 <= r && r <= 0xDFFF {
			r = utf8.RuneError // string(rune(r)) in encoding/xml
		}
		return r, i + 1, inXMLRange(r)
	}
	end := bytes.IndexByte(b[:min(len(b), 6)], ';')
	if end < 0 {
		return 0, 0, false
	}
	switch string(b[1:end]) {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "apos":
		return '\'', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	return 0, 0, false
}

// validXMLChars reports whether b is UTF-8 within the XML character range.
func validXMLChars(b []byte) bool {
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || !inXMLRange(r) {
			return false
		}
		i += n
	}
	return true
}

// inXMLRange is encoding/xml's XML character range.
func inXMLRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
