package survey

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// atoi is strconv.Atoi of b, without allocating for plain digits.
func atoi(b []byte) (int, error) {
	if len(b) > 0 && len(b) < 10 {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return strconv.Atoi(string(b))
			}
			n = n*10 + int(c-'0')
		}
		return n, nil
	}
	return strconv.Atoi(string(b))
}

// cellKind is a cell's t attribute, as far as reading its value goes.
type cellKind uint8

const (
	cellNumber cellKind = iota // no t, or t="n"
	cellShared                 // t="s"
	cellInline                 // t="inlineStr"
	cellBool                   // t="b"
	cellRaw                    // str (formula text), e (error), d (ISO date), anything else
)

func cellKindOf(t []byte) cellKind {
	switch string(t) {
	case "", "n":
		return cellNumber
	case "s":
		return cellShared
	case "inlineStr":
		return cellInline
	case "b":
		return cellBool
	}
	return cellRaw
}

// cellText renders a cell value as Excel shows it, short of number formats.
func (x *xlsxReader) cellText(typ cellKind, raw []byte) (string, error) {
	switch typ {
	case cellShared:
		i, err := atoi(bytes.TrimSpace(raw))
		if err != nil || i < 0 || i >= len(x.strings) {
			return "", fmt.Errorf("shared string %q does not exist", raw)
		}
		return x.strings[i], nil
	case cellInline:
		return unescapeExcel(string(raw)), nil
	case cellBool:
		switch string(bytes.TrimSpace(raw)) {
		case "1":
			return "TRUE", nil
		case "0":
			return "FALSE", nil
		}
		return string(raw), nil
	case cellNumber:
		return formatNumber(string(raw)), nil
	default:
		return string(raw), nil
	}
}

// formatNumber writes a stored number as a plain decimal with at most the 15
// significant digits Excel displays; text that is not a number is kept.
func formatNumber(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= 15 && isDigits(s) {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// columnIndex returns the 0-based column of a cell reference such as "AB12".
func columnIndex[T string | []byte](ref T) (int, bool) {
	col, n := 0, 0
	for n < len(ref) {
		c := ref[n]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		n++
	}
	if n == 0 || n > 3 {
		return 0, false
	}
	return col - 1, true
}

// columnName returns the letters of a 0-based column: 0 → "A", 27 → "AB".
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
