CREATE TABLE t (id int PRIMARY KEY, a int, b int, s int AS (a * b) STORED)
