package survey_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/survey"
)

// A KoboToolbox export with Bangla answers, read and converted row by row.
func Example() {
	file := strings.NewReader(`_uuid;group_info/enterprise_name;group_info/sector;group_loc/district;group_loc/gps;workers
5f0c;রহিম সু ফ্যাক্টরি;জুতা;Kishoreganj;২৪.০৫২ ৯০.৯৭৬ 0 5;৪
7a1d;Karim Dairy;spaceships;Dhaka;;2
`)
	sectors, _ := guccho.ParseSectors(data.SectorsJSON)
	rd, err := survey.Open(file, file.Size(), "kobo.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &survey.Converter{Sectors: sectors, Mapping: survey.DetectMapping(rd.Columns())}
	if err := c.Check(rd.Columns()); err != nil {
		fmt.Println(err)
		return
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		e, errs := c.Convert(row)
		for _, re := range errs {
			fmt.Printf("row %d, column %s: %.40s…\n", re.Row, re.Field, re.Reason)
		}
		if e != nil {
			fmt.Println(e.ID, e.Name, e.Sector, e.Stated.District, *e.GPS, e.Attributes)
		}
	}
	// Output:
	// 5f0c রহিম সু ফ্যাক্টরি footwear_leather Kishoreganj [90.976 24.052] map[workers:৪]
	// row 2, column group_info/sector: unknown sector "spaceships" (known: dair…
}

// Exporting failed rows for a spreadsheet: formulas are neutralised.
func ExampleCSVWriter() {
	var out strings.Builder
	w := survey.NewCSVWriter(&out, []string{"row", "name", "reason"})
	w.Write([]string{"2", "=HYPERLINK(\"http://example.com\")", "unknown sector"})
	w.Write([]string{"3", "-3.5", "bad latitude"})
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.Replace(out.String(), "\uFEFF", "<BOM>", 1))
	// Output:
	// <BOM>row,name,reason
	// 2,"'=HYPERLINK(""http://example.com"")",unknown sector
	// 3,-3.5,bad latitude
}
