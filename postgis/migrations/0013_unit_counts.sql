-- The enterprises and jobs per unit and sector at every level that
-- AggregateJobs reads (1 division, 2 district, 3 upazila, 4 union; unit ''
-- for enterprises not resolved to the level): what location quotients,
-- Moran's I and hot spots divide and compare. Every write keeps it in step
-- in its own transaction, under the count pyramid's advisory lock, as it
-- keeps enterprise_cells, so those national sums are a read of a few
-- thousand rows instead of a pass over every enterprise; a row whose
-- enterprises reach zero goes.
CREATE TABLE guccho.unit_counts (
    level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
    unit        text NOT NULL,
    sector      text NOT NULL,
    enterprises int NOT NULL CHECK (enterprises >= 0),
    self        bigint NOT NULL,
    wage        bigint NOT NULL,
    PRIMARY KEY (level, unit, sector)
);

-- The sums of the enterprises stored so far, counted as AggregateJobs
-- counted them before this table (jobs from the record's employment), in
-- one pass over the records: per union and sector first, then rolled up.
INSERT INTO guccho.unit_counts (level, unit, sector, enterprises, self, wage)
WITH g AS MATERIALIZED (
    SELECT division, district, upazila, union_code, sector, count(*) AS n,
        coalesce(sum((doc->'employment'->>'self')::bigint), 0) AS self,
        coalesce(sum((doc->'employment'->>'wage')::bigint), 0) AS wage
    FROM guccho.enterprises GROUP BY division, district, upazila, union_code, sector)
SELECT 1, division, sector, sum(n), sum(self), sum(wage) FROM g GROUP BY division, sector
UNION ALL
SELECT 2, district, sector, sum(n), sum(self), sum(wage) FROM g GROUP BY district, sector
UNION ALL
SELECT 3, upazila, sector, sum(n), sum(self), sum(wage) FROM g GROUP BY upazila, sector
UNION ALL
SELECT 4, union_code, sector, sum(n), sum(self), sum(wage) FROM g GROUP BY union_code, sector;
