CREATE TABLE t (id integer PRIMARY KEY, name varchar(40) NOT NULL, INDEX ix_t_name (name))
