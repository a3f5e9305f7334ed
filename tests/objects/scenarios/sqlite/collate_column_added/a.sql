CREATE TABLE t (id integer PRIMARY KEY, name text, code varchar(10) NOT NULL DEFAULT 'x')
