-- Tokens get a public id that is no part of their secret. Before this
-- migration a token's id was the first 8 characters of its secret, and
-- imports recorded it as created_by; both now name the new id.
CREATE TEMPORARY TABLE token_ids ON COMMIT DROP AS
    SELECT id AS old, 'tok_' || substr(md5(random()::text || id || clock_timestamp()::text), 1, 10) AS new
    FROM guccho.tokens;
UPDATE guccho.imports i SET doc = jsonb_set(i.doc, '{created_by}', to_jsonb(t.new))
    FROM token_ids t WHERE i.doc->>'created_by' = t.old;
UPDATE guccho.tokens k SET id = t.new FROM token_ids t WHERE k.id = t.old;
