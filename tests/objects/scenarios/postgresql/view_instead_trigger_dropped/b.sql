CREATE TABLE t (id serial PRIMARY KEY, name varchar(20) NOT NULL)

CREATE VIEW v AS SELECT id, name FROM t
