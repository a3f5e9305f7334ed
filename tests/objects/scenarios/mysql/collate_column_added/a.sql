CREATE TABLE t (id integer PRIMARY KEY, name varchar(20), code varchar(10) NOT NULL DEFAULT 'x' COMMENT 'the code')
