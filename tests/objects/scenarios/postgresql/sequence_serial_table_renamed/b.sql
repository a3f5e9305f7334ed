CREATE TABLE t2 (id int PRIMARY KEY, n serial)
