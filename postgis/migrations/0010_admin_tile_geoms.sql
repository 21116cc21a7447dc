-- Admin units prepared for tiles: one row per unit and zoom its layer serves,
-- geometry simplified and quantised for that zoom once, when the boundaries
-- are stored, rather than on every tile request. The rows are filled by the
-- store (postgis/tiles.go, fillTileGeoms) from admin_units; meta key
-- admin_tile_geoms names the boundary version and preparation they hold.
CREATE TABLE guccho.admin_tile_geoms (
    level         smallint NOT NULL,
    zoom          smallint NOT NULL,
    id            bigint   NOT NULL,  -- admin_units.id, the MVT feature id
    pcode         text     NOT NULL,
    name_en       text     NOT NULL,  -- the current spelling, as tiles carry it
    name_en_codab text     NOT NULL,
    name_bn       text     NOT NULL,
    parent        text     NOT NULL,
    -- In tile units of the whole world at this zoom (4096 · 2^zoom wide), x
    -- east and y north, whole numbers, valid: what ST_AsMVTGeom makes of
    -- the unit simplified to half a pixel at this zoom, before any clipping.
    geom          geometry NOT NULL,
    PRIMARY KEY (level, zoom, id)
);
-- One index per level, as for admin_units. A zoom's tile units are 2^zoom
-- times the world, so Bangladesh's rows at one zoom lie apart from its rows
-- at any other, and a box search at one zoom meets no row of another.
CREATE INDEX admin_tile_geoms_l1 ON guccho.admin_tile_geoms USING gist (geom) WHERE level = 1;
CREATE INDEX admin_tile_geoms_l2 ON guccho.admin_tile_geoms USING gist (geom) WHERE level = 2;
CREATE INDEX admin_tile_geoms_l3 ON guccho.admin_tile_geoms USING gist (geom) WHERE level = 3;
CREATE INDEX admin_tile_geoms_l4 ON guccho.admin_tile_geoms USING gist (geom) WHERE level = 4;
