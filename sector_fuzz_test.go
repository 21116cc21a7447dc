package guccho_test

import (
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
)

// FuzzParseSectors checks that any catalogue either parses into sectors
// every one of which Lookup finds by its code, or is refused with EINVALID.
func FuzzParseSectors(f *testing.F) {
	f.Add(data.SectorsJSON)
	f.Add([]byte(`{"sectors":[{"code":"dairy","name_en":"Dairy","aliases":["milk","দুগ্ধ"],"sub_sectors":[{"code":"ghee"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := guccho.ParseSectors(b)
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			return
		}
		for _, sec := range s.All() {
			if got, ok := s.Lookup(sec.Code); !ok || got.Code != sec.Code {
				t.Fatalf("Lookup(%q) = %v, %v", sec.Code, got.Code, ok)
			}
		}
	})
}
