CREATE TABLE t (id int PRIMARY KEY, a bigint, s int AS (a * 2) STORED)
