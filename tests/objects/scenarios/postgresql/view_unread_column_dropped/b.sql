CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)

CREATE VIEW v AS SELECT id, name FROM t
