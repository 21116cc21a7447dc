package stats

import (
	"bytes"
	"math"
	"testing"

	"github.com/guccho/guccho"
)

// checkInvalid fails unless err has the code EINVALID.
func checkInvalid(t *testing.T, err error) {
	t.Helper()
	if code := guccho.ErrorCode(err); code != guccho.EINVALID {
		t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
	}
}

// checkWeights checks what Weights promises: one row per unique id, offsets
// that cover the neighbours, each row's neighbours in range, sorted, once
// each and never the observation itself (the diagonal is empty), and finite
// weights.
func checkWeights(t *testing.T, w *Weights) {
	t.Helper()
	n := w.N()
	if len(w.Offsets) != n+1 || w.Offsets[0] != 0 || w.Offsets[n] != len(w.Neighbors) || len(w.Values) != len(w.Neighbors) {
		t.Fatalf("%d ids, offsets %v, %d neighbours, %d values", n, w.Offsets, len(w.Neighbors), len(w.Values))
	}
	seen := map[string]bool{}
	for i, id := range w.IDs {
		if seen[id] {
			t.Fatalf("id %q appears twice", id)
		}
		seen[id] = true
		if w.Offsets[i+1] < w.Offsets[i] {
			t.Fatalf("offsets %v decrease at %d", w.Offsets, i)
		}
		js, vs := w.Row(i)
		for k, j := range js {
			if j < 0 || j >= n || j == i || (k > 0 && j <= js[k-1]) {
				t.Fatalf("row %d (%q) lists the neighbours %v", i, id, js)
			}
			if math.IsNaN(vs[k]) || math.IsInf(vs[k], 0) {
				t.Fatalf("row %d (%q) has the weight %g", i, id, vs[k])
			}
		}
	}
}

// FuzzReadGAL checks GAL files: anything is either refused with EINVALID or
// gives as many observations as the header announces, with binary weights
// that keep Weights' promises (checkWeights).
func FuzzReadGAL(f *testing.F) {
	f.Add([]byte("3\na 1\nb\nb 2\na c\nc 1\nb\n"))
	f.Add([]byte("0 2 units id\nx 0\n\ny 0\n"))
	f.Add([]byte("2\na 1\na\nb 0\n"))
	f.Add([]byte("99999999999\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ReadGAL(bytes.NewReader(b))
		if err != nil {
			checkInvalid(t, err)
			return
		}
		checkWeights(t, w)
		n, err := galHeader(string(bytes.TrimSpace(bytes.SplitN(b, []byte("\n"), 2)[0])))
		if err != nil || n != w.N() {
			t.Fatalf("the header announces %d observations (%v), read %d", n, err, w.N())
		}
		for _, v := range w.Values {
			if v != 1 {
				t.Fatalf("a GAL weight of %g, want 1", v)
			}
		}
	})
}

// FuzzReadGWT checks GWT files: anything is either refused with EINVALID or
// gives weights that keep Weights' promises (checkWeights), finite included.
func FuzzReadGWT(f *testing.F) {
	f.Add([]byte("0 3 units id\na b 1\nb a 1\nb c 0.5\nc b 2\n"))
	f.Add([]byte("2\na b 1e3\n"))
	f.Add([]byte("0 2 units id\na b NaN\n"))
	f.Add([]byte("0 1 units id\na a 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ReadGWT(bytes.NewReader(b))
		if err != nil {
			checkInvalid(t, err)
			return
		}
		checkWeights(t, w)
	})
}

// checkTable checks what Table promises: every row has one cell per column,
// Column finds every column by its name, and Floats either refuses a column
// with EINVALID or returns one finite number per row.
func checkTable(t *testing.T, tab *Table, err error) {
	t.Helper()
	if err != nil {
		checkInvalid(t, err)
		return
	}
	for i, r := range tab.Rows {
		if len(r) != len(tab.Columns) {
			t.Fatalf("row %d has %d cells for %d columns", i+1, len(r), len(tab.Columns))
		}
	}
	for _, name := range tab.Columns {
		c, err := tab.Column(name)
		if err != nil || tab.Columns[c] != name {
			t.Fatalf("Column(%q) = %d, %v", name, c, err)
		}
		xs, err := tab.Floats(name)
		if err != nil {
			checkInvalid(t, err)
			continue
		}
		if len(xs) != len(tab.Rows) {
			t.Fatalf("Floats(%q) gives %d numbers for %d rows", name, len(xs), len(tab.Rows))
		}
		for i, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("Floats(%q) row %d = %g", name, i+1, x)
			}
		}
	}
}

// FuzzReadCSV checks the CSV tables of the stats command (see checkTable).
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("\ufeffid,crime,income\n1,15.7,19.5\n2,18.8,21.2\n"))
	f.Add([]byte("a,b\n1\n"))
	f.Add([]byte("x\nNaN\nInf\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadCSV(bytes.NewReader(b))
		checkTable(t, tab, err)
	})
}

// FuzzReadDBF checks dBASE tables (see checkTable).
func FuzzReadDBF(f *testing.F) {
	f.Add(dbf([][2]string{{"Dhaka", "12"}, {"*Gone", "3"}, {"Khulna", "-4.5"}}))
	f.Add(dbf(nil))
	f.Add(dbf([][2]string{{"x", "NaN"}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadDBF(bytes.NewReader(b))
		checkTable(t, tab, err)
	})
}
