CREATE DOMAIN code AS text CONSTRAINT code_short CHECK (length(VALUE) < 10)

CREATE TABLE t (id serial PRIMARY KEY, c code)

CREATE VIEW v AS SELECT id, c FROM t
