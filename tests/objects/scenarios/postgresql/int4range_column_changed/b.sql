CREATE TABLE t (id int PRIMARY KEY, v int4range, n int)

INSERT INTO t VALUES (1, '[1,5)', 2)
