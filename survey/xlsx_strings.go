package survey

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readSharedStrings reads xl/sharedStrings.xml: each <si> is the text of its
// <t> elements (rich-text runs joined), without phonetic guides (<rPh>).
// With fast, the fast scanner reads it, and encoding/xml reads it again
// when the scanner gives up.
func readSharedStrings(f *zip.File, fast bool) ([]string, error) {
	rc, err := openPart(f, true)
	if err != nil {
		return nil, err
	}
	out, err := sharedStrings(newTokens(rc, fast))
	rc.Close()
	if err != errFallback {
		return out, err
	}
	return readSharedStrings(f, false)
}

func sharedStrings(tokens xmlTokens) ([]string, error) {
	var (
		out                []string
		buf                []byte
		inText, inPhonetic bool
	)
	for {
		tok, err := tokens.next()
		if err == io.EOF {
			return out, nil
		}
		if err == errFallback {
			return nil, err
		}
		if err != nil {
			return nil, errXLSX(err)
		}
		switch tok.kind {
		case xmlStart:
			switch tok.name {
			case "si":
				buf = buf[:0]
			case "t":
				inText = true
			case "rPh":
				inPhonetic = true
			}
		case xmlText:
			if inText && !inPhonetic {
				if len(buf)+len(tok.text) > MaxCellBytes {
					return nil, errCellTooLong(fmt.Sprintf("shared string %d", len(out)))
				}
				buf = append(buf, tok.text...)
			}
		case xmlEnd:
			switch tok.name {
			case "t":
				inText = false
			case "rPh":
				inPhonetic = false
			case "si":
				out = append(out, unescapeExcel(string(buf)))
			}
		}
	}
}

// unescapeExcel decodes Excel's _xHHHH_ escapes for control characters.
func unescapeExcel(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(n))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
