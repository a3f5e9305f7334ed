-- covers: int4range/change

CREATE TABLE t (id int PRIMARY KEY, v int8range, n int)

INSERT INTO t VALUES (1, '[1,5)', 2)
