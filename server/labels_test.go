package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math"
	"testing"

	"github.com/guccho/guccho/internal/bdtest"
)

type labelsAnswer struct {
	Version string
	Level   string
	Labels  []struct {
		PCode   string     `json:"pcode"`
		Level   string     `json:"level"`
		NameEN  string     `json:"name_en"`
		NameBN  string     `json:"name_bn"`
		Point   [2]float64 `json:"point"`
		RoomKM  float64    `json:"room_km"`
		AreaKM2 float64    `json:"area_km2"`
		Rank    int        `json:"rank"`
	}
}

func TestLabels(t *testing.T) {
	ts, st := newServer(t, nil)

	t.Run("a level's labels, inside their units, best rank first", func(t *testing.T) {
		var a labelsAnswer
		r := get(t, ts.URL+"/api/labels?level=district")
		if r.status != 200 {
			t.Fatalf("status = %d, want 200 (%s)", r.status, r.body)
		}
		decode(t, r, &a)
		if a.Level != "district" || a.Version != st.BoundariesVersion() || len(a.Labels) != 3 {
			t.Fatalf("answer = %s, want the three districts of version %s", r.body, st.BoundariesVersion())
		}
		// The districts are equal one-degree columns: ranked by P-code, each
		// labelled on its middle meridian, half a degree of longitude at
		// 23.5° N from its border.
		wantRoom := 0.5 * math.Cos(23.5*math.Pi/180) * 6371.0088 * math.Pi / 180
		for i, want := range []struct{ pcode, en, bn string }{{"BD1004", "Barguna", "বরগুনা"}, {"BD1006", "Barishal", "বরিশাল"}, {"BD1009", "Bhola", "ভোলা"}} {
			l := a.Labels[i]
			if l.PCode != want.pcode || l.NameEN != want.en || l.NameBN != want.bn || l.Rank != i+1 || l.Level != "district" {
				t.Errorf("label %d = %+v, want %s %s %s rank %d", i, l, want.pcode, want.en, want.bn, i+1)
			}
			if x := 90.5 + float64(i); math.Abs(l.Point[0]-x) > 0.002 || l.Point[1] < 22.5 || l.Point[1] > 24.5 {
				t.Errorf("%s at %v, want on lon %v between lat 22.5 and 24.5", l.PCode, l.Point, x)
			}
			if math.Abs(l.RoomKM-wantRoom) > 0.002*wantRoom {
				t.Errorf("%s room %v km, want %.3f", l.PCode, l.RoomKM, wantRoom)
			}
		}
	})

	t.Run("bbox keeps the labels inside it", func(t *testing.T) {
		var a labelsAnswer
		decode(t, get(t, ts.URL+"/api/labels?level=union&bbox=91,22,92,23.9"), &a)
		if len(a.Labels) != 2 || a.Labels[0].PCode != "BD10065111" || a.Labels[1].PCode != "BD10065113" {
			t.Errorf("unions in 91,22,92,23.9 = %+v, want BD10065111 and BD10065113", a.Labels)
		}
	})

	t.Run("gzip, ETag and an immutable answer for the current version", func(t *testing.T) {
		r := get(t, ts.URL+"/api/labels?level=division", "Accept-Encoding", "gzip")
		if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" || r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("GET = %d %v, want 200, gzip, an ETag and no-cache", r.status, r.header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		var a labelsAnswer
		decode(t, response{body: plain}, &a)
		if len(a.Labels) != 1 || a.Labels[0].NameEN != "Barishal" || a.Labels[0].NameBN != "বরিশাল" {
			t.Errorf("divisions = %s, want Barishal বরিশাল", plain)
		}
		if again := get(t, ts.URL+"/api/labels?level=division", "If-None-Match", r.header.Get("ETag")); again.status != 304 {
			t.Errorf("If-None-Match with the ETag: status %d, want 304", again.status)
		}
		v := get(t, ts.URL+"/api/labels?level=division&v="+st.BoundariesVersion())
		if cc := v.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control with the current version = %q, want immutable", cc)
		}
		if old := get(t, ts.URL+"/api/labels?level=division&v=old"); old.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("Cache-Control with an old version = %q, want no-cache", old.header.Get("Cache-Control"))
		}
	})

	t.Run("new boundaries, new labels", func(t *testing.T) {
		units := bdtest.GridUnits(t)
		for _, u := range units {
			if u.PCode == "BD1004" {
				u.NameENCurrent = "Barguna Sadar"
			}
		}
		if err := st.ReplaceBoundaries(context.Background(), units); err != nil {
			t.Fatal(err)
		}
		var a labelsAnswer
		decode(t, get(t, ts.URL+"/api/labels?level=district"), &a)
		if a.Version != st.BoundariesVersion() || len(a.Labels) != 3 || a.Labels[0].NameEN != "Barguna Sadar" {
			t.Errorf("after new boundaries: %+v, want version %s with Barguna Sadar", a, st.BoundariesVersion())
		}
	})
}

func TestLabelsRefusesBadParameters(t *testing.T) {
	ts, _ := newServer(t, nil)
	cases := []struct{ name, query, want string }{
		{"no level", "", "parameter level"},
		{"the country", "level=country", "parameter level"},
		{"a number", "level=2", "parameter level"},
		{"bbox of three numbers", "level=district&bbox=90,22,91", "parameter bbox"},
		{"bbox inside out", "level=district&bbox=91,22,90,23", "parameter bbox"},
		{"bbox not finite", "level=district&bbox=90,22,NaN,23", "parameter bbox"},
		{"an unknown parameter", "level=district&lang=bn", "parameter lang"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, get(t, ts.URL+"/api/labels?"+c.query), 400, "invalid", c.want)
		})
	}
}
