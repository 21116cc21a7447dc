-- A row an import finds unchanged is only claimed by it (import_id and
-- import_row change, nothing else), so its undo row keeps just that: the
-- feature id, the id, the import and row it had, and unchanged = true; the
-- content columns stay NULL. A re-import of a whole survey then saves a
-- few bytes per row for undo instead of a copy of every record.
ALTER TABLE guccho.import_undo
    ADD COLUMN unchanged boolean NOT NULL DEFAULT false,
    ALTER COLUMN name DROP NOT NULL,
    ALTER COLUMN sector DROP NOT NULL,
    ALTER COLUMN method DROP NOT NULL,
    ALTER COLUMN display_point DROP NOT NULL,
    ALTER COLUMN synthetic DROP NOT NULL,
    ALTER COLUMN division DROP NOT NULL,
    ALTER COLUMN district DROP NOT NULL,
    ALTER COLUMN upazila DROP NOT NULL,
    ALTER COLUMN union_code DROP NOT NULL,
    ALTER COLUMN content_hash DROP NOT NULL,
    ALTER COLUMN doc DROP NOT NULL,
    ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL,
    ADD CHECK (unchanged OR (name IS NOT NULL AND sector IS NOT NULL AND method IS NOT NULL AND display_point IS NOT NULL
        AND synthetic IS NOT NULL AND division IS NOT NULL AND district IS NOT NULL AND upazila IS NOT NULL
        AND union_code IS NOT NULL AND content_hash IS NOT NULL AND doc IS NOT NULL AND created_at IS NOT NULL
        AND updated_at IS NOT NULL));
