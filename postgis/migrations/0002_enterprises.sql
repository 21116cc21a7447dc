-- Enterprises, as imported and geocoded. The whole record is kept as jsonb in
-- doc; the columns repeat what queries filter and tiles draw.
CREATE TABLE guccho.enterprises (
    fid           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- feature id in tiles
    id            text NOT NULL UNIQUE CHECK (id <> ''),
    name          text NOT NULL DEFAULT '',
    sector        text NOT NULL CHECK (sector <> ''),
    method        text NOT NULL CHECK (method IN ('gps', 'union', 'upazila', 'district', 'division', 'none')),
    geom          geometry(Point, 4326),  -- map point; NULL when not placed
    geom_3857     geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    display_point boolean NOT NULL DEFAULT false,
    synthetic     boolean NOT NULL DEFAULT false,
    division      text NOT NULL DEFAULT '',
    district      text NOT NULL DEFAULT '',
    upazila       text NOT NULL DEFAULT '',
    union_code    text NOT NULL DEFAULT '',
    import_id     text,
    import_row    int,
    content_hash  text NOT NULL,
    doc           jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX enterprises_geom ON guccho.enterprises USING gist (geom);
CREATE INDEX enterprises_geom_3857 ON guccho.enterprises USING gist (geom_3857);
CREATE INDEX enterprises_sector ON guccho.enterprises (sector);
CREATE INDEX enterprises_district ON guccho.enterprises (district);
CREATE INDEX enterprises_upazila ON guccho.enterprises (upazila);
CREATE INDEX enterprises_import ON guccho.enterprises (import_id);

-- The count pyramid behind low-zoom tiles (see tiles.CellsOf).
CREATE TABLE guccho.enterprise_cells (
    z      smallint NOT NULL,
    x      int NOT NULL,
    y      int NOT NULL,
    sector text NOT NULL,
    n      int NOT NULL CHECK (n >= 0),
    PRIMARY KEY (z, x, y, sector)
);

CREATE TABLE guccho.imports (
    id         text PRIMARY KEY,
    status     text NOT NULL,
    started_at timestamptz NOT NULL,
    doc        jsonb NOT NULL
);

CREATE TABLE guccho.import_failures (
    import_id text NOT NULL REFERENCES guccho.imports (id) ON DELETE CASCADE,
    seq       int NOT NULL,
    row       int NOT NULL,
    field     text NOT NULL,
    reason    text NOT NULL,
    cells     jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE guccho.tokens (
    id         text PRIMARY KEY,
    name       text NOT NULL DEFAULT '',
    role       text NOT NULL CHECK (role IN ('editor', 'admin')),
    hash       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);
