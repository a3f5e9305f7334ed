-- covers: bit/table

CREATE TABLE t (id int PRIMARY KEY, flags bit(3), n int)
