-- Tokens get a public id that is no part of their secret. Before this
-- migration a token's id was the first 8 characters of its secret, and
-- imports recorded it as created_by; both now name the new id.
CREATE TABLE token_ids (old TEXT PRIMARY KEY, new TEXT NOT NULL UNIQUE);
INSERT INTO token_ids (old, new) SELECT id, 'tok_' || lower(hex(randomblob(5))) FROM tokens;
UPDATE imports SET doc = json_set(doc, '$.created_by',
        (SELECT new FROM token_ids WHERE old = json_extract(imports.doc, '$.created_by')))
    WHERE json_extract(doc, '$.created_by') IN (SELECT old FROM token_ids);
UPDATE tokens SET id = (SELECT new FROM token_ids WHERE old = tokens.id);
DROP TABLE token_ids;
