CREATE TABLE t (id integer PRIMARY KEY, r real, d double precision, ra real[])
