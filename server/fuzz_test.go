package server

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/live"
)

// FuzzParseSubscribe checks websocket client messages: anything is either
// refused with EINVALID (EFORBIDDEN for a present message without editor
// rights) or gives a subscription with a topic, a finite bbox when one is
// set, and no imports topic without editor rights, or a presenter's
// position that validates.
func FuzzParseSubscribe(f *testing.F) {
	f.Add([]byte(`{"type":"subscribe","topics":["enterprises"],"bbox":[90,22,91,23],"sectors":["dairy"],"last_event_id":7}`), false)
	f.Add([]byte(`{"type":"subscribe","topics":["imports","admin"]}`), true)
	f.Add([]byte(`{"type":"subscribe","topics":["enterprises"],"bbox":[1e400,0,0,0]}`), false)
	f.Add([]byte(`{"type":"subscribe","topics":["presentations"],"deck":"d1","follow":true}`), false)
	f.Add([]byte(`{"type":"present","deck":"d1","slide":1,"state":{"v":1,"view":"explore","params":{"z":"7"}}}`), true)
	f.Fuzz(func(t *testing.T, b []byte, editor bool) {
		sub, err := parseMessage(b, editor)
		if err != nil {
			code := guccho.ErrorCode(err)
			if code != guccho.EINVALID && !(code == guccho.EFORBIDDEN && !editor) {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			return
		}
		if sub.present != nil {
			if !editor || sub.present.Validate() != nil {
				t.Fatalf("accepted the position %+v (editor %v)", *sub.present, editor)
			}
			return
		}
		if sub.follow && (sub.filter.Deck == "" || len(sub.filter.Topics) != 1) {
			t.Fatalf("accepted following %+v", sub)
		}
		if len(sub.filter.Topics) == 0 || sub.lastEventID < 0 {
			t.Fatalf("accepted %+v", sub)
		}
		for _, topic := range sub.filter.Topics {
			if topic == live.TopicImports && !editor {
				t.Fatalf("the imports topic was granted without editor rights: %s", b)
			}
		}
		if bb := sub.filter.Bound; bb != nil && !finite(bb[:]...) {
			t.Fatalf("accepted the bbox %v", *bb)
		}
	})
}

// FuzzEnterpriseQuery checks the query parameters of GET /api/enterprises:
// anything is either refused with EINVALID or gives a filter that every
// store accepts (guccho.EnterpriseFilter.Validate) with a finite lon/lat
// bbox and each sector and method once.
func FuzzEnterpriseQuery(f *testing.F) {
	f.Add("sector=dairy,footwear&admin=BD1004&bbox=90,22,91,23&method=gps,union&import=imp-1&after=17")
	f.Add("bbox=NaN,22,91,23")
	f.Add("method=gps,gps,gps&sector=Dairy,dairy")
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		f.Fatal(err)
	}
	s := &Server{cfg: Config{Sectors: sectors}}
	f.Fuzz(func(t *testing.T, query string) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/api/enterprises", RawQuery: query}}
		flt, err := s.enterpriseFilter(r)
		if err != nil {
			if code := guccho.ErrorCode(err); code != guccho.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, guccho.EINVALID)
			}
			return
		}
		if err := flt.Validate(); err != nil {
			t.Fatalf("the filter of %q fails in a store: %v", query, err)
		}
		if b := flt.Bound; b != nil && (!finite(b.Min[0], b.Min[1], b.Max[0], b.Max[1]) || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90) {
			t.Fatalf("the bbox of %q is %v", query, *b)
		}
		for _, list := range [][]string{flt.Sectors, flt.Methods} {
			seen := map[string]bool{}
			for _, v := range list {
				if seen[v] {
					t.Fatalf("%q gives %q twice in %q", query, v, list)
				}
				seen[v] = true
			}
		}
	})
}
