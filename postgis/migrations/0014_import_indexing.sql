-- Imports in two phases (guccho.ImportLoading, guccho.ImportIndexing): while
-- an import loads its rows it leaves the count pyramid alone and notes, per
-- row it writes, the points whose cells it will add and take out
-- (import_points: +1 for the row's new place, -1 for the saved prior place
-- of a row it updated, each as its cell at tiles.MaxCellZoom, worked out in
-- Go exactly as tiles.CellsOf does). Its commit sums them per cell of every
-- pyramid zoom into import_cells (the import's net deltas, in one
-- statement) and then adds those to enterprise_cells in key order, in short
-- transactions that each move the import's cursor past the cells they
-- wrote, so a crash part-way resumes at the next cell.
--
-- imports.pyramid says how much of an import the pyramid holds:
-- 'loading' none of it (a rollback must not take its rows out of the
-- pyramid), 'indexing' the cells up to the cursor, 'indexed' all of it
-- (every import from before this migration: they kept the pyramid as they
-- went).
ALTER TABLE guccho.imports
    ADD COLUMN pyramid text NOT NULL DEFAULT 'indexed' CHECK (pyramid IN ('loading', 'indexing', 'indexed')),
    ADD COLUMN cursor_z smallint,
    ADD COLUMN cursor_x int,
    ADD COLUMN cursor_y int,
    ADD COLUMN cursor_sector text;

-- No index: the table holds only the points of imports still running, and
-- is read and emptied as a whole, one import at a time.
CREATE TABLE guccho.import_points (
    import_id text NOT NULL REFERENCES guccho.imports (id) ON DELETE CASCADE,
    sign      smallint NOT NULL CHECK (sign IN (-1, 1)),
    sector    text NOT NULL,
    x         int NOT NULL,
    y         int NOT NULL
);

CREATE TABLE guccho.import_cells (
    import_id text NOT NULL REFERENCES guccho.imports (id) ON DELETE CASCADE,
    z         smallint NOT NULL,
    x         int NOT NULL,
    y         int NOT NULL,
    sector    text NOT NULL,
    n         int NOT NULL CHECK (n <> 0),
    -- the cells at tiles.MaxCellZoom (the points' x0..x1, y0..y1) that
    -- the cell's points fall in: its indexing event's bounding box
    x0        int NOT NULL,
    y0        int NOT NULL,
    x1        int NOT NULL,
    y1        int NOT NULL,
    PRIMARY KEY (import_id, z, x, y, sector)
);
