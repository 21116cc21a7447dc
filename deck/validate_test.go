package deck_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
)

func validView() deck.View {
	return deck.View{Title: deck.Text{BN: "পাদুকা"}, State: deck.State{V: 1, View: "clusters", Params: map[string]string{"z": "7", "mode": "lq"}}}
}

func TestViewValidateNamesTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(v *deck.View)
		field string // "" when valid
	}{
		{"a Bangla title alone", func(v *deck.View) {}, ""},
		{"a newer state version", func(v *deck.View) { v.State.V = 7; v.State.View = "timeline" }, ""},
		{"exactly the limits", func(v *deck.View) {
			v.Title.EN = strings.Repeat("x", deck.MaxTitleBytes)
			v.Notes.BN = strings.Repeat("x", deck.MaxNotesBytes)
			v.State.Params = map[string]string{strings.Repeat("k", deck.MaxParamKeyBytes): strings.Repeat("v", deck.MaxParamValueBytes)}
		}, ""},
		{"no title", func(v *deck.View) { v.Title = deck.Text{EN: "\t"} }, `"title"`},
		{"a title one byte too long", func(v *deck.View) { v.Title.EN = strings.Repeat("x", deck.MaxTitleBytes+1) }, `"title.en"`},
		{"a subtitle that is not UTF-8", func(v *deck.View) { v.Subtitle.BN = "\xff" }, `"subtitle.bn"`},
		{"notes one byte too long", func(v *deck.View) { v.Notes.EN = strings.Repeat("x", deck.MaxNotesBytes+1) }, `"notes.en"`},
		{"state version 0", func(v *deck.View) { v.State.V = 0 }, `"state.v"`},
		{"a long view name", func(v *deck.View) { v.State.View = strings.Repeat("v", deck.MaxViewNameBytes+1) }, `"state.view"`},
		{"a control character in a value", func(v *deck.View) { v.State.Params["sel"] = "a\x01" }, `"state.params[\"sel\"]"`},
		{"view as a parameter", func(v *deck.View) { v.State.Params["view"] = "explore" }, `state.params[\"view\"]`},
		{"an id with a slash", func(v *deck.View) { v.ID = "a/b" }, `"id"`},
		{"the reserved id new", func(v *deck.View) { v.ID = "NEW" }, `"id"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := validView()
			c.edit(&v)
			err := v.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if guccho.ErrorCode(err) != guccho.EINVALID || !strings.Contains(guccho.ErrorMessage(err), c.field) {
				t.Errorf("Validate() = %v (code %q), want invalid naming %s", err, guccho.ErrorCode(err), c.field)
			}
		})
	}
}

func TestStateValidateNamesTheSameParameterEveryTime(t *testing.T) {
	s := deck.State{V: 1, Params: map[string]string{}}
	for i := range 20 {
		s.Params[fmt.Sprintf("p%02d", i)] = strings.Repeat("x", deck.MaxParamValueBytes+1)
	}
	for range 10 {
		if msg := guccho.ErrorMessage(s.Validate()); !strings.Contains(msg, `p00`) {
			t.Fatalf("Validate() = %q, want the first parameter by name, p00", msg)
		}
	}
}

func TestDeckValidateNamesTheIndex(t *testing.T) {
	d := deck.Deck{Title: deck.Text{EN: "Board"}, ViewIDs: []string{"v-1", "v-2", "v-3", "bad id?"}}
	if err := d.Validate(); !strings.Contains(guccho.ErrorMessage(err), `"view_ids[3]"`) {
		t.Errorf("Validate() = %v, want it to name view_ids[3]", err)
	}
	d.ViewIDs = make([]string, deck.MaxDeckViews+1)
	if err := d.Validate(); !strings.Contains(guccho.ErrorMessage(err), "500") {
		t.Errorf("Validate() with %d views = %v, want the limit named", len(d.ViewIDs), err)
	}
}

func TestNewIDsAreDistinctPathIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		for _, id := range []string{deck.NewViewID(), deck.NewDeckID()} {
			if err := deck.CheckID("id", id); err != nil || seen[id] {
				t.Fatalf("id %q: %v (seen before: %v)", id, err, seen[id])
			}
			seen[id] = true
		}
	}
}

func ExampleView_Validate() {
	v := deck.View{Title: deck.Text{EN: "Footwear LQ"}, State: deck.State{V: 1, Params: map[string]string{"sel": strings.Repeat("9", 5000)}}}
	fmt.Println(guccho.ErrorMessage(v.Validate()))
	// Output: field "state.params[\"sel\"]": 5000 bytes is longer than the limit of 4096 bytes
}
