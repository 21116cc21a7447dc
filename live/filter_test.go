package live_test

import (
	"slices"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/live"
)

func TestFilterGrantedWithholdsImportsFromReaders(t *testing.T) {
	tests := []struct {
		name     string
		topics   []string
		editor   bool
		want     []string
		wantCode string
	}{
		{"an editor keeps imports", []string{"enterprises", "imports"}, true, []string{"enterprises", "imports"}, ""},
		{"a reader loses imports", []string{"enterprises", "imports", "admin"}, false, []string{"enterprises", "admin"}, ""},
		{"a reader asking for imports only", []string{"imports"}, false, nil, guccho.EINVALID},
		{"no topics", nil, true, nil, guccho.EINVALID},
		{"unknown topics are left for Validate", []string{"enterprise"}, false, []string{"enterprise"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := live.Filter{Topics: tt.topics}.Granted(tt.editor)
			if code := guccho.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("got error %v (code %q), want code %q", err, code, tt.wantCode)
			}
			if err == nil && !slices.Equal(got.Topics, tt.want) {
				t.Errorf("got topics %v, want %v", got.Topics, tt.want)
			}
		})
	}
}

func TestFilterValidate(t *testing.T) {
	tests := []struct {
		name   string
		filter live.Filter
		ok     bool
	}{
		{"one topic", live.Filter{Topics: []string{"admin"}}, true},
		{"a bbox over Bangladesh", live.Filter{Topics: []string{"enterprises"}, Bound: &[4]float64{88, 20.5, 92.7, 26.7}}, true},
		{"no topics", live.Filter{}, false},
		{"unknown topic", live.Filter{Topics: []string{"clusterz"}}, false},
		{"bbox south of north", live.Filter{Topics: []string{"enterprises"}, Bound: &[4]float64{88, 26, 92, 25}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.filter.Validate()
			if got := err == nil; got != tt.ok {
				t.Errorf("got %v, want ok %v", err, tt.ok)
			}
			if err != nil && guccho.ErrorCode(err) != guccho.EINVALID {
				t.Errorf("got code %q, want %q", guccho.ErrorCode(err), guccho.EINVALID)
			}
		})
	}
}
