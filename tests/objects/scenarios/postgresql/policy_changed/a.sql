CREATE TABLE docs (id serial PRIMARY KEY, owner text NOT NULL, level integer NOT NULL DEFAULT 0)

ALTER TABLE docs ENABLE ROW LEVEL SECURITY

CREATE POLICY own ON docs USING (owner = current_user)

CREATE POLICY reader ON docs FOR SELECT USING (level > 0)
