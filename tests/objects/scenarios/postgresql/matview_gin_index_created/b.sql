CREATE TABLE t (id serial PRIMARY KEY, tags text[], n int)

CREATE MATERIALIZED VIEW mv AS SELECT id, tags, n FROM t

CREATE INDEX ix_mv_tags ON mv USING gin (tags) WHERE n > 0
