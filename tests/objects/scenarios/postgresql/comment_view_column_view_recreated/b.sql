CREATE TABLE t (id serial PRIMARY KEY, name text)

CREATE VIEW v AS SELECT id, name FROM t WHERE name <> ''

CREATE MATERIALIZED VIEW mv AS SELECT id, name FROM t

COMMENT ON COLUMN v.name IS 'the name'

COMMENT ON COLUMN mv.id IS 'the id'

COMMENT ON COLUMN mv.name IS 'the name'
