-- Where an import stands with the map's indexes of its rows (the count
-- pyramid enterprise_cells and the R*Tree enterprise_rtree), which its
-- loading phase leaves alone and its indexing phase writes at the end, in
-- chunks (docs/import.md#phases). phase: 'loading' (nothing of the import
-- is indexed: a roll-back leaves the indexes alone), 'indexing' (the
-- cursors say how far it got), 'indexed'. An import with no row here was
-- indexed chunk by chunk as it loaded (before this migration).
-- rtree_key, rtree_fid: the last R*Tree entry written (spatial key, fid);
-- cell_z, cell_x, cell_y, cell_sector: the last pyramid counter written.
CREATE TABLE import_indexing (
    import_id   TEXT    PRIMARY KEY REFERENCES imports (id) ON DELETE CASCADE,
    phase       TEXT    NOT NULL CHECK (phase IN ('loading', 'indexing', 'indexed')),
    rtree_done  INTEGER NOT NULL DEFAULT 0,
    rtree_key   INTEGER,
    rtree_fid   INTEGER,
    cell_z      INTEGER,
    cell_x      INTEGER,
    cell_y      INTEGER,
    cell_sector TEXT
);

-- Imports a crash left running or undoing under the code before this
-- migration were indexed chunk by chunk: a roll-back or undo subtracts
-- what they wrote from the indexes, and they cannot be resumed in two
-- phases (BeginImport refuses them).
INSERT INTO import_indexing (import_id, phase)
    SELECT id, 'indexed' FROM imports WHERE status IN ('running', 'undoing');
