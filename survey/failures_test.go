package survey_test

import (
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/survey"
)

func TestFailuresWriterLaysOutRowsLikeAnImport(t *testing.T) {
	var b strings.Builder
	fw := survey.NewFailuresWriter(&b, []string{"name", "sector"})
	fw.Write(guccho.RowError{Row: 2, Field: "sector", Reason: "unknown sector", Values: map[string]string{"name": "=Ali", "sector": "rockets"}})
	fw.Write(guccho.RowError{Row: 5, Reason: "more cells than columns"})
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffrow,field,reason,name,sector\n2,sector,unknown sector,'=Ali,rockets\n5,,more cells than columns,,\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
