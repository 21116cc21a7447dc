package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
)

var _ deck.Store = (*Store)(nil)

// viewColumns are read by scanView.
const viewColumns = `id, title_en, title_bn, subtitle_en, subtitle_bn, notes_en, notes_bn,
	state_v, state_view, params, created_by, created_at, updated_at`

func scanView(row interface{ Scan(...any) error }) (*deck.View, error) {
	var v deck.View
	var params, created, updated string
	err := row.Scan(&v.ID, &v.Title.EN, &v.Title.BN, &v.Subtitle.EN, &v.Subtitle.BN, &v.Notes.EN, &v.Notes.BN,
		&v.State.V, &v.State.View, &params, &v.CreatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(params), &v.State.Params); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "the stored parameters of view %q are not a JSON object", v.ID)
	}
	if v.State.Params == nil {
		v.State.Params = map[string]string{}
	}
	v.CreatedAt, _ = time.Parse(timeFormat, created)
	v.UpdatedAt, _ = time.Parse(timeFormat, updated)
	return &v, nil
}

// paramsJSON is a state's parameters as the JSON object stored.
func paramsJSON(p map[string]string) (string, error) {
	if p == nil {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// CreateView stores a new view, drawing an id when it has none; ECONFLICT
// if its id exists, EINVALID if it fails deck.View.Validate.
func (s *Store) CreateView(ctx context.Context, v *deck.View) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if v.ID == "" {
		v.ID = deck.NewViewID()
	}
	params, err := paramsJSON(v.State.Params)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO views (id, title_en, title_bn, subtitle_en, subtitle_bn, notes_en, notes_bn,
			state_v, state_view, params, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Title.EN, v.Title.BN, v.Subtitle.EN, v.Subtitle.BN, v.Notes.EN, v.Notes.BN,
			v.State.V, v.State.View, params, v.CreatedBy, now.Format(timeFormat), now.Format(timeFormat))
		if guccho.ErrorCode(sqlErr(err, "")) == guccho.ECONFLICT {
			return guccho.Errorf(guccho.ECONFLICT, "view %q exists already", v.ID)
		}
		if err != nil {
			return sqlErr(err, "storing view %q", v.ID)
		}
		v.CreatedAt, v.UpdatedAt = now, now
		return appendEvent(ctx, tx, deck.EventChanged, deck.Change{Action: "created", Kind: "view", ID: v.ID})
	}, s.eventsWritten)
}

// UpdateView replaces a view's titles, notes and state; ENOTFOUND if it is
// absent. It fills in v's stored CreatedBy and CreatedAt.
func (s *Store) UpdateView(ctx context.Context, v *deck.View) error {
	if err := v.Validate(); err != nil {
		return err
	}
	params, err := paramsJSON(v.State.Params)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var by, created string
		err := tx.QueryRowContext(ctx, `UPDATE views SET title_en = ?, title_bn = ?, subtitle_en = ?, subtitle_bn = ?,
			notes_en = ?, notes_bn = ?, state_v = ?, state_view = ?, params = ?, updated_at = ?
			WHERE id = ? RETURNING created_by, created_at`,
			v.Title.EN, v.Title.BN, v.Subtitle.EN, v.Subtitle.BN, v.Notes.EN, v.Notes.BN,
			v.State.V, v.State.View, params, now.Format(timeFormat), v.ID).Scan(&by, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no saved view %q", v.ID)
		}
		if err != nil {
			return sqlErr(err, "updating view %q", v.ID)
		}
		v.CreatedBy, v.UpdatedAt = by, now
		v.CreatedAt, _ = time.Parse(timeFormat, created)
		return appendEvent(ctx, tx, deck.EventChanged, deck.Change{Action: "updated", Kind: "view", ID: v.ID})
	}, s.eventsWritten)
}

