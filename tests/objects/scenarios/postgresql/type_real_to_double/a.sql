CREATE TABLE t (id integer PRIMARY KEY, r real)
