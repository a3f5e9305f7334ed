CREATE TABLE t (id integer PRIMARY KEY, c varchar(2), d char(4))
