-- Numbered 0016: 0014 is the imports' indexing phases, 0015 the enterprise
-- filters' composite indexes.
-- The enterprises' Web Mercator copy, geom_3857, was a stored generated
-- column: every write of a row ran ST_Transform (PROJ) on its point and
-- put the result in a second GiST index. One query read it, the point
-- tiles' bounding-box test, which now transforms the tile's envelope to
-- lon/lat once per tile and uses the lon/lat index (enterprises_geom; a Web
-- Mercator rectangle is a lon/lat rectangle, so the test selects the same
-- rows). Measured on 200,000 rows: the column cost about 7 µs and its index
-- about 5 µs of each row's 35 µs insert.
DROP INDEX guccho.enterprises_geom_3857;
ALTER TABLE guccho.enterprises DROP COLUMN geom_3857;
