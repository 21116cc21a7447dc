package survey

import (
	"bytes"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/geo"
)

// FuzzReadCentres checks centres files read as CSV: anything is either
// refused with EINVALID, or reported row by row (row errors and no
// centres), or gives centres that every store accepts (guccho.Centre's
// Validate), each with its own id, a point in Bangladesh's box and a sector
// that is a catalogue code or empty.
func FuzzReadCentres(f *testing.F) {
	f.Add([]byte("id,name,name_bn,sector,services,operator,lon,lat\nbhairab,Bhairab Footwear CSC,ভৈরব,footwear,machines; training,SEP,90.98,24.05\n"))
	f.Add([]byte("Name;Longitude;Latitude;Phone\nBogura CSC;89.37;24.85;0170\nBogura CSC;89.37;24.85;0171\n"))
	f.Add([]byte("name,lon,lat\nSwapped,24.05,90.98\n,90,24\nX,NaN,24\n"))
	sectors := sectors(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewCSVReader(bytes.NewReader(b), Options{})
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			return
		}
		cs, rowErrs, err := ReadCentres(rd, sectors)
		switch {
		case err != nil:
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			if cs != nil || rowErrs != nil {
				t.Fatalf("an error with %d centres and %d row errors", len(cs), len(rowErrs))
			}
			return
		case rowErrs != nil:
			if cs != nil {
				t.Fatalf("%d centres came back with %d row errors", len(cs), len(rowErrs))
			}
			for _, e := range rowErrs {
				if e.Row < 1 || e.Reason == "" {
					t.Fatalf("the row error %+v names no row or reason", e)
				}
			}
			return
		}
		if err := guccho.ValidateCentres(cs); err != nil {
			t.Fatalf("a store refuses the centres read: %v", err)
		}
		for _, c := range cs {
			if !geo.Extent.Contains(c.Point) {
				t.Fatalf("centre %q lies at %v, outside Bangladesh's box", c.ID, c.Point)
			}
			if c.Sector != "" {
				if s, ok := sectors.Lookup(c.Sector); !ok || s.Code != c.Sector {
					t.Fatalf("centre %q has the sector %q, not a catalogue code", c.ID, c.Sector)
				}
			}
		}
	})
}
