package guccho_test

import (
	"strings"
	"testing"

	"github.com/guccho/guccho"
)

func TestCheckID(t *testing.T) {
	tests := []struct {
		name, id string
		wantErr  string // "" for a valid id
	}{
		{"plain", "E-17", ""},
		{"bangla", "উদ্যোগ-১", ""},
		{"slash", "a/b", "may not contain"},
		{"dot dot path", "../../x", "may not contain"},
		{"dot", ".", "is not an id"},
		{"dot dot", "..", "is not an id"},
		{"reserved route", "stats", "reserved"},
		{"reserved in capitals", "STATS", "reserved"},
		{"query", "a?b", "may not contain"},
		{"percent", "a%2Fb", "may not contain"},
		{"empty", " ", "empty"},
		{"NUL", "a\x00b", "control character"},
		{"too long", strings.Repeat("x", guccho.MaxIDBytes+1), "limit of 200 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := guccho.CheckID(tt.id)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckID(%q) = %v, want nil", tt.id, err)
			case tt.wantErr != "" && (guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckID(%q) = %v, want EINVALID containing %q", tt.id, err, tt.wantErr)
			}
		})
	}
}

func TestEnterpriseValidateText(t *testing.T) {
	base := func() *guccho.Enterprise {
		return &guccho.Enterprise{ID: "E1", Name: "Karim Shoes", Sector: "dairy", Geocode: guccho.Geocode{Method: guccho.GeocodeNone}}
	}
	tests := []struct {
		name    string
		edit    func(e *guccho.Enterprise)
		wantErr string
	}{
		{"valid", func(e *guccho.Enterprise) {}, ""},
		{"long name", func(e *guccho.Enterprise) { e.Name = strings.Repeat("n", 500<<10) }, `field "name": 512000 bytes is longer than the limit of 1000 bytes`},
		{"NUL in name", func(e *guccho.Enterprise) { e.Name = "a\x00b" }, `field "name": contains the control character U+0000`},
		{"invalid UTF-8", func(e *guccho.Enterprise) { e.Name = "\xff" }, `field "name": not UTF-8`},
		{"long stated union", func(e *guccho.Enterprise) { e.Stated.Union = strings.Repeat("u", guccho.MaxTextBytes+1) }, `field "stated.union"`},
		{"long barrier", func(e *guccho.Enterprise) { e.Barriers = []string{"ok", strings.Repeat("b", guccho.MaxTextBytes+1)} }, `field "barriers[1]"`},
		{"long attribute value", func(e *guccho.Enterprise) {
			e.Attributes = map[string]string{"phone": strings.Repeat("1", guccho.MaxTextBytes+1)}
		}, `field "attributes.phone"`},
		{"many barriers", func(e *guccho.Enterprise) { e.Barriers = make([]string, guccho.MaxListItems+1) }, "more than the limit of 500"},
		{"bad id", func(e *guccho.Enterprise) { e.ID = "a/b" }, `field "id"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base()
			tt.edit(e)
			err := e.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want EINVALID containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewTokenIDIsNoPartOfTheSecret(t *testing.T) {
	for i := 0; i < 50; i++ {
		tok, secret, err := guccho.NewToken(guccho.RoleEditor, "field team")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok.ID, "tok_") || len(tok.ID) != 12 {
			t.Fatalf("token id %q, want tok_ and 8 characters", tok.ID)
		}
		if strings.Contains(secret, tok.ID[len("tok_"):]) {
			t.Fatalf("the secret %q contains the token id %q", secret, tok.ID)
		}
	}
}
