-- The map points of placed enterprises as a B-tree keyed by their Morton
-- code (tiles.PointKey, computed here by guccho_point_key, which the store
-- registers on every connection), in place of the R*Tree enterprise_rtree:
-- a tile or a box is read as a few key ranges, and an import's indexing
-- appends its points in key order (docs/import.md#speed).
CREATE TABLE enterprise_points (
    key INTEGER NOT NULL, -- tiles.PointKey of the enterprise's point
    fid INTEGER NOT NULL, -- enterprises.fid
    PRIMARY KEY (key, fid)
) WITHOUT ROWID;

-- What the R*Tree held: the point of every placed enterprise, except the
-- rows of an import whose indexing has not written its points yet (phase
-- loading, or indexing with its R*Tree pass unfinished), which held the
-- point of the version the import wrote over (its undo copy), if any.
WITH unindexed (import_id) AS (
    SELECT import_id FROM import_indexing WHERE phase = 'loading' OR (phase = 'indexing' AND NOT rtree_done)
)
INSERT INTO enterprise_points (key, fid)
SELECT guccho_point_key(lon, lat), fid FROM (
    SELECT fid, lon, lat FROM enterprises
    WHERE lon IS NOT NULL AND lat IS NOT NULL
      AND (import_id IS NULL OR import_id NOT IN (SELECT import_id FROM unindexed))
    UNION ALL
    SELECT u.fid, u.lon, u.lat FROM import_undo u JOIN unindexed x ON x.import_id = u.import_id
    WHERE u.lon IS NOT NULL AND u.lat IS NOT NULL
)
ORDER BY 1, 2;

-- An import stopped in its R*Tree pass writes all its points again, from
-- the state above: its cursor was an R*Tree order.
UPDATE import_indexing SET rtree_key = NULL, rtree_fid = NULL WHERE phase = 'indexing' AND NOT rtree_done;
ALTER TABLE import_indexing RENAME COLUMN rtree_done TO points_done;
ALTER TABLE import_indexing RENAME COLUMN rtree_key TO points_key;
ALTER TABLE import_indexing RENAME COLUMN rtree_fid TO points_fid;

DROP TABLE enterprise_rtree;
