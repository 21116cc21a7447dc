package atlas

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/profile"
)

// BenchmarkUnitPage composes and writes one district's page — Kishoreganj
// from the shipped boundaries, its 13 upazilas coloured, 500 dots, a
// profile of nine sectors — as a one-page PDF, with fonts subset (as
// guccho atlas writes) and whole; B/page is the file's size.
func BenchmarkUnitPage(b *testing.B) {
	fonts, err := LoadFonts(data.Fonts())
	if err != nil {
		b.Fatal(err)
	}
	d := Data{Sector: guccho.Sector{Code: "footwear_leather", NameEN: "Footwear and leather", NameBN: "পাদুকা ও চামড়া"},
		Level: geo.District, Units: bdtest.UnitsAt(b, geo.District), Children: bdtest.UnitsAt(b, geo.Upazila), MinCount: 5}
	sectors := []string{"footwear_leather", "dairy", "food_processing", "horticulture", "light_engineering", "rice_milling", "construction_materials", "eco_tourism", "other"}
	for i, c := range d.Children {
		for s, code := range sectors {
			n := (i*7 + s*13) % 40
			d.ChildAggregates = append(d.ChildAggregates, profile.Aggregate{Unit: c.PCode, Sector: code, Counts: profile.Counts{Enterprises: n, Self: n, Wage: 2 * n}})
			d.Aggregates = append(d.Aggregates, profile.Aggregate{Unit: c.PCode[:6], Sector: code, Counts: profile.Counts{Enterprises: n, Self: n, Wage: 2 * n}})
		}
	}
	for i := range 500 {
		d.Points = append(d.Points, orb.Point{90.7 + float64(i%25)*0.03, 24.0 + float64(i/25)*0.03})
	}
	for _, subset := range []bool{true, false} {
		name := "subset"
		if !subset {
			name = "whole-fonts"
		}
		b.Run(name, func(b *testing.B) {
			doc := &Document{Fonts: fonts, Lang: Both, Source: "benchmark", Date: time.Now(), Attribution: data.BoundariesAttribution, Subset: subset}
			var size int64
			for b.Loop() {
				pages, err := UnitPages(d, "BD3048")
				if err != nil {
					b.Fatal(err)
				}
				w := &countWriter{}
				if err := doc.Write(context.Background(), w, pages); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.ReportMetric(float64(size), "B/page")
		})
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
