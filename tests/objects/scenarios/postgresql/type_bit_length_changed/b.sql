CREATE TABLE t (id integer PRIMARY KEY, b bit(5), v varbit(8))
