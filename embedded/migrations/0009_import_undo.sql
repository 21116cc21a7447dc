-- The previous version of every enterprise an import updated or found
-- unchanged, saved by the import's chunk before it wrote the row, so the
-- import can be undone as a whole. Rows an import created are those whose
-- import_id is the import's and that have no row here. prior_import_id is
-- the import that had written the saved version (NULL for an edit).
CREATE TABLE import_undo (
    import_id       TEXT    NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    fid             INTEGER NOT NULL,
    id              TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    sector          TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    lon             REAL,
    lat             REAL,
    display_point   INTEGER NOT NULL,
    synthetic       INTEGER NOT NULL,
    division        TEXT    NOT NULL,
    district        TEXT    NOT NULL,
    upazila         TEXT    NOT NULL,
    union_code      TEXT    NOT NULL,
    prior_import_id TEXT,
    import_row      INTEGER,
    content_hash    TEXT    NOT NULL,
    doc             TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (import_id, fid)
) WITHOUT ROWID;
CREATE INDEX import_undo_prior ON import_undo (prior_import_id);
