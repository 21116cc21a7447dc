-- unit_counts keyed also by geocode method and synthetic flag, so that
-- EnterpriseStats (counts per sector, per method and synthetic, of the
-- country or of one unit) reads a unit's few rows instead of grouping
-- every enterprise: the whole country is the sum of the division level's
-- rows (unit '' included), a unit the sum of its own rows at its level.
-- AggregateJobs sums a unit and sector's rows over their methods and flags.
-- Every write keeps the table as before; a row whose enterprises reach zero
-- goes.
CREATE TABLE unit_counts_by_method (
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    unit        TEXT    NOT NULL,
    sector      TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    synthetic   INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
    enterprises INTEGER NOT NULL CHECK (enterprises >= 0),
    self        INTEGER NOT NULL,
    wage        INTEGER NOT NULL,
    PRIMARY KEY (level, unit, sector, method, synthetic)
) WITHOUT ROWID;

-- Filled from the stored rows in one pass, as 0011 filled unit_counts.
INSERT INTO unit_counts_by_method (level, unit, sector, method, synthetic, enterprises, self, wage)
WITH g AS MATERIALIZED (
    SELECT division, district, upazila, union_code, sector, method, synthetic, count(*) AS n,
        total(json_extract(doc, '$.employment.self')) AS self, total(json_extract(doc, '$.employment.wage')) AS wage
    FROM enterprises GROUP BY division, district, upazila, union_code, sector, method, synthetic)
SELECT 1, division, sector, method, synthetic, sum(n), total(self), total(wage) FROM g GROUP BY division, sector, method, synthetic
UNION ALL
SELECT 2, district, sector, method, synthetic, sum(n), total(self), total(wage) FROM g GROUP BY district, sector, method, synthetic
UNION ALL
SELECT 3, upazila, sector, method, synthetic, sum(n), total(self), total(wage) FROM g GROUP BY upazila, sector, method, synthetic
UNION ALL
SELECT 4, union_code, sector, method, synthetic, sum(n), total(self), total(wage) FROM g GROUP BY union_code, sector, method, synthetic;

DROP TABLE unit_counts;
ALTER TABLE unit_counts_by_method RENAME TO unit_counts;
