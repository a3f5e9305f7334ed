CREATE TABLE t (id int PRIMARY KEY, v tstzrange, n int)

INSERT INTO t VALUES (1, '[2020-01-01,2021-01-01)', 2)
