-- covers: bit/change

CREATE TABLE t (id int PRIMARY KEY, flags bit(3))
