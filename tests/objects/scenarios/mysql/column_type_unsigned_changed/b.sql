-- signed to unsigned and back, and a display width
CREATE TABLE t (id integer PRIMARY KEY, n int unsigned, m bigint, s smallint(3))

INSERT INTO t (id, n, m, s) VALUES (1, 5, 6, 7)
