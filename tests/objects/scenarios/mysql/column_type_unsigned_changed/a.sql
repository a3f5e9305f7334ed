CREATE TABLE t (id integer PRIMARY KEY, n int, m bigint unsigned, s smallint)

INSERT INTO t (id, n, m, s) VALUES (1, 5, 6, 7)
