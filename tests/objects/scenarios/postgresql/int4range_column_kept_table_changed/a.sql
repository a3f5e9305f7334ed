-- covers: int4range/table

CREATE TABLE t (id int PRIMARY KEY, v int4range, n int)
