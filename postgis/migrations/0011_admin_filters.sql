-- Every admin level's column has an index, so that a filter on a division or
-- a union (GET /api/enterprises?admin=…, /api/enterprises/stats?admin=…)
-- and the profile of such a unit (AggregateUnit) read that unit's rows, not
-- the whole table (districts and upazilas have theirs since 0002).
CREATE INDEX enterprises_division ON guccho.enterprises (division);
CREATE INDEX enterprises_union ON guccho.enterprises (union_code);
