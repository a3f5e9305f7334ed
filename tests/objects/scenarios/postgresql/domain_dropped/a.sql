CREATE DOMAIN posint AS integer CONSTRAINT posint_check CHECK (VALUE > 0)

CREATE TABLE t (id serial PRIMARY KEY, n posint)
