CREATE TABLE t (id int PRIMARY KEY, v tsvector, n int)

INSERT INTO t VALUES (1, 'a b', 2)
