CREATE TABLE t (id serial PRIMARY KEY, name text, n int)

CREATE MATERIALIZED VIEW mv AS SELECT id, name, n FROM t
