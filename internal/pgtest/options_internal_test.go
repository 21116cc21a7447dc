package pgtest

import (
	"strings"
	"testing"
)

func TestServerOptionsAddTheSettingsGiven(t *testing.T) {
	cases := []struct {
		name, extra, want, err string
	}{
		{name: "none", extra: "", want: "-c max_connections=200"},
		{name: "two", extra: " shared_buffers=4GB  maintenance_work_mem=1GB ", want: "-c max_connections=200 -c shared_buffers=4GB -c maintenance_work_mem=1GB"},
		{name: "no value", extra: "shared_buffers", err: `GUCCHO_TEST_PG_SETTINGS: "shared_buffers" is not name=value`},
		{name: "empty value", extra: "work_mem=", err: `"work_mem=" is not name=value`},
		{name: "quoted", extra: `search_path='a'`, err: `is not name=value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := serverOptions(5432, "/sock", c.extra)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, "-p 5432 -k /sock ") || !strings.HasSuffix(got, c.want) {
				t.Errorf("options %q, want them to end with %q", got, c.want)
			}
		})
	}
}
