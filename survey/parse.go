package survey

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// asciiDigits turns Bangla (০–৯), Arabic-Indic (٠–٩) and Extended
// Arabic-Indic (۰–۹) digits into ASCII ones.
func asciiDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '০' && r <= '৯':
			return '0' + r - '০'
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		}
		return r
	}, s)
}

var errNotNumber = errors.New("not a number")

// coordError is a coordinate written in a known notation whose value cannot
// be: minutes or seconds of 60 or more, a latitude marked N or S beyond 90.
// Its text says which part is wrong.
type coordError struct{ reason string }

func (e *coordError) Error() string { return e.reason }

// dmsMarks are the signs people type after degrees, minutes and seconds:
// degree signs (°, the ordinal º, the ring ˚), primes and quotes (', ′, ’,
// ", ″, ”, and two apostrophes for seconds).
var dmsMarks = strings.NewReplacer("°", " ", "º", " ", "˚", " ", "''", " ", "'", " ", "′", " ", "’", " ",
	"\"", " ", "″", " ", "”", " ", "“", " ")

// parseCoord reads one coordinate as people type it: decimal degrees
// ("23.8103", "23,8103" with a decimal comma when it is the only
// separator), or degrees and minutes, with or without seconds, marked with
// ° ' " (or ′ ″) or separated by spaces ("24°03'12.4\"", "24 03 12.4",
// "24° 3.2'"); any digits (Bangla ২৪); a hemisphere letter before or after
// (N and E as they are, S and W negated). Minutes and seconds must be below
// 60, and a value marked N or S must lie within 90 (E or W within 180):
// otherwise the error is a *coordError saying why. Unmarked decimal values
// are not range-checked, so that the geocoder can recognise a latitude and
// longitude written in each other's columns.
func parseCoord(s string) (float64, error) {
	s = strings.TrimSpace(asciiDigits(s))
	sign, limit := 1.0, 0.0
	if n := len(s); n > 1 {
		hemi := byte(0)
		switch {
		case strings.IndexByte("NnSsEeWw", s[n-1]) >= 0:
			hemi, s = s[n-1], s[:n-1]
		case strings.IndexByte("NnSsEeWw", s[0]) >= 0:
			hemi, s = s[0], s[1:]
		}
		switch hemi {
		case 'N', 'n':
			limit = 90
		case 'S', 's':
			sign, limit = -1, 90
		case 'E', 'e':
			limit = 180
		case 'W', 'w':
			sign, limit = -1, 180
		}
		s = strings.TrimSpace(s)
	}
	parts := strings.Fields(dmsMarks.Replace(s))
	var v float64
	switch len(parts) {
	case 1:
		p := parts[0]
		if strings.Count(p, ",") == 1 && !strings.Contains(p, ".") {
			p = strings.Replace(p, ",", ".", 1)
		}
		f, err := number(p)
		if err != nil {
			return 0, err
		}
		v = f
	case 2, 3:
		var err error
		if v, err = dms(parts); err != nil {
			return 0, err
		}
	default:
		return 0, errNotNumber
	}
	if limit > 0 && math.Abs(v) > limit {
		what := "a latitude (N or S)"
		if limit == 180 {
			what = "a longitude (E or W)"
		}
		return 0, &coordError{fmt.Sprintf("%s is at most %g degrees", what, limit)}
	}
	return sign * v, nil
}

