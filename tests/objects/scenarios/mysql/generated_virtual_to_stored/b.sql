CREATE TABLE t (id int PRIMARY KEY, a int, s varchar(20) AS (concat('x', a)) STORED)
