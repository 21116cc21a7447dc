-- Value chains: a chain's scope, its actors and its links. Rows keep the
-- order they were added in (seq). The rules of a valid chain live in package
-- valuechain (Check), which every write runs over the resulting chain; the
-- keys here only guard against a bug.
CREATE TABLE valuechains (
    id         TEXT    PRIMARY KEY CHECK (id <> ''),
    name       TEXT    NOT NULL DEFAULT '',
    name_bn    TEXT    NOT NULL DEFAULT '',
    sector     TEXT    NOT NULL CHECK (sector <> ''),
    cluster    TEXT    NOT NULL DEFAULT '',
    admin      TEXT    NOT NULL DEFAULT '',
    synthetic  INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT    NOT NULL
);
CREATE INDEX valuechains_sector ON valuechains (sector);

CREATE TABLE valuechain_actors (
    seq           INTEGER PRIMARY KEY,
    chain_id      TEXT NOT NULL REFERENCES valuechains (id) ON DELETE CASCADE,
    id            TEXT NOT NULL CHECK (id <> ''),
    name          TEXT NOT NULL DEFAULT '',
    name_bn       TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    sector        TEXT NOT NULL DEFAULT '',
    enterprise_id TEXT NOT NULL DEFAULT '',
    admin         TEXT NOT NULL DEFAULT '',
    location      TEXT NOT NULL DEFAULT '',
    lon           REAL,                      -- NULL when not placed
    lat           REAL,
    UNIQUE (chain_id, id)
);

CREATE TABLE valuechain_links (
    seq        INTEGER PRIMARY KEY,
    chain_id   TEXT NOT NULL REFERENCES valuechains (id) ON DELETE CASCADE,
    id         TEXT NOT NULL CHECK (id <> ''),
    from_actor TEXT NOT NULL,
    to_actor   TEXT NOT NULL,
    flow       TEXT NOT NULL,
    product    TEXT NOT NULL DEFAULT '',
    volume     REAL NOT NULL DEFAULT 0,
    unit       TEXT NOT NULL DEFAULT '',
    value      REAL NOT NULL DEFAULT 0,
    period     TEXT NOT NULL DEFAULT '',
    UNIQUE (chain_id, id),
    FOREIGN KEY (chain_id, from_actor) REFERENCES valuechain_actors (chain_id, id) ON DELETE CASCADE,
    FOREIGN KEY (chain_id, to_actor) REFERENCES valuechain_actors (chain_id, id) ON DELETE CASCADE
);
-- The foreign keys' own columns, so that deleting an actor finds its links
-- (and the cascade) without scanning every link.
CREATE INDEX valuechain_links_from ON valuechain_links (chain_id, from_actor);
CREATE INDEX valuechain_links_to ON valuechain_links (chain_id, to_actor);
