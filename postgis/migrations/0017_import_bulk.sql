-- Bulk imports (postgis/bulk.go): an import that begins on a store holding
-- no enterprises, with no other import running, drops the enterprises'
-- secondary indexes before its first chunk and loads without them; its
-- indexing phase builds them again (CREATE INDEX CONCURRENTLY), and its
-- rollback or undo builds them before it takes its rows out.
--
-- bulk records that decision per import: NULL until the import's writer
-- first opens (BeginImport decides under an advisory lock), then true when
-- it dropped the indexes, false when it did not. Imports from before this
-- migration were not bulk.
ALTER TABLE guccho.imports ADD COLUMN bulk boolean;
UPDATE guccho.imports SET bulk = false;
