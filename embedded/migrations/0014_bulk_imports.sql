-- bulk: the import began on a store holding no enterprises, with no other
-- import running or undoing, and dropped the secondary indexes of
-- enterprises (embedded/bulk.go) in the transaction that decided it. It
-- loads without them; its indexing phase, or its roll-back, builds every
-- missing one again first (docs/import.md#bulk-loads).
ALTER TABLE import_indexing ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0;
