CREATE TABLE t (id serial PRIMARY KEY, k integer NOT NULL)

CREATE MATERIALIZED VIEW mv AS SELECT k, count(*) AS n, max(id) AS last FROM t GROUP BY k

CREATE UNIQUE INDEX ix_mv_k ON mv (k)

CREATE INDEX ix_mv_last ON mv (last)
