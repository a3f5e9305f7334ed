CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)

CREATE VIEW "Odd ""v""" AS SELECT id, name FROM t WHERE name LIKE '%:x' OR name = 'it''s'

COMMENT ON VIEW "Odd ""v""" IS 'a %(name)s :bind'
