-- Common service centres. The record is kept whole in doc (JSON); the
-- columns beside it are what filters read. Admin P-codes are resolved from
-- the point by the store on every write.
CREATE TABLE centres (
    id         TEXT PRIMARY KEY CHECK (id <> ''),
    sector     TEXT NOT NULL DEFAULT '',
    lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    division   TEXT NOT NULL DEFAULT '',
    district   TEXT NOT NULL DEFAULT '',
    upazila    TEXT NOT NULL DEFAULT '',
    union_code TEXT NOT NULL DEFAULT '',
    doc        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX centres_sector ON centres (sector);
