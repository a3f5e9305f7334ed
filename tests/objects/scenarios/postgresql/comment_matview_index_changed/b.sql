CREATE TABLE t (id serial PRIMARY KEY, k integer NOT NULL)

CREATE MATERIALIZED VIEW mv AS SELECT id, k FROM t

CREATE INDEX ix_mv_k ON mv (k)

CREATE INDEX ix_mv_id ON mv (id)

COMMENT ON INDEX ix_mv_k IS 'the ks'

COMMENT ON INDEX ix_mv_id IS 'ids'
