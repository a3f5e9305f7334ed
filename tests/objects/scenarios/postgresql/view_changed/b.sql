CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true)

CREATE VIEW v AS SELECT id, name FROM t WHERE active AND name <> ''
