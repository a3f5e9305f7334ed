CREATE TYPE pair AS (x integer, y text)

CREATE TABLE t (id int PRIMARY KEY, v pair, n int)

INSERT INTO t VALUES (1, '(1,a)', 2)
