-- unit_counts keyed also by geocode method and synthetic flag, so that
-- EnterpriseStats (counts per sector, per method and synthetic, of the
-- country or of one unit) reads a unit's few rows instead of grouping
-- every enterprise: the whole country is the sum of the division level's
-- rows (unit '' included), a unit the sum of its own rows at its level.
-- AggregateJobs sums a unit and sector's rows over their methods and flags.
-- Every write keeps the table as before, under the count pyramid's
-- advisory lock; a row whose enterprises reach zero goes.
CREATE TABLE guccho.unit_counts_by_method (
    level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
    unit        text NOT NULL,
    sector      text NOT NULL,
    method      text NOT NULL,
    synthetic   boolean NOT NULL,
    enterprises int NOT NULL CHECK (enterprises >= 0),
    self        bigint NOT NULL,
    wage        bigint NOT NULL,
    PRIMARY KEY (level, unit, sector, method, synthetic)
);

-- Filled from the stored rows in one pass, as 0013 filled unit_counts.
INSERT INTO guccho.unit_counts_by_method (level, unit, sector, method, synthetic, enterprises, self, wage)
WITH g AS MATERIALIZED (
    SELECT division, district, upazila, union_code, sector, method, synthetic, count(*) AS n,
        coalesce(sum((doc->'employment'->>'self')::bigint), 0) AS self,
        coalesce(sum((doc->'employment'->>'wage')::bigint), 0) AS wage
    FROM guccho.enterprises GROUP BY division, district, upazila, union_code, sector, method, synthetic)
SELECT 1, division, sector, method, synthetic, sum(n), sum(self), sum(wage) FROM g GROUP BY division, sector, method, synthetic
UNION ALL
SELECT 2, district, sector, method, synthetic, sum(n), sum(self), sum(wage) FROM g GROUP BY district, sector, method, synthetic
UNION ALL
SELECT 3, upazila, sector, method, synthetic, sum(n), sum(self), sum(wage) FROM g GROUP BY upazila, sector, method, synthetic
UNION ALL
SELECT 4, union_code, sector, method, synthetic, sum(n), sum(self), sum(wage) FROM g GROUP BY union_code, sector, method, synthetic;

DROP TABLE guccho.unit_counts;
ALTER TABLE guccho.unit_counts_by_method RENAME TO unit_counts;
ALTER INDEX guccho.unit_counts_by_method_pkey RENAME TO unit_counts_pkey;
