package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
)

var _ deck.Store = (*Store)(nil)

// viewColumns are read by scanView.
const viewColumns = `id, title_en, title_bn, subtitle_en, subtitle_bn, notes_en, notes_bn,
	state_v, state_view, params, created_by, created_at, updated_at`

func scanView(row pgx.Row) (*deck.View, error) {
	var v deck.View
	var params []byte
	err := row.Scan(&v.ID, &v.Title.EN, &v.Title.BN, &v.Subtitle.EN, &v.Subtitle.BN, &v.Notes.EN, &v.Notes.BN,
		&v.State.V, &v.State.View, &params, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(params, &v.State.Params); err != nil {
		return nil, guccho.WrapError(err, guccho.EINTERNAL, "the stored parameters of view %q are not a JSON object", v.ID)
	}
	if v.State.Params == nil {
		v.State.Params = map[string]string{}
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return &v, nil
}

// paramsJSON is a state's parameters as the jsonb object stored.
func paramsJSON(p map[string]string) (string, error) {
	if p == nil {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// deckTx runs fn in a transaction that also records change in the event
// log.
func (s *Store) deckTx(ctx context.Context, change *deck.Change, fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return appendEvents(ctx, tx, deck.EventChanged, change)
	})
	return dbErr(err, "write saved views and decks")
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
	return s.deckTx(ctx, &deck.Change{Action: "created", Kind: "view", ID: v.ID}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO guccho.views (id, title_en, title_bn, subtitle_en, subtitle_bn, notes_en, notes_bn,
			state_v, state_view, params, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)
			ON CONFLICT (id) DO NOTHING RETURNING created_at, updated_at`,
			v.ID, v.Title.EN, v.Title.BN, v.Subtitle.EN, v.Subtitle.BN, v.Notes.EN, v.Notes.BN,
			v.State.V, v.State.View, params, v.CreatedBy).Scan(&v.CreatedAt, &v.UpdatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ECONFLICT, "view %q exists already", v.ID)
		}
		v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
		return dbErr(err, "store view")
	})
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
	return s.deckTx(ctx, &deck.Change{Action: "updated", Kind: "view", ID: v.ID}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE guccho.views SET title_en = $2, title_bn = $3, subtitle_en = $4, subtitle_bn = $5,
			notes_en = $6, notes_bn = $7, state_v = $8, state_view = $9, params = $10::jsonb, updated_at = now()
			WHERE id = $1 RETURNING created_by, created_at, updated_at`,
			v.ID, v.Title.EN, v.Title.BN, v.Subtitle.EN, v.Subtitle.BN, v.Notes.EN, v.Notes.BN,
			v.State.V, v.State.View, params).Scan(&v.CreatedBy, &v.CreatedAt, &v.UpdatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no saved view %q", v.ID)
		}
		v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
		return dbErr(err, "update view")
	})
}

// FindViewByID returns one view, or ENOTFOUND.
func (s *Store) FindViewByID(ctx context.Context, id string) (*deck.View, error) {
	v, err := scanView(s.pool.QueryRow(ctx, `SELECT `+viewColumns+` FROM guccho.views WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no saved view %q", id)
	}
	return v, dbErr(err, "read view")
}

// FindViews lists every view, newest first.
func (s *Store) FindViews(ctx context.Context) ([]deck.View, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+viewColumns+` FROM guccho.views ORDER BY seq DESC`)
	if err != nil {
		return nil, dbErr(err, "list views")
	}
	defer rows.Close()
	out := []deck.View{}
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, dbErr(err, "list views")
		}
		out = append(out, *v)
	}
	return out, dbErr(rows.Err(), "list views")
}

// DeleteView removes a view and its slides in every deck (those decks are
// marked updated); ENOTFOUND if it is absent.
func (s *Store) DeleteView(ctx context.Context, id string) error {
	change := &deck.Change{Action: "deleted", Kind: "view", ID: id}
	return s.deckTx(ctx, change, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE guccho.decks SET updated_at = now()
			WHERE id IN (SELECT deck_id FROM guccho.deck_views WHERE view_id = $1) RETURNING id`, id)
		if err != nil {
			return dbErr(err, "update the decks of a view")
		}
		change.Decks, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return dbErr(err, "update the decks of a view")
		}
		if len(change.Decks) == 0 {
			change.Decks = nil
		}
		slices.Sort(change.Decks)
		tag, err := tx.Exec(ctx, `DELETE FROM guccho.views WHERE id = $1`, id)
		if err != nil {
			return dbErr(err, "delete view")
		}
		if tag.RowsAffected() == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no saved view %q", id)
		}
		return nil
	})
}

// deckColumns are read by scanDeck; the last is the deck's view ids in
// order.
const deckColumns = `d.id, d.title_en, d.title_bn, d.subtitle_en, d.subtitle_bn, d.created_by, d.created_at, d.updated_at,
	coalesce((SELECT array_agg(dv.view_id ORDER BY dv.pos) FROM guccho.deck_views dv WHERE dv.deck_id = d.id), '{}')`

