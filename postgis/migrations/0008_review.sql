-- Imports' review queues and the aliases learnt from editors' fixes.
-- A review item is kept whole as jsonb in doc (guccho.ReviewItem); status
-- is what listing filters on. 0007 is another change's number: migrations
-- apply in file-name order, and a gap is fine.
CREATE TABLE guccho.import_review (
    import_id     text NOT NULL REFERENCES guccho.imports (id) ON DELETE CASCADE,
    row           int  NOT NULL,
    enterprise_id text NOT NULL,
    status        text NOT NULL CHECK (status IN ('open', 'decided')),
    doc           jsonb NOT NULL,
    PRIMARY KEY (import_id, row)
);

-- An alias: the normalised name of a place field at a level, stated inside
-- the unit within ('' for nationwide), means the unit pcode.
CREATE TABLE guccho.geocode_aliases (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level      text NOT NULL CHECK (level IN ('division', 'district', 'upazila', 'union')),
    within     text NOT NULL DEFAULT '',
    name       text NOT NULL CHECK (name <> ''),
    pcode      text NOT NULL CHECK (pcode <> ''),
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    UNIQUE (level, within, name)
);
