package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/store"
)

// RunDecks runs the conformance cases of saved views and decks
// (deck.Store): round trips in both languages, lists newest first, decks
// that keep their order and lose deleted views, errors that name the field,
// ids drawn safely under concurrency, and an event for every write.
func RunDecks(t *testing.T, open Opener) {
	t.Run("ViewRoundTrip", func(t *testing.T) { testViewRoundTrip(t, open(t)) })
	t.Run("ViewUpdate", func(t *testing.T) { testViewUpdate(t, open(t)) })
	t.Run("ListsNewestFirst", func(t *testing.T) { testDecksListOrder(t, open(t)) })
	t.Run("DeckKeepsOrder", func(t *testing.T) { testDeckOrder(t, open(t)) })
	t.Run("DeletingAViewRemovesItFromDecks", func(t *testing.T) { testDeleteViewInDecks(t, open(t)) })
	t.Run("BadInputNamesTheField", func(t *testing.T) { testDecksBadInput(t, open(t)) })
	t.Run("UnknownIDsAreNotFound", func(t *testing.T) { testDecksNotFound(t, open(t)) })
	t.Run("ConcurrentCreatesGetDistinctIDs", func(t *testing.T) { testDecksConcurrentIDs(t, open(t)) })
	t.Run("WritesAppendEvents", func(t *testing.T) { testDecksEvents(t, open(t)) })
}

// lqView is a saved view of the clusters view with a statistic, titled in
// both languages.
func lqView() deck.View {
	return deck.View{
		Title:     deck.Text{EN: "Footwear LQ by district", BN: "জেলাভিত্তিক পাদুকা এলকিউ"},
		Subtitle:  deck.Text{EN: "Location quotient, 2024 survey", BN: "অবস্থান ভাগফল, ২০২৪ জরিপ"},
		Notes:     deck.Text{EN: "Bhairab stands out.\nMention the service centre.", BN: "ভৈরব আলাদা।\nসেবা কেন্দ্রের কথা বলুন।"},
		State:     deck.State{V: 1, View: "clusters", Params: map[string]string{"z": "7.2", "lon": "90.35", "lat": "23.7", "stat": "lq", "sectors": "footwear_leather", "level": "district"}},
		CreatedBy: "tok_abcd1234",
	}
}

func createView(t *testing.T, s store.Store, v deck.View) deck.View {
	t.Helper()
	if err := s.CreateView(context.Background(), &v); err != nil {
		t.Fatalf("CreateView %q: %v", v.Title.EN, err)
	}
	return v
}

func createDeck(t *testing.T, s store.Store, d deck.Deck) deck.Deck {
	t.Helper()
	if err := s.CreateDeck(context.Background(), &d); err != nil {
		t.Fatalf("CreateDeck %q: %v", d.Title.EN, err)
	}
	return d
}

// sameTime reports whether two stored times agree to the microsecond (what
// PostgreSQL keeps).
func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

// sameView compares two views, times to the microsecond.
func sameView(got, want deck.View) bool {
	if !sameTime(got.CreatedAt, want.CreatedAt) || !sameTime(got.UpdatedAt, want.UpdatedAt) {
		return false
	}
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(got, want)
}

func testViewRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	v := lqView()
	// A state with many keys, and values that need care in a URL or JSON.
	for i := range deck.MaxParams - len(v.State.Params) {
		v.State.Params[fmt.Sprintf("p%02d", i)] = fmt.Sprintf("value %d & = # \"quoted\" বাংলা", i)
	}
	before := time.Now()
	v = createView(t, s, v)
	if !strings.HasPrefix(v.ID, "v-") {
		t.Errorf("CreateView drew the id %q, want one starting v-", v.ID)
	}
	if v.CreatedAt.Before(before.Add(-time.Second)) || !v.CreatedAt.Equal(v.UpdatedAt) {
		t.Errorf("CreateView set CreatedAt %v, UpdatedAt %v; want now, twice", v.CreatedAt, v.UpdatedAt)
	}
	got, err := s.FindViewByID(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameView(*got, v) {
		t.Errorf("FindViewByID =\n%+v\nwant\n%+v", *got, v)
	}
	if len(got.State.Params) != deck.MaxParams {
		t.Errorf("the view kept %d parameters, want %d", len(got.State.Params), deck.MaxParams)
	}

	// An id given by the caller is kept; a second view with it conflicts.
	named := lqView()
	named.ID = "lq-footwear"
	named.State = deck.State{V: 3, View: "someday", Params: map[string]string{}}
	createView(t, s, named)
	got, err = s.FindViewByID(ctx, "lq-footwear")
	if err != nil {
		t.Fatal(err)
	}
	if got.State.V != 3 || got.State.View != "someday" || got.State.Params == nil {
		t.Errorf("a view saved by a newer version came back with state %+v, want v 3, view someday, params {}", got.State)
	}
	again := lqView()
	again.ID = "lq-footwear"
	if err := s.CreateView(ctx, &again); guccho.ErrorCode(err) != guccho.ECONFLICT {
		t.Errorf("CreateView with a taken id: %v, want conflict", err)
	}
}

func testViewUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	v := createView(t, s, lqView())
	time.Sleep(2 * time.Millisecond)
	edit := deck.View{ID: v.ID, Title: deck.Text{BN: "শুধু বাংলা শিরোনাম"}, Notes: deck.Text{EN: "new notes"},
		State: deck.State{V: 1, View: "explore", Params: map[string]string{"sel": "E-17"}}, CreatedBy: "tok_someone"}
	if err := s.UpdateView(ctx, &edit); err != nil {
		t.Fatal(err)
	}
	if edit.CreatedBy != v.CreatedBy || !sameTime(edit.CreatedAt, v.CreatedAt) || !edit.UpdatedAt.After(v.UpdatedAt) {
		t.Errorf("after UpdateView: created by %q at %v, updated %v; want %q, %v and later than %v",
			edit.CreatedBy, edit.CreatedAt, edit.UpdatedAt, v.CreatedBy, v.CreatedAt, v.UpdatedAt)
	}
	got, err := s.FindViewByID(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameView(*got, edit) {
		t.Errorf("after UpdateView, FindViewByID =\n%+v\nwant\n%+v", *got, edit)
	}
}

func testDecksListOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	views, decks := []deck.View{}, []deck.Deck{}
	if got, err := s.FindViews(ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("FindViews on an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
	if got, err := s.FindDecks(ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("FindDecks on an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
	for i := range 3 {
		v := lqView()
		v.Title.EN = fmt.Sprintf("view %d", i)
		views = append([]deck.View{createView(t, s, v)}, views...)
		d := createDeck(t, s, deck.Deck{Title: deck.Text{EN: fmt.Sprintf("deck %d", i)}, ViewIDs: []string{views[0].ID}})
		decks = append([]deck.Deck{d}, decks...)
	}
	gotViews, err := s.FindViews(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotDecks, err := s.FindDecks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var gv, wv, gd, wd []string
	for i := range gotViews {
		gv = append(gv, gotViews[i].Title.EN)
	}
	for i := range views {
		wv = append(wv, views[i].Title.EN)
	}
	for i := range gotDecks {
		gd = append(gd, gotDecks[i].Title.EN+" "+strings.Join(gotDecks[i].ViewIDs, ","))
	}
	for i := range decks {
		wd = append(wd, decks[i].Title.EN+" "+strings.Join(decks[i].ViewIDs, ","))
	}
	if !reflect.DeepEqual(gv, wv) {
		t.Errorf("FindViews in the order %q, want newest first %q", gv, wv)
	}
	if !reflect.DeepEqual(gd, wd) {
		t.Errorf("FindDecks in the order %q, want newest first %q", gd, wd)
	}
}

func deckViewIDs(t *testing.T, s store.Store, id string) []string {
	t.Helper()
	d, err := s.FindDeckByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindDeckByID %q: %v", id, err)
	}
	if d.ViewIDs == nil {
		t.Errorf("deck %q has nil ViewIDs, want a list", id)
	}
	return d.ViewIDs
}

func testDeckOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ids []string
	for _, title := range []string{"LQ map", "Hot spots", "Cluster profile", "Value chain"} {
		v := lqView()
		v.Title.EN = title
		ids = append(ids, createView(t, s, v).ID)
	}
	empty := createDeck(t, s, deck.Deck{Title: deck.Text{BN: "খালি"}})
	if got := deckViewIDs(t, s, empty.ID); len(got) != 0 {
		t.Errorf("an empty deck holds %q", got)
	}
	d := createDeck(t, s, deck.Deck{Title: deck.Text{EN: "Board meeting", BN: "বোর্ড সভা"},
		Subtitle: deck.Text{EN: "Footwear", BN: "পাদুকা"}, ViewIDs: ids, CreatedBy: "tok_abcd1234"})
	if !strings.HasPrefix(d.ID, "d-") {
		t.Errorf("CreateDeck drew the id %q, want one starting d-", d.ID)
	}
	got, err := s.FindDeckByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != d.Title || got.Subtitle != d.Subtitle || got.CreatedBy != "tok_abcd1234" || !sameTime(got.CreatedAt, d.CreatedAt) {
		t.Errorf("FindDeckByID = %+v, want %+v", got, d)
	}
	cases := []struct {
		name  string
		order []string
	}{
		{"reversed", []string{ids[3], ids[2], ids[1], ids[0]}},
		{"one view twice", []string{ids[1], ids[0], ids[1]}},
		{"emptied", []string{}},
		{"back in order", ids},
	}
	for _, c := range cases {
		edit := deck.Deck{ID: d.ID, Title: d.Title, ViewIDs: c.order}
		if err := s.UpdateDeck(ctx, &edit); err != nil {
			t.Fatalf("%s: UpdateDeck: %v", c.name, err)
		}
		if edit.CreatedBy != "tok_abcd1234" {
			t.Errorf("%s: UpdateDeck left CreatedBy %q, want the creator's", c.name, edit.CreatedBy)
		}
		if got := deckViewIDs(t, s, d.ID); !reflect.DeepEqual(got, c.order) {
			t.Errorf("%s: the deck holds %q, want %q", c.name, got, c.order)
		}
	}
	// A deck naming a view that does not exist is refused whole.
	bad := deck.Deck{ID: d.ID, Title: d.Title, ViewIDs: []string{ids[0], ids[1], ids[2], "v-nosuchview"}}
	err = s.UpdateDeck(ctx, &bad)
	wantDeckErr(t, "UpdateDeck naming a missing view", err, guccho.EINVALID, `view_ids[3]`)
	if got := deckViewIDs(t, s, d.ID); !reflect.DeepEqual(got, ids) {
		t.Errorf("after a refused update the deck holds %q, want %q", got, ids)
	}
	bad = deck.Deck{Title: deck.Text{EN: "bad"}, ViewIDs: []string{"v-nosuchview"}}
	err = s.CreateDeck(ctx, &bad)
	wantDeckErr(t, "CreateDeck naming a missing view", err, guccho.EINVALID, `view_ids[0]`)
	if list, _ := s.FindDecks(ctx); len(list) != 2 {
		t.Errorf("after a refused create there are %d decks, want 2", len(list))
	}
	if err := s.DeleteDeck(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindDeckByID(ctx, d.ID); guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("FindDeckByID after DeleteDeck: %v, want not_found", err)
	}
	for _, id := range ids {
		if _, err := s.FindViewByID(ctx, id); err != nil {
			t.Errorf("view %s after its deck was deleted: %v, want it kept", id, err)
		}
	}
}

func testDeleteViewInDecks(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b, c := createView(t, s, lqView()), createView(t, s, lqView()), createView(t, s, lqView())
	d1 := createDeck(t, s, deck.Deck{Title: deck.Text{EN: "one"}, ViewIDs: []string{a.ID, b.ID, c.ID, b.ID}})
	d2 := createDeck(t, s, deck.Deck{Title: deck.Text{EN: "two"}, ViewIDs: []string{b.ID}})
	d3 := createDeck(t, s, deck.Deck{Title: deck.Text{EN: "three"}, ViewIDs: []string{c.ID}})
	time.Sleep(2 * time.Millisecond)
	if err := s.DeleteView(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindViewByID(ctx, b.ID); guccho.ErrorCode(err) != guccho.ENOTFOUND {
		t.Errorf("FindViewByID after DeleteView: %v, want not_found", err)
	}
	if got, want := deckViewIDs(t, s, d1.ID), []string{a.ID, c.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("deck one holds %q after deleting %s, want %q", got, b.ID, want)
	}
	if got := deckViewIDs(t, s, d2.ID); len(got) != 0 {
		t.Errorf("deck two holds %q after deleting its only view, want none", got)
	}
	for _, d := range []deck.Deck{d1, d2, d3} {
		got, err := s.FindDeckByID(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if touched := got.UpdatedAt.After(d.UpdatedAt); touched != (d.ID != d3.ID) {
			t.Errorf("deck %s updated at %v (was %v): touched %v, want %v", d.Title.EN, got.UpdatedAt, d.UpdatedAt, touched, d.ID != d3.ID)
		}
	}
	list, err := s.FindDecks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		for _, id := range d.ViewIDs {
			if id == b.ID {
				t.Errorf("FindDecks: deck %s still lists the deleted view", d.Title.EN)
			}
		}
	}
}

func wantDeckErr(t *testing.T, what string, err error, code, mention string) {
	t.Helper()
	if guccho.ErrorCode(err) != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, guccho.ErrorCode(err), code)
		return
	}
	if mention != "" && !strings.Contains(guccho.ErrorMessage(err), mention) {
		t.Errorf("%s: error %q does not name %s", what, guccho.ErrorMessage(err), mention)
	}
}

func testDecksBadInput(t *testing.T, s store.Store) {
	ctx := context.Background()
	many := map[string]string{}
	for i := range deck.MaxParams + 1 {
		many[fmt.Sprintf("k%d", i)] = "1"
	}
	viewCases := []struct {
		name    string
		edit    func(v *deck.View)
		mention string
	}{
		{"no title", func(v *deck.View) { v.Title = deck.Text{EN: " ", BN: ""} }, `title`},
		{"long Bangla title", func(v *deck.View) { v.Title.BN = strings.Repeat("ক", 67) }, `title.bn`},
		{"long subtitle", func(v *deck.View) { v.Subtitle.EN = strings.Repeat("x", deck.MaxTitleBytes+1) }, `subtitle.en`},
		{"long notes", func(v *deck.View) { v.Notes.EN = strings.Repeat("x", deck.MaxNotesBytes+1) }, `notes.en`},
		{"control character", func(v *deck.View) { v.Notes.BN = "a\x00b" }, `notes.bn`},
		{"version 0", func(v *deck.View) { v.State.V = 0 }, `state.v`},
		{"too many parameters", func(v *deck.View) { v.State.Params = many }, `state.params`},
		{"long value", func(v *deck.View) { v.State.Params["sel"] = strings.Repeat("1", deck.MaxParamValueBytes+1) }, `state.params[\"sel\"]`},
		{"long key", func(v *deck.View) { v.State.Params[strings.Repeat("k", deck.MaxParamKeyBytes+1)] = "1" }, `state.params`},
		{"empty key", func(v *deck.View) { v.State.Params[""] = "1" }, `state.params`},
		{"view as a parameter", func(v *deck.View) { v.State.Params["view"] = "clusters" }, `state.view`},
		{"id with a slash", func(v *deck.View) { v.ID = "a/b" }, `id`},
	}
	for _, c := range viewCases {
		v := lqView()
		c.edit(&v)
		wantDeckErr(t, "CreateView with "+c.name, s.CreateView(ctx, &v), guccho.EINVALID, c.mention)
		stored := createView(t, s, lqView())
		v.ID = stored.ID
		if c.name != "id with a slash" {
			wantDeckErr(t, "UpdateView with "+c.name, s.UpdateView(ctx, &v), guccho.EINVALID, c.mention)
		}
	}
	long := make([]string, deck.MaxDeckViews+1)
	deckCases := []struct {
		name    string
		d       deck.Deck
		mention string
	}{
		{"no title", deck.Deck{}, `title`},
		{"long title", deck.Deck{Title: deck.Text{EN: strings.Repeat("x", deck.MaxTitleBytes+1)}}, `title.en`},
		{"empty view id", deck.Deck{Title: deck.Text{EN: "t"}, ViewIDs: []string{"v-x", ""}}, `view_ids[1]`},
		{"too many views", deck.Deck{Title: deck.Text{EN: "t"}, ViewIDs: long}, `view_ids`},
	}
	for _, c := range deckCases {
		wantDeckErr(t, "CreateDeck with "+c.name, s.CreateDeck(ctx, &c.d), guccho.EINVALID, c.mention)
	}
	if list, _ := s.FindDecks(ctx); len(list) != 0 {
		t.Errorf("refused decks were stored: %d", len(list))
	}
}

func testDecksNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	v := lqView()
	v.ID = "v-nosuchview"
	d := deck.Deck{ID: "d-nosuchdeck", Title: deck.Text{EN: "t"}}
	cases := []struct {
		name string
		err  error
	}{
		{"FindViewByID", func() error { _, err := s.FindViewByID(ctx, "v-nosuchview"); return err }()},
		{"UpdateView", s.UpdateView(ctx, &v)},
		{"DeleteView", s.DeleteView(ctx, "v-nosuchview")},
		{"FindDeckByID", func() error { _, err := s.FindDeckByID(ctx, "d-nosuchdeck"); return err }()},
		{"UpdateDeck", s.UpdateDeck(ctx, &d)},
		{"DeleteDeck", s.DeleteDeck(ctx, "d-nosuchdeck")},
	}
	for _, c := range cases {
		wantDeckErr(t, c.name, c.err, guccho.ENOTFOUND, "nosuch")
	}
}