func scanDeck(row pgx.Row) (*deck.Deck, error) {
	var d deck.Deck
	err := row.Scan(&d.ID, &d.Title.EN, &d.Title.BN, &d.Subtitle.EN, &d.Subtitle.BN, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &d.ViewIDs)
	if err != nil {
		return nil, err
	}
	if d.ViewIDs == nil {
		d.ViewIDs = []string{}
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return &d, nil
}

// putSlides replaces a deck's slides with d.ViewIDs; a view that does not
// exist is EINVALID naming its index (deck.MissingViewError). The views
// are locked against deletion until the transaction ends.
func putSlides(ctx context.Context, tx pgx.Tx, d *deck.Deck) error {
	if d.ViewIDs == nil {
		d.ViewIDs = []string{}
	}
	var missing int64
	err := tx.QueryRow(ctx, `SELECT u.i FROM unnest($1::text[]) WITH ORDINALITY AS u(id, i)
		LEFT JOIN (SELECT id FROM guccho.views WHERE id = ANY($1) FOR SHARE) v ON v.id = u.id
		WHERE v.id IS NULL ORDER BY u.i LIMIT 1`, d.ViewIDs).Scan(&missing)
	switch {
	case err == nil:
		return deck.MissingViewError(int(missing-1), d.ViewIDs[missing-1])
	case !errors.Is(err, pgx.ErrNoRows):
		return dbErr(err, "check the views of a deck")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM guccho.deck_views WHERE deck_id = $1`, d.ID); err != nil {
		return dbErr(err, "clear the views of a deck")
	}
	_, err = tx.Exec(ctx, `INSERT INTO guccho.deck_views (deck_id, pos, view_id)
		SELECT $1, u.i - 1, u.id FROM unnest($2::text[]) WITH ORDINALITY AS u(id, i)`, d.ID, d.ViewIDs)
	return dbErr(err, "store the views of a deck")
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
	return s.deckTx(ctx, &deck.Change{Action: "created", Kind: "deck", ID: d.ID}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO guccho.decks (id, title_en, title_bn, subtitle_en, subtitle_bn, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING created_at, updated_at`,
			d.ID, d.Title.EN, d.Title.BN, d.Subtitle.EN, d.Subtitle.BN, d.CreatedBy).Scan(&d.CreatedAt, &d.UpdatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ECONFLICT, "deck %q exists already", d.ID)
		}
		if err != nil {
			return dbErr(err, "store deck")
		}
		d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		return putSlides(ctx, tx, d)
	})
}

// UpdateDeck replaces a deck's titles and slides; ENOTFOUND if it is
// absent. It fills in d's stored CreatedBy and CreatedAt.
func (s *Store) UpdateDeck(ctx context.Context, d *deck.Deck) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.deckTx(ctx, &deck.Change{Action: "updated", Kind: "deck", ID: d.ID}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE guccho.decks SET title_en = $2, title_bn = $3, subtitle_en = $4, subtitle_bn = $5,
			updated_at = now() WHERE id = $1 RETURNING created_by, created_at, updated_at`,
			d.ID, d.Title.EN, d.Title.BN, d.Subtitle.EN, d.Subtitle.BN).Scan(&d.CreatedBy, &d.CreatedAt, &d.UpdatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no deck %q", d.ID)
		}
		if err != nil {
			return dbErr(err, "update deck")
		}
		d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		return putSlides(ctx, tx, d)
	})
}

// FindDeckByID returns one deck with its view ids in order, or ENOTFOUND.
func (s *Store) FindDeckByID(ctx context.Context, id string) (*deck.Deck, error) {
	d, err := scanDeck(s.pool.QueryRow(ctx, `SELECT `+deckColumns+` FROM guccho.decks d WHERE d.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no deck %q", id)
	}
	return d, dbErr(err, "read deck")
}

// FindDecks lists every deck with its view ids, newest first.
func (s *Store) FindDecks(ctx context.Context) ([]deck.Deck, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deckColumns+` FROM guccho.decks d ORDER BY d.seq DESC`)
	if err != nil {
		return nil, dbErr(err, "list decks")
	}
	defer rows.Close()
	out := []deck.Deck{}
	for rows.Next() {
		d, err := scanDeck(rows)
		if err != nil {
			return nil, dbErr(err, "list decks")
		}
		out = append(out, *d)
	}
	return out, dbErr(rows.Err(), "list decks")
}

// DeleteDeck removes a deck (its views stay); ENOTFOUND if it is absent.
func (s *Store) DeleteDeck(ctx context.Context, id string) error {
	return s.deckTx(ctx, &deck.Change{Action: "deleted", Kind: "deck", ID: id}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM guccho.decks WHERE id = $1`, id)
		if err != nil {
			return dbErr(err, "delete deck")
		}
		if tag.RowsAffected() == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no deck %q", id)
		}
		return nil
	})
}
