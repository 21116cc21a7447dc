-- Administrative units of the COD-AB hierarchy. Geometry is WKB in EPSG:4326.
CREATE TABLE admin_units (
    id              INTEGER PRIMARY KEY,          -- geo.FeatureID(pcode)
    pcode           TEXT    NOT NULL UNIQUE CHECK (pcode GLOB 'BD*' AND length(pcode) IN (2, 4, 6, 8, 10)),
    level           INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4 AND length(pcode) = 2 + 2 * level),
    -- NULL for the country and for divisions (their parent, the country, may be absent).
    parent          TEXT    REFERENCES admin_units (pcode) ON DELETE CASCADE
                            CHECK (parent IS NULL OR substr(pcode, 1, length(parent)) = parent),
    name_en         TEXT    NOT NULL CHECK (name_en <> ''),
    name_en_current TEXT    NOT NULL,
    name_bn         TEXT    NOT NULL DEFAULT '',
    type            TEXT    NOT NULL DEFAULT '',
    area_km2        REAL    NOT NULL DEFAULT 0,
    label_lon       REAL    NOT NULL,
    label_lat       REAL    NOT NULL,
    geom            BLOB    NOT NULL
);
CREATE INDEX admin_units_parent ON admin_units (parent);
CREATE INDEX admin_units_level ON admin_units (level);

-- Every name of a unit, for search: COD-AB, current official, variants, Bangla.
CREATE TABLE admin_names (
    pcode  TEXT NOT NULL REFERENCES admin_units (pcode) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    lang   TEXT NOT NULL CHECK (lang IN ('en', 'bn')),
    source TEXT NOT NULL,
    PRIMARY KEY (pcode, name)
);

-- Bounding boxes of admin_units (id = admin_units.id).
CREATE VIRTUAL TABLE admin_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);

-- Small facts about the store, e.g. the boundary set's version.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
