CREATE DOMAIN posint AS integer NOT NULL DEFAULT 1 CONSTRAINT posint_positive CHECK (VALUE > 0)

COMMENT ON DOMAIN posint IS 'a positive number'

CREATE TABLE t (id serial PRIMARY KEY, n posint, m posint NOT NULL DEFAULT 5)
