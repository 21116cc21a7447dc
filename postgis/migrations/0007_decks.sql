-- Saved views and decks (package deck). A view's texts and state are
-- columns; its parameters are one jsonb object of strings. A deck's slides
-- are rows of deck_views in position order; deleting a view removes its
-- slides from every deck (the cascade). seq keeps the order rows were
-- created in, for "newest first" lists.
CREATE TABLE guccho.views (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          text NOT NULL UNIQUE CHECK (id <> ''),
    title_en    text NOT NULL DEFAULT '',
    title_bn    text NOT NULL DEFAULT '',
    subtitle_en text NOT NULL DEFAULT '',
    subtitle_bn text NOT NULL DEFAULT '',
    notes_en    text NOT NULL DEFAULT '',
    notes_bn    text NOT NULL DEFAULT '',
    state_v     integer NOT NULL CHECK (state_v >= 1),
    state_view  text NOT NULL DEFAULT '',
    params      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE guccho.decks (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          text NOT NULL UNIQUE CHECK (id <> ''),
    title_en    text NOT NULL DEFAULT '',
    title_bn    text NOT NULL DEFAULT '',
    subtitle_en text NOT NULL DEFAULT '',
    subtitle_bn text NOT NULL DEFAULT '',
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE guccho.deck_views (
    deck_id text NOT NULL REFERENCES guccho.decks (id) ON DELETE CASCADE,
    pos     integer NOT NULL,
    view_id text NOT NULL REFERENCES guccho.views (id) ON DELETE CASCADE,
    PRIMARY KEY (deck_id, pos)
);
-- The cascade from views finds a view's slides without scanning them all.
CREATE INDEX deck_views_view ON guccho.deck_views (view_id);