func testDecksConcurrentIDs(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 16
	ids := make([]string, 2*n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			v := lqView()
			errs[i] = s.CreateView(ctx, &v)
			ids[i] = v.ID
		}()
		go func() {
			defer wg.Done()
			d := deck.Deck{Title: deck.Text{EN: "deck"}}
			errs[n+i] = s.CreateDeck(ctx, &d)
			ids[n+i] = d.ID
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, id := range ids {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if seen[id] {
			t.Errorf("the id %q was drawn twice", id)
		}
		seen[id] = true
	}
	views, _ := s.FindViews(ctx)
	decks, _ := s.FindDecks(ctx)
	if len(views) != n || len(decks) != n {
		t.Errorf("after %d concurrent creates of each: %d views, %d decks", n, len(views), len(decks))
	}
}

func testDecksEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	start, err := s.LatestEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := createView(t, s, lqView())
	waitSignal(t, s)
	d := createDeck(t, s, deck.Deck{Title: deck.Text{EN: "d"}, ViewIDs: []string{v.ID}})
	steps := []func() error{
		func() error { return s.UpdateView(ctx, &v) },
		func() error {
			return s.UpdateDeck(ctx, &deck.Deck{ID: d.ID, Title: d.Title, ViewIDs: []string{v.ID, v.ID}})
		},
		func() error { return s.UpdateDeck(ctx, &deck.Deck{ID: d.ID}) }, // refused: no event
		func() error { return s.DeleteView(ctx, v.ID) },
		func() error { return s.DeleteDeck(ctx, d.ID) },
	}
	for i, step := range steps {
		if err := step(); (err != nil) != (i == 2) {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	evs, err := s.EventsAfter(ctx, start, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		if e.Type != deck.EventChanged {
			t.Errorf("event %d has type %q, want %q", e.ID, e.Type, deck.EventChanged)
		}
		var ch deck.Change
		if err := json.Unmarshal(e.Payload, &ch); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s %v", ch.Action, ch.Kind, ch.ID, ch.Decks))
	}
	want := []string{
		"created view " + v.ID + " []", "created deck " + d.ID + " []", "updated view " + v.ID + " []",
		"updated deck " + d.ID + " []", "deleted view " + v.ID + " [" + d.ID + "]", "deleted deck " + d.ID + " []",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n%q\nwant\n%q", got, want)
	}
}
