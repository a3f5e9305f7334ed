CREATE TYPE pair AS (x integer, y text)

CREATE TABLE t (id int PRIMARY KEY, n int)

INSERT INTO t VALUES (1, 2)
