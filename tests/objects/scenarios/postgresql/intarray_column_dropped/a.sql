-- covers: intarray/drop

CREATE TABLE t (id int PRIMARY KEY, v int[], n int)

INSERT INTO t VALUES (1, '{1,2}', 2)
