package survey

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// surveyLines generates a CSV survey of n rows on the fly: the file is
// never held in memory, so the test measures the reader, not the input.
type surveyLines struct {
	n, i int
	buf  bytes.Buffer
}

func (s *surveyLines) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) {
		switch {
		case s.i == 0:
			s.buf.WriteString("enterprise_id,enterprise_name,sector,district,upazila,latitude,longitude,self_employment,wage_workers,owner_gender,barriers,phone\n")
		case s.i <= s.n:
			fmt.Fprintf(&s.buf, "E%07d,\"Enterprise %d, Bhairab\",footwear,Kishoreganj,Bhairab,%.5f,%.5f,%d,%d,female,high_cost no_market,0171%07d\n",
				s.i, s.i, 24.0+float64(s.i%1000)/1e4, 90.9+float64(s.i%997)/1e4, s.i%3+1, s.i%7, s.i)
		default:
			if s.buf.Len() == 0 {
				return 0, io.EOF
			}
			return s.buf.Read(p)
		}
		s.i++
	}
	return s.buf.Read(p)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestCSVStreamsInBoundedMemory reads and converts 200,000 generated rows
// and checks that the heap in use does not grow with them. The bound is a
// memory bound, generous on purpose (the rows themselves would need well
// over 100 MB if they were kept).
func TestCSVStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200,000 rows")
	}
	const rows, bound = 200_000, 20 << 20
	c := converter(t, "enterprise_id", "enterprise_name", "sector", "district", "upazila", "latitude", "longitude",
		"self_employment", "wage_workers", "owner_gender", "barriers", "phone")

	before := heapInUse()
	rd, err := NewCSVReader(&surveyLines{n: rows}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var peak uint64
	n := 0
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		e, errs := c.Convert(row)
		if e == nil || len(errs) > 0 {
			t.Fatalf("row %d: %v", row.Number, errs)
		}
		if n++; n%20_000 == 0 {
			peak = max(peak, heapInUse())
		}
	}
	if n != rows {
		t.Fatalf("read %d rows, want %d", n, rows)
	}
	growth := int64(peak) - int64(before)
	t.Logf("heap in use: %.1f MB before, %.1f MB at the peak of %d samples (growth %.1f MB, bound %d MB)",
		float64(before)/(1<<20), float64(peak)/(1<<20), rows/20_000, float64(growth)/(1<<20), bound>>20)
	if growth > bound {
		t.Errorf("heap in use grew by %.1f MB while reading %d rows, want under %d MB: the reader keeps rows",
			float64(growth)/(1<<20), rows, bound>>20)
	}
}
