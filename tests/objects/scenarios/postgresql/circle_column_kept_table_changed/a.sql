-- covers: circle/table

CREATE TABLE t (id int PRIMARY KEY, v circle, n int)