// FindViewByID returns one view, or ENOTFOUND.
func (s *Store) FindViewByID(ctx context.Context, id string) (*deck.View, error) {
	v, err := scanView(s.db.QueryRowContext(ctx, `SELECT `+viewColumns+` FROM views WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no saved view %q", id)
	}
	return v, sqlErr(err, "reading view %q", id)
}

// FindViews lists every view, newest first.
func (s *Store) FindViews(ctx context.Context) ([]deck.View, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+viewColumns+` FROM views ORDER BY seq DESC`)
	if err != nil {
		return nil, sqlErr(err, "listing views")
	}
	defer rows.Close()
	out := []deck.View{}
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, sqlErr(err, "listing views")
		}
		out = append(out, *v)
	}
	return out, sqlErr(rows.Err(), "listing views")
}

// DeleteView removes a view and its slides in every deck (those decks are
// marked updated); ENOTFOUND if it is absent.
func (s *Store) DeleteView(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		decks, err := queryStrings(ctx, tx, `SELECT DISTINCT deck_id FROM deck_views WHERE view_id = ? ORDER BY deck_id`, id)
		if err != nil {
			return sqlErr(err, "finding the decks of view %q", id)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM views WHERE id = ?`, id)
		if err != nil {
			return sqlErr(err, "deleting view %q", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no saved view %q", id)
		}
		now := time.Now().UTC().Format(timeFormat)
		for _, d := range decks {
			if _, err := tx.ExecContext(ctx, `UPDATE decks SET updated_at = ? WHERE id = ?`, now, d); err != nil {
				return sqlErr(err, "updating deck %q", d)
			}
		}
		return appendEvent(ctx, tx, deck.EventChanged, deck.Change{Action: "deleted", Kind: "view", ID: id, Decks: decks})
	}, s.eventsWritten)
}

