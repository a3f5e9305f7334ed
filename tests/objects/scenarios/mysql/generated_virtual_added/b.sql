CREATE TABLE t (id int PRIMARY KEY, a int, b int, v int AS (a + b) VIRTUAL, s int AS (a * b) PERSISTENT)
