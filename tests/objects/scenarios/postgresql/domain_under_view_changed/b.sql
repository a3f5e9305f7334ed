CREATE DOMAIN code AS text NOT NULL DEFAULT 'x' CONSTRAINT code_short CHECK (length(VALUE) < 20)

CREATE TABLE t (id serial PRIMARY KEY, c code, d code)

CREATE VIEW v AS SELECT id, c, d FROM t
