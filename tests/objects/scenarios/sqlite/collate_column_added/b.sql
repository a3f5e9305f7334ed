-- a column's own collation is modelled (collation:): the table is rebuilt
CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE NOCASE, code varchar(10) NOT NULL DEFAULT 'x' COLLATE RTRIM)
