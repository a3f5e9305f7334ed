CREATE TABLE t (id serial PRIMARY KEY, n integer)

CREATE VIEW v AS SELECT id, n FROM t
