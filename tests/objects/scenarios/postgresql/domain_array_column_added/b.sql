CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE t (id serial PRIMARY KEY, ns posint[])
