CREATE TABLE t (id serial PRIMARY KEY, name varchar(80) NOT NULL)

CREATE VIEW v AS SELECT id, name FROM t
