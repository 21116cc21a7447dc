-- The enterprises and jobs per unit and sector at every level that
-- AggregateJobs reads (1 division, 2 district, 3 upazila, 4 union; unit ''
-- for enterprises not resolved to the level): what location quotients,
-- Moran's I and hot spots divide and compare. Every write keeps it in step
-- in its own transaction, as it keeps the count pyramid (enterprise_cells),
-- so those national sums are a read of a few thousand rows instead of a
-- pass over every enterprise; a row whose enterprises reach zero goes.
CREATE TABLE unit_counts (
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    unit        TEXT    NOT NULL,
    sector      TEXT    NOT NULL,
    enterprises INTEGER NOT NULL CHECK (enterprises >= 0),
    self        INTEGER NOT NULL,
    wage        INTEGER NOT NULL,
    PRIMARY KEY (level, unit, sector)
) WITHOUT ROWID;

-- The sums of the enterprises stored so far, counted as AggregateJobs
-- counted them before this table (jobs from the record's employment), in
-- one pass over the records: per union and sector first, then rolled up.
INSERT INTO unit_counts (level, unit, sector, enterprises, self, wage)
WITH g AS MATERIALIZED (
    SELECT division, district, upazila, union_code, sector, count(*) AS n,
        total(json_extract(doc, '$.employment.self')) AS self, total(json_extract(doc, '$.employment.wage')) AS wage
    FROM enterprises GROUP BY division, district, upazila, union_code, sector)
SELECT 1, division, sector, sum(n), total(self), total(wage) FROM g GROUP BY division, sector
UNION ALL
SELECT 2, district, sector, sum(n), total(self), total(wage) FROM g GROUP BY district, sector
UNION ALL
SELECT 3, upazila, sector, sum(n), total(self), total(wage) FROM g GROUP BY upazila, sector
UNION ALL
SELECT 4, union_code, sector, sum(n), total(self), total(wage) FROM g GROUP BY union_code, sector;
