-- Administrative units of the COD-AB hierarchy, in SRID 4326.
CREATE TABLE guccho.admin_units (
    id              bigint PRIMARY KEY,          -- geo.FeatureID(pcode)
    pcode           text NOT NULL UNIQUE CHECK (pcode ~ '^BD([0-9]{2}){0,4}$'),
    level           smallint NOT NULL CHECK (level BETWEEN 0 AND 4 AND length(pcode) = 2 + 2 * level),
    -- NULL for the country and for divisions (their parent, the country, may be absent).
    parent          text REFERENCES guccho.admin_units (pcode) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
                         CHECK (parent IS NULL OR left(pcode, length(parent)) = parent),
    name_en         text NOT NULL CHECK (name_en <> ''),
    name_en_current text NOT NULL,
    name_bn         text NOT NULL DEFAULT '',
    type            text NOT NULL DEFAULT '',
    area_km2        double precision NOT NULL DEFAULT 0,
    label           geometry(Point, 4326) NOT NULL,
    geom            geometry(MultiPolygon, 4326) NOT NULL,
    -- Web Mercator copy for tiles, kept by PostgreSQL.
    geom_3857       geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX admin_units_geom ON guccho.admin_units USING gist (geom);
CREATE INDEX admin_units_parent ON guccho.admin_units (parent);
-- One index per level: reverse geocoding looks only at unions, and each tile
-- layer only at its level, so partial indexes keep every search to one level.
CREATE INDEX admin_units_geom_l1 ON guccho.admin_units USING gist (geom) WHERE level = 1;
CREATE INDEX admin_units_geom_l2 ON guccho.admin_units USING gist (geom) WHERE level = 2;
CREATE INDEX admin_units_geom_l3 ON guccho.admin_units USING gist (geom) WHERE level = 3;
CREATE INDEX admin_units_geom_l4 ON guccho.admin_units USING gist (geom) WHERE level = 4;
CREATE INDEX admin_units_geom_3857_l1 ON guccho.admin_units USING gist (geom_3857) WHERE level = 1;
CREATE INDEX admin_units_geom_3857_l2 ON guccho.admin_units USING gist (geom_3857) WHERE level = 2;
CREATE INDEX admin_units_geom_3857_l3 ON guccho.admin_units USING gist (geom_3857) WHERE level = 3;
CREATE INDEX admin_units_geom_3857_l4 ON guccho.admin_units USING gist (geom_3857) WHERE level = 4;

-- Every name of a unit, for search.
CREATE TABLE guccho.admin_names (
    pcode  text NOT NULL REFERENCES guccho.admin_units (pcode) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    ord    int  NOT NULL,
    name   text NOT NULL CHECK (name <> ''),
    lang   text NOT NULL CHECK (lang IN ('en', 'bn')),
    source text NOT NULL,
    PRIMARY KEY (pcode, name)
);

-- Small facts about the store, e.g. the boundary set's version.
CREATE TABLE guccho.meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