// queryStrings returns the one text column of a query's rows.
func queryStrings(ctx context.Context, tx execer, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// deckColumns are read by scanDeck.
const deckColumns = `id, title_en, title_bn, subtitle_en, subtitle_bn, created_by, created_at, updated_at`

func scanDeck(row interface{ Scan(...any) error }) (*deck.Deck, error) {
	var d deck.Deck
	var created, updated string
	if err := row.Scan(&d.ID, &d.Title.EN, &d.Title.BN, &d.Subtitle.EN, &d.Subtitle.BN, &d.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	d.CreatedAt, _ = time.Parse(timeFormat, created)
	d.UpdatedAt, _ = time.Parse(timeFormat, updated)
	return &d, nil
}

// putSlides replaces a deck's slides with d.ViewIDs; a view that does not
// exist is EINVALID naming its index (deck.MissingViewError).
func putSlides(ctx context.Context, tx *sql.Tx, d *deck.Deck) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM deck_views WHERE deck_id = ?`, d.ID); err != nil {
		return sqlErr(err, "clearing the views of deck %q", d.ID)
	}
	for i, id := range d.ViewIDs {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM views WHERE id = ?`, id).Scan(&n); err != nil {
			return sqlErr(err, "checking view %q", id)
		}
		if n == 0 {
			return deck.MissingViewError(i, id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO deck_views (deck_id, pos, view_id) VALUES (?, ?, ?)`, d.ID, i, id); err != nil {
			return sqlErr(err, "storing the views of deck %q", d.ID)
		}
	}
	return nil
}

// CreateDeck stores a new deck, drawing an id when it has none; ECONFLICT
// if its id exists, EINVALID if it fails deck.Deck.Validate or names a view
// that does not exist.
func (s *Store) CreateDeck(ctx context.Context, d *deck.Deck) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.ID == "" {
		d.ID = deck.NewDeckID()
	}
	now := time.Now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO decks (id, title_en, title_bn, subtitle_en, subtitle_bn, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Title.EN, d.Title.BN, d.Subtitle.EN, d.Subtitle.BN, d.CreatedBy, now.Format(timeFormat), now.Format(timeFormat))
		if guccho.ErrorCode(sqlErr(err, "")) == guccho.ECONFLICT {
			return guccho.Errorf(guccho.ECONFLICT, "deck %q exists already", d.ID)
		}
		if err != nil {
			return sqlErr(err, "storing deck %q", d.ID)
		}
		if err := putSlides(ctx, tx, d); err != nil {
			return err
		}
		d.CreatedAt, d.UpdatedAt = now, now
		if d.ViewIDs == nil {
			d.ViewIDs = []string{}
		}
		return appendEvent(ctx, tx, deck.EventChanged, deck.Change{Action: "created", Kind: "deck", ID: d.ID})
	}, s.eventsWritten)
}

// UpdateDeck replaces a deck's titles and slides; ENOTFOUND if it is
// absent. It fills in d's stored CreatedBy and CreatedAt.
func (s *Store) UpdateDeck(ctx context.Context, d *deck.Deck) error {
	if err := d.Validate(); err != nil {
		return err
	}
	now := time.Now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var by, created string
		err := tx.QueryRowContext(ctx, `UPDATE decks SET title_en = ?, title_bn = ?, subtitle_en = ?, subtitle_bn = ?, updated_at = ?
			WHERE id = ? RETURNING created_by, created_at`,
			d.Title.EN, d.Title.BN, d.Subtitle.EN, d.Subtitle.BN, now.Format(timeFormat), d.ID).Scan(&by, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no deck %q", d.ID)
		}
		if err != nil {
			return sqlErr(err, "updating deck %q", d.ID)
		}
		if err := putSlides(ctx, tx, d); err != nil {
			return err
		}
		d.CreatedBy, d.UpdatedAt = by, now
		d.CreatedAt, _ = time.Parse(timeFormat, created)
		if d.ViewIDs == nil {
			d.ViewIDs = []string{}
		}
		return appendEvent(ctx, tx, deck.EventChanged, deck.Change{Action: "updated", Kind: "deck", ID: d.ID})
	}, s.eventsWritten)
}

// FindDeckByID returns one deck with its view ids in order, or ENOTFOUND.
func (s *Store) FindDeckByID(ctx context.Context, id string) (*deck.Deck, error) {
	var d *deck.Deck
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDeck(tx.QueryRowContext(ctx, `SELECT `+deckColumns+` FROM decks WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no deck %q", id)
		}
		if err != nil {
			return sqlErr(err, "reading deck %q", id)
		}
		d.ViewIDs, err = queryStrings(ctx, tx, `SELECT view_id FROM deck_views WHERE deck_id = ? ORDER BY pos`, id)
		return sqlErr(err, "reading the views of deck %q", id)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// FindDecks lists every deck with its view ids, newest first.
func (s *Store) FindDecks(ctx context.Context) ([]deck.Deck, error) {
	out := []deck.Deck{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+deckColumns+` FROM decks ORDER BY seq DESC`)
		if err != nil {
			return sqlErr(err, "listing decks")
		}
		index := map[string]int{}
		for rows.Next() {
			d, err := scanDeck(rows)
			if err != nil {
				rows.Close()
				return sqlErr(err, "listing decks")
			}
			d.ViewIDs = []string{}
			index[d.ID] = len(out)
			out = append(out, *d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return sqlErr(err, "listing decks")
		}
		rows, err = tx.QueryContext(ctx, `SELECT deck_id, view_id FROM deck_views ORDER BY deck_id, pos`)
		if err != nil {
			return sqlErr(err, "listing the views of decks")
		}
		defer rows.Close()
		for rows.Next() {
			var deckID, viewID string
			if err := rows.Scan(&deckID, &viewID); err != nil {
				return sqlErr(err, "listing the views of decks")
			}
			if i, ok := index[deckID]; ok {
				out[i].ViewIDs = append(out[i].ViewIDs, viewID)
			}
		}
		return sqlErr(rows.Err(), "listing the views of decks")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteDeck removes a deck (its views stay); ENOTFOUND if it is absent.
func (s *Store) DeleteDeck(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM decks WHERE id = ?`, id)
		if err != nil {
			return sqlErr(err, "deleting deck %q", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no deck %q", id)
		}
		return appendEvent(ctx, tx, deck.EventChanged, deck.Change{Action: "deleted", Kind: "deck", ID: id})
	}, s.eventsWritten)
}
