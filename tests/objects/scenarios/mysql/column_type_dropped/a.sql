CREATE TABLE t (id integer PRIMARY KEY, b bit(5), y year, at timestamp(3) NULL)
