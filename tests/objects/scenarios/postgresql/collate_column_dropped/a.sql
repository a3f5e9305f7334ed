CREATE TABLE t (id serial PRIMARY KEY, name varchar(40) COLLATE "C")

CREATE INDEX ix_t_name ON t (name)
