CREATE TABLE doc (id serial PRIMARY KEY, body jsonb NOT NULL, title text)

CREATE INDEX ix_doc_body ON doc USING gin (body)

CREATE INDEX ix_doc_lower ON doc ((body->>'title'))
