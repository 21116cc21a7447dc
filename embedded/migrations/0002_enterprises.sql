-- Enterprises, as imported and geocoded. The whole record is kept as JSON in
-- doc; the columns repeat what queries filter and tiles draw.
CREATE TABLE enterprises (
    fid           INTEGER PRIMARY KEY,              -- feature id in tiles, stable across updates
    id            TEXT    NOT NULL UNIQUE CHECK (id <> ''),
    name          TEXT    NOT NULL DEFAULT '',
    sector        TEXT    NOT NULL CHECK (sector <> ''),
    method        TEXT    NOT NULL CHECK (method IN ('gps', 'union', 'upazila', 'district', 'division', 'none')),
    lon           REAL,                             -- map point; NULL when not placed
    lat           REAL,
    display_point INTEGER NOT NULL DEFAULT 0,
    synthetic     INTEGER NOT NULL DEFAULT 0,
    division      TEXT    NOT NULL DEFAULT '',
    district      TEXT    NOT NULL DEFAULT '',
    upazila       TEXT    NOT NULL DEFAULT '',
    union_code    TEXT    NOT NULL DEFAULT '',
    import_id     TEXT,
    import_row    INTEGER,
    content_hash  TEXT    NOT NULL,
    doc           TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX enterprises_sector ON enterprises (sector);
CREATE INDEX enterprises_district ON enterprises (district);
CREATE INDEX enterprises_upazila ON enterprises (upazila);
CREATE INDEX enterprises_import ON enterprises (import_id);

-- Map points of placed enterprises (id = enterprises.fid).
CREATE VIRTUAL TABLE enterprise_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);

-- The count pyramid behind low-zoom tiles: enterprises per sector per cell,
-- a cell being the Web Mercator tile (x, y) at zoom z (see tiles.CellsOf).
CREATE TABLE enterprise_cells (
    z      INTEGER NOT NULL,
    x      INTEGER NOT NULL,
    y      INTEGER NOT NULL,
    sector TEXT    NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (z, x, y, sector)
) WITHOUT ROWID;

-- Imports and their reports (doc: the guccho.Import as JSON).
CREATE TABLE imports (
    id         TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    started_at TEXT NOT NULL,
    doc        TEXT NOT NULL
);

-- Rows an import could not store; cells is the row as read, JSON.
CREATE TABLE import_failures (
    import_id TEXT    NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    row       INTEGER NOT NULL,
    field     TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    cells     TEXT    NOT NULL DEFAULT '{}',
    PRIMARY KEY (import_id, seq)
);

-- API tokens; only a hash of each secret is stored.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
