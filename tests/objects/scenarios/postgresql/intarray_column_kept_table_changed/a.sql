-- covers: intarray/table

CREATE TABLE t (id int PRIMARY KEY, v int[], n int)
