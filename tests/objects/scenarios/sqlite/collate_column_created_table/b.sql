CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE NOCASE, code varchar(10) COLLATE RTRIM)