// number parses one decimal number, refusing the forms strconv accepts but
// people do not type (hex, underscores, NaN, infinities).
func number(p string) (float64, error) {
	f, err := strconv.ParseFloat(p, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || p == "" || strings.ContainsAny(p, "xXpP_") {
		return 0, errNotNumber
	}
	return f, nil
}

// dms adds up degrees, minutes and (perhaps) seconds: whole degrees and
// minutes when a finer part follows, each finer part non-negative and below
// 60, and a decimal comma allowed in each.
func dms(parts []string) (float64, error) {
	names := [...]string{"degrees", "minutes", "seconds"}
	var v float64
	neg := false
	for i, p := range parts {
		if strings.Count(p, ",") == 1 && !strings.Contains(p, ".") {
			p = strings.Replace(p, ",", ".", 1)
		}
		f, err := number(p)
		if err != nil {
			return 0, errNotNumber
		}
		if i > 0 && (f < 0 || f >= 60 || strings.HasPrefix(p, "-") || strings.HasPrefix(p, "+")) {
			return 0, &coordError{fmt.Sprintf("%s %s must be from 0 to below 60", names[i], p)}
		}
		if i < len(parts)-1 && f != math.Trunc(f) {
			return 0, &coordError{fmt.Sprintf("%s %s must be whole when %s follow", names[i], p, names[i+1])}
		}
		if i == 0 && math.Abs(f) > 180 {
			return 0, &coordError{fmt.Sprintf("degrees %s are more than 180", p)}
		}
		v += math.Abs(f) / math.Pow(60, float64(i))
		neg = neg || i == 0 && strings.HasPrefix(p, "-")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// splitGPS splits combined GPS text into its coordinate parts: "lat lon
// alt acc" (ODK/Kobo geopoint), "[lat, lon]" (Kobo _geolocation), "lat,lon"
// or "lat;lon". It returns nil for text that holds no point at all ("",
// "[null, null]", "[None, None]").
func splitGPS(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "("), ")"))
	var parts []string
	switch {
	case strings.Contains(s, ";"):
		parts = strings.Split(s, ";")
	case strings.ContainsAny(s, " \t"):
		parts = strings.Fields(s)
	default:
		parts = strings.Split(s, ",")
	}
	out := parts[:0]
	empty := true
	for _, p := range parts {
		p = strings.TrimSpace(strings.Trim(p, ","))
		if p == "" {
			continue
		}
		switch strings.ToLower(p) {
		case "null", "none", "nan":
		default:
			empty = false
		}
		out = append(out, p)
	}
	if empty {
		return nil
	}
	return out
}

// parseCount reads a number of people: a non-negative whole number in any
// digits; "3.0" (a spreadsheet number) is 3. Blank is ok=false, err=nil.
func parseCount(s string) (n int, ok bool, err error) {
	s = strings.TrimSpace(asciiDigits(s))
	if s == "" {
		return 0, false, nil
	}
	if i, err := strconv.Atoi(s); err == nil {
		if i < 0 {
			return 0, false, errNotNumber
		}
		return i, true, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 || strings.ContainsAny(s, "xXpP_") {
		return 0, false, errNotNumber
	}
	return int(f), true, nil
}

// parseBool reads yes/no answers in English and Bangla. Blank is
// ok=false, err=nil.
func parseBool(s string) (v, ok bool, err error) {
	switch strings.ToLower(strings.TrimSpace(asciiDigits(s))) {
	case "":
		return false, false, nil
	case "yes", "y", "true", "t", "1", "হ্যাঁ", "হ্যা", "হাঁ", "হা":
		return true, true, nil
	case "no", "n", "false", "f", "0", "না":
		return false, true, nil
	}
	return false, false, errNotNumber
}

// normalGender maps an owner's gender to "female", "male", "other" or "".
func normalGender(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return ""
	case "female", "f", "woman", "women", "girl", "নারী", "মহিলা", "মেয়ে":
		return "female"
	case "male", "m", "man", "men", "boy", "পুরুষ", "ছেলে":
		return "male"
	}
	return "other"
}

// splitList splits a multiple-choice answer into its items. Items are
// separated by ';', '|' or ',' when any of these is present. Otherwise the
// text is split on spaces only when it looks like a KoboToolbox/ODK
// select_multiple value: every word is a lower-case slug (letters, digits,
// '_', '-', '.') and at least one word has an '_' or a digit, as choice
// names do ("high_cost no_market"); plain words ("high cost") stay one item.
// Items are trimmed; empty ones are dropped.
func splitList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var parts []string
	if strings.ContainsAny(s, ";|,") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ',' })
	} else if words := strings.Fields(s); len(words) > 1 && kobo(words) {
		parts = words
	} else {
		return []string{s}
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func kobo(words []string) bool {
	marked := false
	for _, w := range words {
		if !isSlug(w) {
			return false
		}
		if strings.IndexFunc(w, func(r rune) bool { return r == '_' || unicode.IsDigit(r) }) >= 0 {
			marked = true
		}
	}
	return marked
}

// isSlug reports whether w is a lower-case choice name: [a-z0-9][a-z0-9_.-]*.
func isSlug(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '_' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return w != ""
}

// foldKey folds case, Unicode form, punctuation and spacing for lookups.
func foldKey(s string) string {
	return strings.ReplaceAll(headerKey(s), "_", "")
}
