CREATE TABLE t (id serial PRIMARY KEY, owner text)

ALTER TABLE t ENABLE ROW LEVEL SECURITY

CREATE POLICY own ON t USING (owner = current_user)
