CREATE TABLE t (id serial PRIMARY KEY, title text NOT NULL)

CREATE VIEW v AS SELECT id, title FROM t
