CREATE TABLE t (id integer PRIMARY KEY, name varchar(40) NOT NULL)

CREATE INDEX ix_t_name ON t (name)
