CREATE TABLE t (id integer PRIMARY KEY, i interval day to second(3))
