-- Imports' review queues and the aliases learnt from editors' fixes.
-- A review item is kept whole as JSON in doc (guccho.ReviewItem); status
-- is what listing filters on. 0007 is another change's number: migrations
-- apply in file-name order, and a gap is fine.
CREATE TABLE import_review (
    import_id     TEXT    NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row           INTEGER NOT NULL,
    enterprise_id TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'decided')),
    doc           TEXT    NOT NULL,
    PRIMARY KEY (import_id, row)
);

-- An alias: the normalised name of a place field at a level, stated inside
-- the unit within ('' for nationwide), means the unit pcode.
CREATE TABLE geocode_aliases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    level      TEXT NOT NULL CHECK (level IN ('division', 'district', 'upazila', 'union')),
    within     TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL CHECK (name <> ''),
    pcode      TEXT NOT NULL CHECK (pcode <> ''),
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (level, within, name)
);
