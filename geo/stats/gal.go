package stats

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/guccho/guccho"
)

// ReadGAL reads a GAL file (GeoDa/PySAL binary contiguity weights): a
// header line "n" or "0 n name keyvar", then for each observation a line
// "id k" followed by a line of its k neighbour ids. Observation order is
// the order of the records. Every neighbour must itself have a record.
// Malformed files return EINVALID errors naming the line.
func ReadGAL(r io.Reader) (*Weights, error) {
	lines := newLineReader(r)
	head, ok := lines.next()
	if !ok {
		return nil, guccho.Errorf(guccho.EINVALID, "GAL: empty file")
	}
	n, err := galHeader(head)
	if err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "GAL line %d: %s", lines.n, err)
	}
	// The header is not trusted for memory: the slices grow with the records.
	ids := make([]string, 0, min(n, 4096))
	nbIDs := make([][]string, 0, min(n, 4096))
	for len(ids) < n {
		rec, ok := lines.next()
		if !ok {
			return nil, guccho.Errorf(guccho.EINVALID, "GAL: header says %d observations, file ends after %d", n, len(ids))
		}
		f := strings.Fields(rec)
		if len(f) != 2 {
			return nil, guccho.Errorf(guccho.EINVALID, "GAL line %d: want \"id count\", got %q", lines.n, rec)
		}
		k, err := strconv.Atoi(f[1])
		if err != nil || k < 0 {
			return nil, guccho.Errorf(guccho.EINVALID, "GAL line %d: bad neighbour count %q", lines.n, f[1])
		}
		var nb []string
		if k > 0 {
			rec, ok = lines.next()
			if !ok {
				return nil, guccho.Errorf(guccho.EINVALID, "GAL: file ends before the neighbours of %q", f[0])
			}
			nb = strings.Fields(rec)
		} else if rec, ok := lines.peek(); ok && len(strings.Fields(rec)) == 0 {
			lines.next() // an empty neighbour line after a zero count
		}
		if len(nb) != k {
			return nil, guccho.Errorf(guccho.EINVALID, "GAL line %d: %q should have %d neighbours, lists %d", lines.n, f[0], k, len(nb))
		}
		ids = append(ids, f[0])
		nbIDs = append(nbIDs, nb)
	}
	return weightsFromIDs(ids, nbIDs, nil, "GAL")
}

// galHeader parses "n" or "0 n name keyvar".
func galHeader(s string) (int, error) {
	f := strings.Fields(s)
	var ns string
	switch len(f) {
	case 1:
		ns = f[0]
	case 4:
		ns = f[1]
	default:
		return 0, fmt.Errorf("want header \"n\" or \"0 n name keyvar\", got %q", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad observation count %q", ns)
	}
	return n, nil
}

func weightsFromIDs(ids []string, nbIDs [][]string, vals [][]float64, format string) (*Weights, error) {
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := index[id]; dup {
			return nil, guccho.Errorf(guccho.EINVALID, "%s: id %q appears twice", format, id)
		}
		index[id] = i
	}
	nbs := make([][]int, len(ids))
	for i, list := range nbIDs {
		for _, id := range list {
			j, ok := index[id]
			if !ok {
				return nil, guccho.Errorf(guccho.EINVALID, "%s: neighbour %q of %q has no record", format, id, ids[i])
			}
			nbs[i] = append(nbs[i], j)
		}
	}
	return NewWeights(ids, nbs, vals)
}

// WriteGAL writes w as a GAL file with the header "0 n name keyvar" when
// name and keyvar are given, else "n". Weights' values are not written.
func WriteGAL(out io.Writer, w *Weights, name, keyvar string) error {
	bw := bufio.NewWriter(out)
	if name != "" && keyvar != "" {
		fmt.Fprintf(bw, "0 %d %s %s\n", w.N(), name, keyvar)
	} else {
		fmt.Fprintf(bw, "%d\n", w.N())
	}
	for i, id := range w.IDs {
		js, _ := w.Row(i)
		fmt.Fprintf(bw, "%s %d\n", id, len(js))
		for k, j := range js {
			if k > 0 {
				bw.WriteByte(' ')
			}
			bw.WriteString(w.IDs[j])
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ReadGWT reads a GWT file (weights with values): a header "0 n name
// keyvar" (or "n"), then one line "from to weight" per pair; a weight
// must be a finite number. Observation
// order is the order in which ids first appear as "from"; ids that appear
// only as "to" follow in order of appearance. Ids listed in order (for
// islands) cannot be expressed in GWT, so prefer GAL when islands matter.
func ReadGWT(r io.Reader) (*Weights, error) {
	lines := newLineReader(r)
	head, ok := lines.next()
	if !ok {
		return nil, guccho.Errorf(guccho.EINVALID, "GWT: empty file")
	}
	if _, err := galHeader(head); err != nil {
		return nil, guccho.Errorf(guccho.EINVALID, "GWT line 1: %s", err)
	}
	var ids []string
	index := map[string]int{}
	var nbs [][]string
	var vals [][]float64
	add := func(id string) int {
		i, ok := index[id]
		if !ok {
			i = len(ids)
			index[id] = i
			ids = append(ids, id)
			nbs = append(nbs, nil)
			vals = append(vals, nil)
		}
		return i
	}
	for {
		rec, ok := lines.next()
		if !ok {
			break
		}
		f := strings.Fields(rec)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, guccho.Errorf(guccho.EINVALID, "GWT line %d: want \"from to weight\", got %q", lines.n, rec)
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, guccho.Errorf(guccho.EINVALID, "GWT line %d: bad weight %q (want a finite number)", lines.n, f[2])
		}
		i := add(f[0])
		nbs[i] = append(nbs[i], f[1])
		vals[i] = append(vals[i], v)
	}
	for _, list := range nbs {
		for _, id := range list {
			add(id)
		}
	}
	return weightsFromIDs(ids, nbs, vals, "GWT")
}

// WriteGWT writes w as a GWT file with header "0 n name keyvar" and one
// line per pair with the weight's value.
func WriteGWT(out io.Writer, w *Weights, name, keyvar string) error {
	bw := bufio.NewWriter(out)
	if name == "" {
		name = "unknown"
	}
	if keyvar == "" {
		keyvar = "id"
	}
	fmt.Fprintf(bw, "0 %d %s %s\n", w.N(), name, keyvar)
	for i, id := range w.IDs {
		js, vs := w.Row(i)
		for k, j := range js {
			fmt.Fprintf(bw, "%s %s %s\n", id, w.IDs[j], strconv.FormatFloat(vs[k], 'g', -1, 64))
		}
	}
	return bw.Flush()
}

// lineReader reads trimmed lines and counts them for error messages.
type lineReader struct {
	sc     *bufio.Scanner
	n      int
	peeked *string
}

func newLineReader(r io.Reader) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	return &lineReader{sc: sc}
}

func (l *lineReader) next() (string, bool) {
	if l.peeked != nil {
		s := *l.peeked
		l.peeked = nil
		l.n++
		return s, true
	}
	if !l.sc.Scan() {
		return "", false
	}
	l.n++
	return strings.TrimSpace(l.sc.Text()), true
}

func (l *lineReader) peek() (string, bool) {
	if l.peeked != nil {
		return *l.peeked, true
	}
	if !l.sc.Scan() {
		return "", false
	}
	s := strings.TrimSpace(l.sc.Text())
	l.peeked = &s
	return s, true
}
