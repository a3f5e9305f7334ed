CREATE TABLE t (id serial PRIMARY KEY, owner text)

ALTER TABLE t ENABLE ROW LEVEL SECURITY

CREATE POLICY own ON t USING (owner = session_user)

CREATE POLICY r ON t FOR SELECT USING (true)

COMMENT ON POLICY own ON t IS 'the owner''s rows'

COMMENT ON POLICY r ON t IS 'everyone reads'
