CREATE TABLE t (id integer PRIMARY KEY, x integer)

INSERT INTO t (id, x) VALUES (1, 2)
