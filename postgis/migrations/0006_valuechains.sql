-- Value chains: a chain's scope, its actors (with a point geometry when
-- placed) and its links. Rows keep the order they were added in (seq). The
-- rules of a valid chain live in package valuechain (Check), which every
-- write runs over the resulting chain; the keys here only guard against a bug.
CREATE TABLE guccho.valuechains (
    id         text PRIMARY KEY CHECK (id <> ''),
    name       text NOT NULL DEFAULT '',
    name_bn    text NOT NULL DEFAULT '',
    sector     text NOT NULL CHECK (sector <> ''),
    cluster    text NOT NULL DEFAULT '',
    admin      text NOT NULL DEFAULT '',
    synthetic  boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX valuechains_sector ON guccho.valuechains (sector);

CREATE TABLE guccho.valuechain_actors (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chain_id      text NOT NULL REFERENCES guccho.valuechains (id) ON DELETE CASCADE,
    id            text NOT NULL CHECK (id <> ''),
    name          text NOT NULL DEFAULT '',
    name_bn       text NOT NULL DEFAULT '',
    role          text NOT NULL,
    sector        text NOT NULL DEFAULT '',
    enterprise_id text NOT NULL DEFAULT '',
    admin         text NOT NULL DEFAULT '',
    location      text NOT NULL DEFAULT '',
    geom          geometry(Point, 4326),  -- NULL when not placed
    UNIQUE (chain_id, id)
);
CREATE INDEX valuechain_actors_geom ON guccho.valuechain_actors USING gist (geom);

CREATE TABLE guccho.valuechain_links (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chain_id   text NOT NULL REFERENCES guccho.valuechains (id) ON DELETE CASCADE,
    id         text NOT NULL CHECK (id <> ''),
    from_actor text NOT NULL,
    to_actor   text NOT NULL,
    flow       text NOT NULL,
    product    text NOT NULL DEFAULT '',
    volume     double precision NOT NULL DEFAULT 0,
    unit       text NOT NULL DEFAULT '',
    value      double precision NOT NULL DEFAULT 0,
    period     text NOT NULL DEFAULT '',
    UNIQUE (chain_id, id),
    FOREIGN KEY (chain_id, from_actor) REFERENCES guccho.valuechain_actors (chain_id, id) ON DELETE CASCADE,
    FOREIGN KEY (chain_id, to_actor) REFERENCES guccho.valuechain_actors (chain_id, id) ON DELETE CASCADE
);
-- The foreign keys' own columns, so that deleting an actor finds its links
-- (and the cascade) without scanning every link.
CREATE INDEX valuechain_links_from ON guccho.valuechain_links (chain_id, from_actor);
CREATE INDEX valuechain_links_to ON guccho.valuechain_links (chain_id, to_actor);
