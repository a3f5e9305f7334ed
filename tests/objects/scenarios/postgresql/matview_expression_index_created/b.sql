CREATE TABLE t (id serial PRIMARY KEY, name text, n int)

CREATE MATERIALIZED VIEW mv AS SELECT id, name, n FROM t

CREATE INDEX ix_mv_name ON mv (lower(name) text_pattern_ops DESC) WITH (fillfactor = 80)
