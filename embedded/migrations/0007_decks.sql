-- Saved views and decks (package deck). A view's texts and state are
-- columns; its parameters are one JSON object. A deck's slides are rows of
-- deck_views in position order; deleting a view removes its slides from
-- every deck (the cascade). seq keeps the order rows were created in, for
-- "newest first" lists.
CREATE TABLE views (
    seq         INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE CHECK (id <> ''),
    title_en    TEXT    NOT NULL DEFAULT '',
    title_bn    TEXT    NOT NULL DEFAULT '',
    subtitle_en TEXT    NOT NULL DEFAULT '',
    subtitle_bn TEXT    NOT NULL DEFAULT '',
    notes_en    TEXT    NOT NULL DEFAULT '',
    notes_bn    TEXT    NOT NULL DEFAULT '',
    state_v     INTEGER NOT NULL CHECK (state_v >= 1),
    state_view  TEXT    NOT NULL DEFAULT '',
    params      TEXT    NOT NULL DEFAULT '{}', -- JSON object of strings
    created_by  TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE decks (
    seq         INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE CHECK (id <> ''),
    title_en    TEXT    NOT NULL DEFAULT '',
    title_bn    TEXT    NOT NULL DEFAULT '',
    subtitle_en TEXT    NOT NULL DEFAULT '',
    subtitle_bn TEXT    NOT NULL DEFAULT '',
    created_by  TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE deck_views (
    deck_id TEXT    NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    pos     INTEGER NOT NULL,
    view_id TEXT    NOT NULL REFERENCES views (id) ON DELETE CASCADE,
    PRIMARY KEY (deck_id, pos)
);
-- The cascade from views finds a view's slides without scanning them all.
CREATE INDEX deck_views_view ON deck_views (view_id);
