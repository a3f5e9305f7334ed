-- a table's default character set other than the database's is listed as unmanaged
CREATE TABLE t (id integer PRIMARY KEY, x integer, s varchar(10)) DEFAULT CHARSET=latin1
