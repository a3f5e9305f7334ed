CREATE TABLE t (id int PRIMARY KEY, a int, b int, s int GENERATED ALWAYS AS (a + b) STORED)
