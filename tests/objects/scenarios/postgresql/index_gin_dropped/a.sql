CREATE TABLE doc (id serial PRIMARY KEY, body jsonb NOT NULL, n int, title text, tags text[])

CREATE INDEX ix_doc_tags ON doc USING gin (tags)
