CREATE TABLE t (id serial PRIMARY KEY, tags text[], n int)

CREATE MATERIALIZED VIEW mv AS SELECT id, tags, n FROM t

CREATE UNIQUE INDEX ix_mv_id ON mv (id) INCLUDE (n)
