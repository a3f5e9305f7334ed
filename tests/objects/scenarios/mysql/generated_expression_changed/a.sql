CREATE TABLE t (id int PRIMARY KEY, a int, b int, s int AS (a + b) STORED)

INSERT INTO t (id, a, b) VALUES (1, 2, 3)
