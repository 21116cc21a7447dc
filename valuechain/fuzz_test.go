package valuechain_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/valuechain"
)

// FuzzRead checks the reading of a chain's actors and links files (CSV or
// a JSON array): anything is either refused with EINVALID — with a BadRows
// cause whose rows name a file given, a row from 1 and a reason, actors
// file first and in row order — or gives a Graph in which Check finds no
// problem.
func FuzzRead(f *testing.F) {
	for _, pair := range [][2]string{{"bhairab_actors.csv", "bhairab_links.csv"}} {
		a, err := os.ReadFile("testdata/" + pair[0])
		if err != nil {
			f.Fatal(err)
		}
		l, err := os.ReadFile("testdata/" + pair[1])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(a, l)
	}
	f.Add([]byte(`[{"id": "p", "role": "producer"}, {"id": "r", "role": "Retailer"}]`),
		[]byte(`[{"from": "p", "to": "r", "flow": "goods", "volume": 12, "unit": "pairs", "value": "1,200"}]`))
	f.Add([]byte("id,role\np,producer\np,retailer\n"), []byte("from,to,flow,volume\np,p,goods,NaN\n"))
	const actorsName, linksName = "actors.csv", "links.csv"
	f.Fuzz(func(t *testing.T, actors, links []byte) {
		g, err := valuechain.Read(
			valuechain.File{Name: actorsName, R: bytes.NewReader(actors), Size: int64(len(actors))},
			valuechain.File{Name: linksName, R: bytes.NewReader(links), Size: int64(len(links))})
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			var bad valuechain.BadRows
			if !errors.As(err, &bad) {
				return
			}
			if len(bad) == 0 {
				t.Fatalf("%v: an empty list of bad rows", err)
			}
			for i, r := range bad {
				if (r.File != actorsName && r.File != linksName) || r.Row < 1 || r.Reason == "" {
					t.Fatalf("bad row %d is %+v", i, r)
				}
				if i > 0 {
					prev := bad[i-1]
					if (prev.File == linksName && r.File == actorsName) || (prev.File == r.File && prev.Row > r.Row) {
						t.Fatalf("bad rows out of order: %+v before %+v", prev, r)
					}
				}
			}
			return
		}
		if ps := valuechain.Check(g.Actors(), g.Links()); len(ps) > 0 {
			t.Fatalf("the graph read has problems: %+v", ps)
		}
	})
}
