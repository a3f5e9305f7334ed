-- t's row-level security and policy are modelled (row_level_security:, policies:): kept while a column is added
CREATE EXTENSION IF NOT EXISTS pg_trgm

CREATE TABLE t (id serial PRIMARY KEY, owner text NOT NULL)

ALTER TABLE t ENABLE ROW LEVEL SECURITY

CREATE POLICY own ON t USING (owner = current_user)

CREATE SEQUENCE tickets START 100
