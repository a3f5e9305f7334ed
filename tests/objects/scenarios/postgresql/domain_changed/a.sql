CREATE DOMAIN code AS varchar(20) DEFAULT 'x' CONSTRAINT code_short CHECK (length(VALUE) < 10) CONSTRAINT code_lower CHECK (VALUE = lower(VALUE))

CREATE TABLE t (id serial PRIMARY KEY, c code)
