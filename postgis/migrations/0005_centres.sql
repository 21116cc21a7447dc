-- Common service centres. The record is kept whole as jsonb in doc; the
-- columns beside it are what filters read. Admin P-codes are resolved from
-- the point by the store on every write.
CREATE TABLE guccho.centres (
    id         text PRIMARY KEY CHECK (id <> ''),
    sector     text NOT NULL DEFAULT '',
    geom       geometry(Point, 4326) NOT NULL,
    division   text NOT NULL DEFAULT '',
    district   text NOT NULL DEFAULT '',
    upazila    text NOT NULL DEFAULT '',
    union_code text NOT NULL DEFAULT '',
    doc        jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX centres_geom ON guccho.centres USING gist (geom);
CREATE INDEX centres_sector ON guccho.centres (sector);
