CREATE TABLE t (id integer PRIMARY KEY, c char(2), d varchar(4))
