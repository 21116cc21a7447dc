-- A page of enterprises of one sector in one district or upazila
-- (GET /api/enterprises?sector=…&admin=…, in feature-id order) reads that
-- pair's rows from one index. Before, the planner took sector and unit for
-- independent: it expected the pair's rows spread evenly through the table
-- and walked the primary key, filtering, until a page was full; where the
-- pair is rare, or its rows lie late in feature-id order, that walk read much
-- of the table (it grew 14–23× from 100,000 to a million enterprises).
-- The statistics on each pair (most common values, up to 1,000 pairs:
-- 64 districts × the sectors fit whole) give the planner the pair's real
-- count, so it reads the composite index instead.
-- Numbered 0015: 0014 is taken by the imports' indexing phases.
CREATE INDEX enterprises_sector_district ON guccho.enterprises (sector, district, fid);
CREATE INDEX enterprises_sector_upazila ON guccho.enterprises (sector, upazila, fid);
CREATE STATISTICS guccho.enterprises_sector_district (mcv) ON sector, district FROM guccho.enterprises;
CREATE STATISTICS guccho.enterprises_sector_upazila (mcv) ON sector, upazila FROM guccho.enterprises;
ALTER STATISTICS guccho.enterprises_sector_district SET STATISTICS 1000;
ALTER STATISTICS guccho.enterprises_sector_upazila SET STATISTICS 1000;
