CREATE TABLE t (id int PRIMARY KEY, a int, b int)

INSERT INTO t VALUES (1, 2, 3)
