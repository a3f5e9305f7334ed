CREATE TYPE pair AS (x integer, y text)

CREATE TABLE t (id int PRIMARY KEY, v pair, n bigint NOT NULL DEFAULT 0, extra text)
