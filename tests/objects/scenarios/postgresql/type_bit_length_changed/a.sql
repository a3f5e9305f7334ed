CREATE TABLE t (id integer PRIMARY KEY, b bit(3), v varbit(5))
