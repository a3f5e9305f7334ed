CREATE DOMAIN code AS varchar(20) NOT NULL CONSTRAINT code_short CHECK (length(VALUE) < 15) CONSTRAINT code_alpha CHECK (VALUE ~ '^[a-z]*$')

COMMENT ON DOMAIN code IS 'codes'

CREATE TABLE t (id serial PRIMARY KEY, c code)
