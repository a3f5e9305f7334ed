CREATE TABLE t (id integer PRIMARY KEY, r double precision)
