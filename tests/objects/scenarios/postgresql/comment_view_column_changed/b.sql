CREATE TABLE t (id serial PRIMARY KEY, name text)

CREATE VIEW v AS SELECT id, name FROM t

CREATE MATERIALIZED VIEW mv AS SELECT id FROM t

COMMENT ON COLUMN v.name IS 'the name, changed'

COMMENT ON COLUMN v.id IS 'the id'
