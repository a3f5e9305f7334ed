-- covers: tsvector/change

CREATE TABLE t (id int PRIMARY KEY, v text, n int)

INSERT INTO t VALUES (1, 'a b', 2)
