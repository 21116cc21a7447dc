-- Imports in two phases (guccho.ImportLoading, guccho.ImportIndexing): an
-- import loads its rows without touching the count pyramid, then its commit
-- adds the cells of the places it created and moved, and takes out those of
-- the places it moved away from (read from import_undo), in key order, in
-- short transactions that each move the import's cursor past the last cell
-- they wrote (postgis/indexing.go), so a crash part-way resumes at the next
-- cell.
--
-- pyramid says how much of an import the pyramid holds: 'loading' none of it
-- (a rollback must not take its rows out of the pyramid, nor put back the
-- places it saved), 'indexing' its cells up to the cursor (z, x, y, sector
-- of the last cell written; NULL before the first), 'indexed' all of it.
-- Imports from before this migration kept the pyramid as they went: they are
-- 'indexed'.
ALTER TABLE guccho.imports
    ADD COLUMN pyramid text NOT NULL DEFAULT 'indexed' CHECK (pyramid IN ('loading', 'indexing', 'indexed')),
    ADD COLUMN cursor_z smallint,
    ADD COLUMN cursor_x int,
    ADD COLUMN cursor_y int,
    ADD COLUMN cursor_sector text;
