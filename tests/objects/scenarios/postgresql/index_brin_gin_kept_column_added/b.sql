CREATE TABLE doc (id serial PRIMARY KEY, body jsonb NOT NULL, n int, title text, tags text[], extra int)

CREATE INDEX ix_doc_n ON doc USING brin (n)

CREATE INDEX ix_doc_tags ON doc USING gin (tags)
