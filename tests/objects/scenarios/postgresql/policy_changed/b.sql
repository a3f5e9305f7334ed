CREATE TABLE docs (id serial PRIMARY KEY, owner text NOT NULL, level integer NOT NULL DEFAULT 0)

ALTER TABLE docs ENABLE ROW LEVEL SECURITY

CREATE POLICY own ON docs TO pg_read_all_data USING (owner = current_user OR level = 0) WITH CHECK (level < 10)

CREATE POLICY reader ON docs FOR UPDATE USING (level > 0)
