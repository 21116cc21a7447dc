-- The previous version of every enterprise an import updated or found
-- unchanged, saved by the import's chunk before it wrote the row, so the
-- import can be undone as a whole. Rows an import created are those whose
-- import_id is the import's and that have no row here. prior_import_id is
-- the import that had written the saved version (NULL for an edit).
CREATE TABLE guccho.import_undo (
    import_id       text NOT NULL REFERENCES guccho.imports (id) ON DELETE CASCADE,
    fid             bigint NOT NULL,
    id              text NOT NULL,
    name            text NOT NULL,
    sector          text NOT NULL,
    method          text NOT NULL,
    geom            geometry(Point, 4326),
    display_point   boolean NOT NULL,
    synthetic       boolean NOT NULL,
    division        text NOT NULL,
    district        text NOT NULL,
    upazila         text NOT NULL,
    union_code      text NOT NULL,
    prior_import_id text,
    import_row      int,
    content_hash    text NOT NULL,
    doc             jsonb NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (import_id, fid)
);
CREATE INDEX import_undo_prior ON guccho.import_undo (prior_import_id);
