CREATE TABLE docs (id serial PRIMARY KEY, owner text NOT NULL, level integer NOT NULL DEFAULT 0)

ALTER TABLE docs ENABLE ROW LEVEL SECURITY

CREATE POLICY own ON docs USING (owner = current_user)

CREATE POLICY low_insert ON docs AS RESTRICTIVE FOR INSERT TO pg_read_all_data WITH CHECK (level < 5 AND owner <> '')
